import { useHealth, useModels } from "../api/queries.ts";
import { ErrorBox, Loading, Stat } from "./ui.tsx";

/** What the server runs on (mode, market feed, database, version), and why it is degraded when it is. */
export function HealthSystem() {
  const health = useHealth();
  const models = useModels();
  const names = new Map((models.data ?? []).map((m) => [m.id, m.name]));
  if (health.isPending) return <Loading what="server status" />;
  if (health.isError) return <ErrorBox error={health.error} what="Server status" />;
  const { mode, feed, db, version, status } = health.data;
  const reasons = health.data.reasons;
  const feedExtra = Object.entries(feed)
    .filter(([k, v]) => k !== "kind" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean"))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(", ");
  return (
    <div className="stack">
      <div className="stats">
        <Stat
          label="Status"
          value={<span className={status === "ok" ? "gain" : "warn"}>{status}</span>}
          title={status === "ok" ? undefined : "Something below is wrong now; it clears by itself once it is over"}
        />
        <Stat label="Mode" value={<span className={mode === "live" ? "loss" : ""}>{mode}</span>} title={mode === "live" ? "Orders go to real venues" : "Orders fill on the exchange simulator"} />
        <Stat label="Market feed" value={feed.kind} title={feedExtra || undefined} />
        <Stat label="Database" value={db.kind} />
        <Stat label="Version" value={version} />
      </div>
      {reasons.length > 0 && (
        <ul className="small" data-testid="health-reasons">
          {reasons.map((r) => (
            <li key={`${r.code}:${r.modelId ?? ""}:${r.symbol ?? ""}:${r.positionId ?? ""}`}>
              <span className="badge paused">{r.code.replace(/_/g, " ")}</span> {[r.symbol, r.modelId ? (names.get(r.modelId) ?? r.modelId.slice(0, 8)) : null].filter(Boolean).join(" · ")} {r.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
