import type { ReactNode } from "react";
import { Link } from "wouter";
import { useMirrorMetrics } from "../api/queries.ts";
import type { AuditWindow, MirrorMetrics } from "../api/types.ts";
import { fullTime, pnlClass, ratioPct, usd } from "../lib/format.ts";
import { accountText, latencyText, outcomesText, pnlDiffText, pnlText, slippageText, topReasons, type LtStrategy } from "../lib/lt.ts";
import { orderTypeText, sizingText, slippageClass } from "../lib/mirrors.ts";
import { LtExecutions } from "./lt-executions.tsx";
import { MirrorActions } from "./mirror-actions.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { Card, ErrorBox, Loading } from "./ui.tsx";

/** The figures refetch this often besides on each execution: open positions' P&L moves with the marks. */
const METRICS_POLL_MS = 10_000;

function Figure({ field, label, title, className, children }: { field: string; label: string; title?: string; className?: string; children: ReactNode }) {
  return (
    <div data-field={field} title={title}>
      <dt>{label}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}

/** The audit of one strategy over the window: outcomes, fill rate, latency, slippage, the top reasons in words, P&L against FT. */
function LtFigures({ s, m }: { s: LtStrategy; m: MirrorMetrics }) {
  const c = m.counts;
  const reasons = topReasons(c);
  return (
    <>
      <dl className="lt-figures" data-testid="lt-figures">
        <Figure field="signals" label="Signals" title="Changes of FT's positions in the window, each one execution">
          {c.signals}
        </Figure>
        <Figure field="outcomes" label="Outcomes">
          {outcomesText(c)}
        </Figure>
        <Figure field="fill-rate" label="Fill rate" title="Filled or partly filled, of the executions that finished">
          {ratioPct(m.fillRate)}
        </Figure>
        <Figure field="latency-sent" label="To order sent" title="From FT's fill committed to LT's order sent">
          {latencyText(m.latencyMs.sent)}
        </Figure>
        <Figure field="latency-filled" label="To fill" title="From FT's fill committed to LT's fill committed">
          {latencyText(m.latencyMs.filled)}
        </Figure>
        <Figure field="slippage-ft" label="Slippage vs FT" title="LT's fill price against FT's paper fill; positive is worse" className={slippageClass(m.slippageBps.mean)}>
          {slippageText(m.slippageBps)}
        </Figure>
        <Figure
          field="slippage-trader"
          label="Slippage vs trader"
          title="LT's fill price against the followed wallet's own price; positive is worse"
          className={slippageClass(m.traderSlippageBps.mean)}
        >
          {slippageText(m.traderSlippageBps)}
        </Figure>
      </dl>
      {reasons.length > 0 && (
        <div className="lt-reasons" data-testid="lt-reasons">
          <div className="muted small">Not copied, most frequent first</div>
          <ul>
            {reasons.map((r) => (
              <li key={r.reason} data-reason={r.reason}>
                <strong>{r.label}</strong> ×{r.count}
                {r.help && <span className="muted">: {r.help}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="table-wrap">
        <table className="lt-pnl" data-testid="lt-pnl">
          <thead>
            <tr>
              <th title={`Positions each account opened since ${fullTime(m.pnl.since)}`}>Since {m.window === "all" ? "the copy began" : `the last ${m.window}`}</th>
              <th className="num">Positions</th>
              <th className="num">Cost</th>
              <th className="num" title="Realized (net of fees) and unrealized at the mark">
                P&amp;L (return)
              </th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                ["ft", "FT", s.source.name, m.pnl.source],
                ["lt", "LT", s.follower.name, m.pnl.follower],
              ] as const
            ).map(([side, role, name, p]) => (
              <tr key={side} data-side={side} title={`Realized ${usd(p.realizedPnl, { signed: true })}, unrealized ${usd(p.unrealizedPnl, { signed: true })}`}>
                <td className="lt-who">
                  {role}
                  <span className="muted small">{name}</span>
                </td>
                <td className="num">{p.positions}</td>
                <td className="num">{usd(p.cost)}</td>
                <td className={`num ${pnlClass(p.pnl)}`} data-field="pnl">
                  {pnlText(p)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="small" data-field="pnl-diff">
        <span className="muted">LT − FT: </span>
        <span className={pnlClass(m.pnl.pnlDiff)}>{pnlDiffText(m.pnl)}</span>
      </div>
    </>
  );
}

/**
 * One LT strategy: FT → LT with links to both, live or paper, the wallet and whether it can
 * trade, active or paused (with the button), the audit's figures over the window, and the
 * latest executions.
 */
export function LtCard({ s, window, accountsPending }: { s: LtStrategy; window: AuditWindow; accountsPending: boolean }) {
  const metrics = useMirrorMetrics(s.mirror.id, window, METRICS_POLL_MS);
  const account = accountText(s.account);
  return (
    <Card
      className={`lt-card lt-${s.mode}`}
      testId={`lt-${s.mirror.id}`}
      title={
        <span className="lt-title">
          <Link href={`/follow/${encodeURIComponent(s.source.id)}`} data-testid="lt-source">
            {s.source.name}
          </Link>{" "}
          <span className="muted">→</span>{" "}
          <Link href={`/models/${encodeURIComponent(s.follower.id)}`} data-testid="lt-follower">
            {s.follower.name}
          </Link>
        </span>
      }
      actions={
        <>
          <span
            className={`badge lt-mode lt-mode-${s.mode}`}
            data-testid="lt-mode"
            title={s.mode === "live" ? "Real orders on Polymarket's CLOB" : "LT on paper: the same copy on the simulator, before going live"}
          >
            {s.mode === "live" ? "live" : "paper"}
          </span>
          <span className={`badge ${s.status}`} data-testid="lt-status">
            {s.status}
          </span>
          <MirrorActions mirror={s.mirror} compact />
        </>
      }
    >
      <dl className="lt-setup">
        <div data-field="wallet">
          <dt>{s.mode === "live" ? "Wallet" : "Account"}</dt>
          <dd>
            {s.account?.wallet && <code className="lt-wallet">{s.account.wallet}</code>}{" "}
            {s.mode === "live" && accountsPending ? <span className="muted">checking…</span> : <span className={account.tone === "muted" ? "muted" : account.tone}>{account.text}</span>}
            {s.follower.status === "halted" && (
              <>
                {" "}
                <StatusBadge status="halted" reason={s.follower.haltReason} />
              </>
            )}
          </dd>
        </div>
        <div data-field="copy">
          <dt>Copies</dt>
          <dd>
            {orderTypeText(s.mirror)}, {sizingText(s.mirror.sizing)} ·{" "}
            <Link href={`/mirrors/${encodeURIComponent(s.mirror.id)}`} data-testid="lt-mirror-link">
              all executions and settings →
            </Link>
          </dd>
        </div>
      </dl>
      {metrics.isPending ? <Loading what="the figures" /> : metrics.isError ? <ErrorBox error={metrics.error} what="Figures" /> : <LtFigures s={s} m={metrics.data} />}
      <h3 className="lt-subtitle">Latest executions</h3>
      <LtExecutions mirrorId={s.mirror.id} />
    </Card>
  );
}
