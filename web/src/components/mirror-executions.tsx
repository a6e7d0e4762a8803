import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { mirrorExecutionsKey, useMirrorExecutions } from "../api/queries.ts";
import type { ExecutionView, Outcome } from "../api/types.ts";
import { useLiveEvents } from "../live/live-provider.tsx";
import { fullTime, num, time } from "../lib/format.ts";
import { actionText, bps, executionStatus, isExecutionOf, latency, OUTCOMES, outcomeTone, reasonText, slippageClass, upsertExecution } from "../lib/mirrors.ts";
import { Card, Empty, ErrorBox, Loading, Segmented } from "./ui.tsx";

const LIMIT = 100;
const TONE_CLASS = { good: "ok", bad: "error", warn: "paused", neutral: "" } as const;
const FILTERS = [{ value: "" as const, label: "all" }, ...OUTCOMES.map((o) => ({ value: o, label: o }))];

function ExecutionRow({ e }: { e: ExecutionView }) {
  const status = executionStatus(e);
  const tone = outcomeTone(e.outcome);
  const why = reasonText(e.reason, e.detail);
  return (
    <tr data-execution-id={e.id} data-outcome={e.outcome ?? status} className={`exec-${tone}`}>
      <td>
        <div>
          {actionText(e)} <strong>{e.symbol}</strong>
        </div>
        <time className="muted small" dateTime={e.source.at} title={`The source's fill, ${fullTime(e.source.at)}`}>
          {time(e.source.at)}
        </time>
      </td>
      <td>
        <span className={`badge ${TONE_CLASS[tone]}`}>{status}</span>
      </td>
      <td className="mirror-why">
        {why && <span className={tone === "bad" ? "loss" : "warn"}>{why}</span>}
        {why && e.message && <span className="muted">: </span>}
        {e.message && <span className="muted">{e.message}</span>}
      </td>
      <td className="num">{num(e.source.quantity)}</td>
      <td className="num">{num(e.intendedQuantity)}</td>
      <td className="num">{num(e.filledQuantity)}</td>
      <td className="num">{num(e.source.price)}</td>
      <td className="num">{num(e.avgPrice)}</td>
      <td className={`num ${slippageClass(e.slippageBps)}`}>{bps(e.slippageBps, { signed: true })}</td>
      <td className={`num ${slippageClass(e.traderSlippageBps)}`} title={e.trader ? `The wallet's trade: ${num(e.trader.price)} (${e.trader.wallet ?? "unknown wallet"})` : undefined}>
        {bps(e.traderSlippageBps, { signed: true })}
      </td>
      <td className="num">{latency(e.latencyMs.sent)}</td>
      <td className="num">{latency(e.latencyMs.filled)}</td>
    </tr>
  );
}

/**
 * A mirror's executions, newest first, with their outcome, reason and message; each execution
 * the stream brings for this mirror is written into the list at once (a later version of one
 * replaces it), so the list follows the copying live.
 */
export function MirrorExecutions({ mirrorId }: { mirrorId: string }) {
  const client = useQueryClient();
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const q = useMirrorExecutions(mirrorId, outcome, LIMIT);

  useLiveEvents((ev) => {
    if (ev.type !== "mirror" || !isExecutionOf(ev.data, mirrorId)) return;
    const e = ev.data;
    client.setQueryData<ExecutionView[]>(mirrorExecutionsKey(mirrorId, outcome, LIMIT), (old) => (old === undefined ? old : upsertExecution(old, e, outcome, LIMIT)));
  });

  const rows = q.data ?? [];
  return (
    <Card
      title={
        <>
          Executions <span className="muted small">(newest first{rows.length >= LIMIT ? `, the latest ${LIMIT}` : ""})</span>
        </>
      }
      actions={<Segmented label="Outcome" value={outcome} options={FILTERS} onChange={setOutcome} />}
      className="span-all"
    >
      {q.isPending ? (
        <Loading what="executions" />
      ) : q.isError ? (
        <ErrorBox error={q.error} what="Executions" />
      ) : rows.length === 0 ? (
        outcome === "" ? (
          <Empty title="No executions yet">
            Each change of the source&apos;s positions (open, scale, reduce, close, a stop or target moved) becomes one execution here, with its outcome and, when it was not copied, why.
          </Empty>
        ) : (
          <Empty title={`No ${outcome} executions`}>Choose &quot;all&quot; to see every execution.</Empty>
        )
      ) : (
        <div className="table-wrap">
          <table data-testid="mirror-executions" className="mirror-executions">
            <thead>
              <tr>
                <th>Source change</th>
                <th>Outcome</th>
                <th>Reason / message</th>
                <th className="num" title="What the source's change filled">
                  Source qty
                </th>
                <th className="num">Intended</th>
                <th className="num">Filled</th>
                <th className="num">Source price</th>
                <th className="num">Avg price</th>
                <th className="num" title="Against the source's fill price; positive is worse">
                  Slippage
                </th>
                <th className="num" title="Against the followed wallet's own price, when the source is a follow model that copied a wallet trade; positive is worse">
                  vs trader
                </th>
                <th className="num" title="From the source's fill committed to the follower's order sent">
                  To sent
                </th>
                <th className="num" title="From the source's fill committed to the follower's fill committed">
                  To filled
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <ExecutionRow key={e.id} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
