import { Link } from "wouter";
import type { FeedRow } from "../lib/live-feed.ts";
import { fullTime, num, time } from "../lib/format.ts";
import { Pnl } from "./ui.tsx";

const TONE_CLASS: Record<FeedRow["tone"], string> = { good: "ok", bad: "error", warn: "paused", neutral: "" };

/** One event of the live feed on one line (wrapping on a phone). */
export function LiveFeedItem({ row, modelName }: { row: FeedRow; modelName: string | undefined }) {
  const trade = row.side || row.quantity || row.price;
  return (
    <li className={`feed-item feed-${row.tone}`} data-event-id={row.id} data-kind={row.kind}>
      <time className="feed-time muted" dateTime={row.at} title={fullTime(row.at)}>
        {time(row.at)}
      </time>
      <span className="feed-badges">
        {row.mirrorId ? (
          <Link href={`/mirrors/${encodeURIComponent(row.mirrorId)}`} className="badge" title="A copy-trading execution: open its mirror">
            mirror
          </Link>
        ) : (
          <span className="badge">{row.kind === "invocation" ? "decision" : row.kind === "live" ? "kill switch" : row.kind}</span>
        )}
        <span className={`badge ${TONE_CLASS[row.tone]}`}>{row.action.replace(/_/g, " ")}</span>
      </span>
      {row.modelId && <Link href={`/models/${encodeURIComponent(row.modelId)}`}>{modelName ?? row.modelId.slice(0, 8)}</Link>}
      {row.symbol && (
        <Link href={`/markets/${encodeURIComponent(row.symbol)}`} className="feed-symbol">
          {row.symbol}
        </Link>
      )}
      {trade && (
        <span className="num">
          {row.side && <span className={row.side === "LONG" || row.side === "BUY" ? "gain" : "loss"}>{row.side} </span>}
          {row.quantity && num(row.quantity)}
          {row.price && <span className="muted"> @ </span>}
          {row.price && num(row.price)}
        </span>
      )}
      {row.pnl !== null && (
        <span className="num">
          P&amp;L <Pnl value={row.pnl} />
        </span>
      )}
      {row.reason && <span className={row.tone === "bad" ? "loss feed-reason" : "feed-reason muted"}>{row.reason}</span>}
      {row.detail && <span className="muted small feed-detail">{row.detail}</span>}
    </li>
  );
}
