import { Link } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { mirrorExecutionsKey, useMirrorExecutions, usePredictionMarketNames } from "../api/queries.ts";
import type { ExecutionView, PredictionMarketView } from "../api/types.ts";
import { useLiveEvents } from "../live/live-provider.tsx";
import { fullTime, num, time } from "../lib/format.ts";
import { priceVsTrader, tokenName, tokenSide } from "../lib/lt.ts";
import { bps, executionStatus, isExecutionOf, outcomeTone, reasonText, slippageClass, upsertExecution } from "../lib/mirrors.ts";
import { Empty, ErrorBox, Loading } from "./ui.tsx";

/** How many of a strategy's latest executions its card shows (its mirror's page lists them all). */
export const LT_EXECUTIONS = 8;
const TONE_CLASS = { good: "ok", bad: "error", warn: "paused", neutral: "" } as const;

/** An outcome token by its market's question and outcome, as positions and trades show one; its symbol when the market is not listed. */
function TokenCell({ symbol, markets }: { symbol: string; markets: readonly PredictionMarketView[] | undefined }) {
  const t = tokenName(symbol, markets);
  if (t.conditionId === null) return <strong className="lt-symbol">{symbol}</strong>;
  return (
    <span className="instrument-outcome" title={symbol}>
      <Link href={`/predictions/${encodeURIComponent(t.conditionId)}`} className="instrument-question">
        {t.question}
      </Link>{" "}
      <span className="badge instrument-outcome-name" aria-label={`outcome ${t.outcome}`}>
        {t.outcome}
      </span>
    </span>
  );
}

function Row({ e, markets }: { e: ExecutionView; markets: readonly PredictionMarketView[] | undefined }) {
  const status = executionStatus(e);
  const tone = outcomeTone(e.outcome);
  const why = reasonText(e.reason, e.detail);
  return (
    <tr data-execution-id={e.id} data-outcome={e.outcome ?? status}>
      <td>
        <time dateTime={e.source.at} title={`FT's fill, ${fullTime(e.source.at)}`}>
          {time(e.source.at)}
        </time>
      </td>
      <td className="lt-token">
        <TokenCell symbol={e.symbol} markets={markets} />
      </td>
      <td data-field="side" title={e.action.replace(/_/g, " ")}>
        {tokenSide(e)}
      </td>
      <td className="num" data-field="quantity" title="Shares the copy intended / filled">
        {num(e.intendedQuantity)} / {num(e.filledQuantity)}
      </td>
      <td className="num" data-field="price">
        <div>{priceVsTrader(e)}</div>
        {e.traderSlippageBps !== null && <div className={`small ${slippageClass(e.traderSlippageBps)}`}>{bps(e.traderSlippageBps, { signed: true })} vs trader</div>}
      </td>
      <td data-field="outcome" className="lt-why">
        <span className={`badge ${TONE_CLASS[tone]}`}>{status}</span>
        {why && (
          <span className={tone === "bad" ? "loss" : "warn"} title={e.message ?? undefined}>
            {" "}
            {why}
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * A strategy's latest executions: when, which outcome token, buy or sell, shares intended and
 * filled, our price against the trader's, and the outcome with its reason. Executions the stream
 * brings for this mirror are written in at once, as on the mirror's page.
 */
export function LtExecutions({ mirrorId }: { mirrorId: string }) {
  const client = useQueryClient();
  const q = useMirrorExecutions(mirrorId, "", LT_EXECUTIONS);
  const rows = q.data ?? [];
  const markets = usePredictionMarketNames(rows.length > 0);

  useLiveEvents((ev) => {
    if (ev.type !== "mirror" || !isExecutionOf(ev.data, mirrorId)) return;
    const e = ev.data;
    client.setQueryData<ExecutionView[]>(mirrorExecutionsKey(mirrorId, "", LT_EXECUTIONS), (old) => (old === undefined ? old : upsertExecution(old, e, "", LT_EXECUTIONS)));
  });

  if (q.isPending) return <Loading what="executions" />;
  if (q.isError) return <ErrorBox error={q.error} what="Executions" />;
  if (rows.length === 0) {
    return <Empty title="No executions yet">Each trade the follow model makes (a buy, an addition, a sale) becomes one execution here, with its outcome and, when it was not copied, why.</Empty>;
  }
  return (
    <div className="table-wrap">
      <table className="lt-executions" data-testid="lt-executions">
        <thead>
          <tr>
            <th>Time</th>
            <th>Market / outcome</th>
            <th>Side</th>
            <th className="num">Intended / filled</th>
            <th className="num" title="Our average fill price against the followed wallet's own price">
              Price vs trader
            </th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <Row key={e.id} e={e} markets={markets.data} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
