import { useQuery } from "@tanstack/react-query";
import { healthQuery } from "../api/queries.ts";
import { duration } from "../lib/format.ts";
import { feedMarketRows, lighterFeed } from "../lib/venue.ts";
import { Stat } from "./ui.tsx";

/** Read more often while this is on screen: the ages are the server's, as of its answer. */
const REFRESH_MS = 5_000;

const STATE_TEXT = { ok: "live", stale: "stale", unsynced: "not synced" } as const;
const STATE_CLASS = { ok: "active", stale: "paused", unsynced: "halted" } as const;

/**
 * Lighter's order-book feed per market: synced (a snapshot and no gap since), stale (no frame
 * for longer than the feed allows: no new entries there), the age of its last update, updates
 * and gaps. Nothing when the feed is not Lighter's.
 */
export function HealthFeedMarkets() {
  const health = useQuery({ ...healthQuery(), refetchInterval: REFRESH_MS });
  const feed = lighterFeed(health.data?.feed);
  if (!feed) return null;
  const rows = feedMarketRows(feed);
  const healthy = rows.filter((r) => r.state === "ok").length;
  return (
    <div className="stack-tight">
      <div className="stats">
        <Stat label="Socket" value={feed.connected ? <span className="gain">connected</span> : <span className="loss">disconnected</span>} />
        <Stat label="Stale after" value={duration(feed.staleAfterMs)} title="A market silent for this long takes no new entries; exits are still watched" />
        <Stat label="Markets live" value={<span className={healthy === rows.length ? "gain" : "warn"}>{`${healthy} of ${rows.length}`}</span>} />
      </div>
      <div className="table-wrap">
        <table data-testid="feed-markets">
          <thead>
            <tr>
              <th>Market</th>
              <th>State</th>
              <th>Synced</th>
              <th>Stale</th>
              <th className="num" title="Since the last order-book frame, as of the server's answer">
                Last update
              </th>
              <th className="num">Updates</th>
              <th className="num" title="Sequence gaps seen; each one resubscribed for a fresh snapshot">
                Gaps
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.symbol} data-symbol={r.symbol}>
                <td>{r.symbol}</td>
                <td>
                  <span className={`badge ${STATE_CLASS[r.state]}`}>{STATE_TEXT[r.state]}</span>
                </td>
                <td className={r.synced ? "" : "loss"}>{r.synced ? "yes" : "no"}</td>
                <td className={r.stale ? "warn" : ""}>{r.stale ? "yes" : "no"}</td>
                <td className="num">{r.lastUpdateAgeMs === null ? "never" : `${duration(r.lastUpdateAgeMs)} ago`}</td>
                <td className="num">{r.updates}</td>
                <td className={`num ${r.gaps > 0 ? "warn" : ""}`}>{r.gaps}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
