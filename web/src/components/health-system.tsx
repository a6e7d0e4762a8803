import { useHealth } from "../api/queries.ts";
import { ErrorBox, Loading, Stat } from "./ui.tsx";

/** What the server runs on: mode, market feed, database, version. */
export function HealthSystem() {
  const health = useHealth();
  if (health.isPending) return <Loading what="server status" />;
  if (health.isError) return <ErrorBox error={health.error} what="Server status" />;
  const { mode, feed, db, version, status } = health.data;
  const feedExtra = Object.entries(feed)
    .filter(([k, v]) => k !== "kind" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean"))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ");
  return (
    <div className="stats">
      <Stat label="Status" value={<span className={status === "ok" ? "gain" : "loss"}>{status}</span>} />
      <Stat label="Mode" value={<span className={mode === "live" ? "loss" : ""}>{mode}</span>} title={mode === "live" ? "Orders go to real venues" : "Orders fill on the exchange simulator"} />
      <Stat label="Market feed" value={feed.kind} title={feedExtra || undefined} />
      <Stat label="Database" value={db.kind} />
      <Stat label="Version" value={version} />
    </div>
  );
}
