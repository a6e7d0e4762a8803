import { useState } from "react";
import { useLocation } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { BacktestDetailView, BacktestView } from "../api/types.ts";
import { executionText, feedText, INTERVALS, isActive, spanLength, spanText } from "../lib/backtests.ts";
import { duration, fullTime, time } from "../lib/format.ts";
import { BacktestBaselineLink, BacktestComparison } from "./backtest-comparison.tsx";
import { BacktestEquity } from "./backtest-equity.tsx";
import { BacktestMetrics } from "./backtest-metrics.tsx";
import { BacktestProgress } from "./backtest-progress.tsx";
import { BacktestStatusBadge } from "./backtest-status.tsx";
import { BacktestWhatIfForm } from "./backtest-what-if.tsx";
import { Card, ConfirmButton, Empty, ErrorBox } from "./ui.tsx";

const intervalText = (ms: number) => INTERVALS.find((i) => i.ms === ms)?.label ?? duration(ms);

/** Cancel a queued or running run; delete a finished one with its files (then back to the list); a done one's what-if. */
function BacktestActions({ backtest, whatIf }: { backtest: BacktestView; whatIf: { open: boolean; toggle: () => void } }) {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const active = isActive(backtest.status);
  const act = async () => {
    setPending(true);
    setError(null);
    try {
      const after = await send<BacktestView & { deleted: boolean }>("DELETE", `/backtests/${encodeURIComponent(backtest.id)}`);
      if (after.deleted) {
        client.removeQueries({ queryKey: ["backtests", backtest.id] });
        navigate("/backtests");
      }
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
      await client.invalidateQueries({ queryKey: ["backtests"] });
    }
  };
  return (
    <div className="mirror-actions">
      <div className="row">
        {backtest.reportUrl && (
          <a className="button-link" href={backtest.reportUrl} target="_blank" rel="noopener" data-testid="backtest-report">
            Open the report
          </a>
        )}
        {backtest.status === "done" && (
          <button type="button" onClick={whatIf.toggle} aria-expanded={whatIf.open} data-testid="backtest-what-if">
            What-if
          </button>
        )}
        <ConfirmButton
          className="danger"
          confirm={active ? "Stop this run?" : "Delete this run and its files?"}
          onConfirm={() => void act()}
          disabled={pending}
          testId={active ? "backtest-cancel" : "backtest-delete"}
        >
          {pending ? (active ? "Canceling…" : "Deleting…") : active ? "Cancel" : "Delete"}
        </ConfirmButton>
      </div>
      {error !== null && <ErrorBox error={error} what="Action failed" />}
    </div>
  );
}

/** One backtest: what was asked, where it is or how it ended, each model's figures and equity. */
export function BacktestDetail({ backtest: b }: { backtest: BacktestDetailView }) {
  const r = b.request;
  const [, navigate] = useLocation();
  const [whatIfOpen, setWhatIfOpen] = useState(false);
  const whatIf = { open: whatIfOpen && b.status === "done", toggle: () => setWhatIfOpen((o) => !o) };
  return (
    <>
      <Card testId="backtest-detail">
        <div className="model-header">
          <div className="bt-title">
            <h2 className="mirror-title">{spanText(r)}</h2>
            <div className="row small">
              <BacktestStatusBadge status={b.status} />
              <span className="muted">
                {spanLength(r)} simulated · {r.models.length} model{r.models.length === 1 ? "" : "s"} · asked {time(b.createdAt)}
              </span>
            </div>
          </div>
          <BacktestActions backtest={b} whatIf={whatIf} />
        </div>
        {r.baseline !== undefined && <BacktestBaselineLink baselineId={b.baselineId} />}
        {(b.progress || isActive(b.status)) && (
          <div className="bt-detail-progress">
            <BacktestProgress backtest={b} wide />
          </div>
        )}
        {b.error && (
          <div className="error-box bt-error" role="alert" data-testid="backtest-error">
            <strong>{b.status === "failed" ? "Failed: " : ""}</strong>
            {b.error}
          </div>
        )}
        <dl className="model-kv mirror-settings">
          <div>
            <dt>Market</dt>
            <dd>{feedText(r.feed)}</dd>
          </div>
          <div>
            <dt>Models decide every</dt>
            <dd>{intervalText(r.intervalMs)}</dd>
          </div>
          <div>
            <dt>Execution</dt>
            <dd>{executionText(r.execution)}</dd>
          </div>
          {r.llm.mode !== "off" && (
            <div>
              <dt>LLM calls</dt>
              <dd>
                {r.llm.mode === "record" ? "recorded to" : "replayed from"} <code>{r.llm.file}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>Ran</dt>
            <dd title={fullTime(b.startedAt)}>
              {b.startedAt ? `${time(b.startedAt)} → ${b.finishedAt ? time(b.finishedAt) : "now"}` : "not started"}
              {b.summary ? ` · ${duration(b.summary.stats.wallMs)}, ${b.summary.stats.updates.toLocaleString()} book updates` : ""}
            </dd>
          </div>
          {b.summary && (
            <div>
              <dt title="sha256 of every trade and ledger entry: equal runs give equal hashes">Hash</dt>
              <dd>
                <code className="bt-hash">{b.summary.hash}</code>
              </dd>
            </div>
          )}
        </dl>
      </Card>
      {whatIf.open && (
        <Card title="What-if of this run" className="bt-form-card" testId="backtest-what-if-card">
          <BacktestWhatIfForm backtest={b} onStarted={(started) => navigate(`/backtests/${encodeURIComponent(started.id)}`)} onClose={() => setWhatIfOpen(false)} />
        </Card>
      )}
      {b.summary ? (
        <Card title="Models" testId="backtest-models-card">
          <BacktestMetrics summary={b.summary} />
        </Card>
      ) : isActive(b.status) ? (
        <Empty title={b.status === "queued" ? "Waiting to start" : "Running"}>Each model&apos;s figures and equity curve appear here when the run is done.</Empty>
      ) : (
        b.status === "canceled" && <Empty title="No results">The run was canceled before it finished.</Empty>
      )}
      {b.result?.baseline && (
        <Card title="What-if vs baseline" testId="backtest-comparison-card">
          <BacktestComparison result={b.result} />
        </Card>
      )}
      {b.result && <BacktestEquity result={b.result} />}
    </>
  );
}
