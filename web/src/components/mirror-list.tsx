import { Link } from "wouter";
import type { MirrorDetail } from "../api/types.ts";
import { mirrorStatus, orderTypeText, sizingText } from "../lib/mirrors.ts";
import { MirrorActions } from "./mirror-actions.tsx";
import { Empty } from "./ui.tsx";

/** What to do when there is no mirror: the API call and the CLI command that make one. */
export function NoMirrors() {
  return (
    <Empty title="No mirrors yet">
      Make a follower copy a model&apos;s trades: <code>POST /api/mirrors</code> with <code>{'{"sourceModelId":"<id>","follower":{"name":"<name>"}}'}</code>, or{" "}
      <code>autonome mirrors add --source &lt;id&gt; --follower-name &lt;name&gt;</code>. The follower appears on the arena beside its source.
    </Empty>
  );
}

/** Every mirror, source → follower, with how it copies and a pause/resume button; the selected one is marked. */
export function MirrorList({ mirrors, selected }: { mirrors: readonly MirrorDetail[]; selected: string | undefined }) {
  if (mirrors.length === 0) return <NoMirrors />;
  return (
    <div className="table-wrap">
      <table data-testid="mirrors" className="mirror-list">
        <thead>
          <tr>
            <th>Source → follower</th>
            <th>Status</th>
            <th>Order</th>
            <th>Sizing</th>
            <th className="num" title="Open positions of the follower">
              Follower pos.
            </th>
            <th title="The process copying it now">Host</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {mirrors.map((m) => {
            const status = mirrorStatus(m);
            const current = m.id === selected;
            return (
              <tr key={m.id} data-mirror-id={m.id} className={current ? "selected" : undefined} aria-current={current ? "true" : undefined}>
                <td className="mirror-pair">
                  <Link href={`/mirrors/${encodeURIComponent(m.id)}`}>
                    {m.sourceName} → {m.followerName}
                  </Link>
                </td>
                <td>
                  <span className={`badge ${status === "deleted" ? "" : status}`}>{status}</span>
                </td>
                <td>{orderTypeText(m)}</td>
                <td>{sizingText(m.sizing)}</td>
                <td className="num">{m.followerPositions.length}</td>
                <td className="muted">{m.host ?? (status === "active" ? "waiting for a worker" : "—")}</td>
                <td>
                  <MirrorActions mirror={m} compact />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
