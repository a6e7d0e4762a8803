import { formatUsd, type Micro } from "../core/money.js";

/**
 * What a mirror's executions add up to, and what a person should do about it: pure functions
 * over figures the database summed.
 */

export interface OutcomeCounts {
  signals: number;
  filled: number;
  partial: number;
  skipped: number;
  failed: number;
  /** Still pending, claimed or resting. */
  inFlight: number;
  /** Skipped and failed executions (and partial ones' remainders) by reason. */
  byReason: Record<string, number>;
}

/**
 * Share of finished executions that filled at least partly, 0..1 (null before any finished). A
 * resolution's close (market_resolved) wanted no order, so it is not counted as one that missed.
 */
export function fillRate(c: OutcomeCounts): number | null {
  const finished = c.filled + c.partial + c.skipped + c.failed - (c.byReason.market_resolved ?? 0);
  return finished <= 0 ? null : (c.filled + c.partial) / finished;
}

/**
 * What the positions one account opened over a window made: the closed parts as booked (net of
 * their fees), the open parts at the mark (less their entry fees), and the return on what was
 * put in (their entry cost). The source's and the follower's side by side is "P&L vs FT": the
 * same trades, copied live, against the model that decided them.
 */
export interface PositionsPnl {
  /** Positions opened (a scale-in adds to its position, a reduction is part of it). */
  positions: number;
  /** Their entry cost, dollars. */
  cost: string;
  realizedPnl: string;
  unrealizedPnl: string;
  pnl: string;
  /** pnl / cost, percent (null before anything was put in). */
  returnPct: number | null;
}

export function positionsPnl(f: { positions: number; cost: Micro; realized: Micro; unrealized: Micro }): PositionsPnl {
  const pnl = f.realized + f.unrealized;
  return {
    positions: f.positions,
    cost: formatUsd(f.cost),
    realizedPnl: formatUsd(f.realized),
    unrealizedPnl: formatUsd(f.unrealized),
    pnl: formatUsd(pnl),
    // Percent to 4 decimals, exact before the last division.
    returnPct: f.cost > 0n ? Number((pnl * 1_000_000n) / f.cost) / 10_000 : null,
  };
}

/** The p-th percentile (0..100) of a sorted list by linear interpolation, as PostgreSQL's percentile_cont. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface Series {
  ts: number;
  equity: number;
}

/**
 * How closely a follower tracked its source over a window: the difference of their returns
 * (percentage points) and the tracking error, the standard deviation of the difference of
 * their returns between consecutive snapshots both have (percentage points per snapshot).
 */
export function tracking(
  source: readonly Series[],
  follower: readonly Series[],
): { sourceReturnPct: number | null; followerReturnPct: number | null; returnDiffPct: number | null; trackingErrorPct: number | null } {
  const ret = (s: readonly Series[]) => (s.length < 2 || s[0]!.equity <= 0 ? null : (s[s.length - 1]!.equity / s[0]!.equity - 1) * 100);
  const sr = ret(source);
  const fr = ret(follower);
  const byTs = new Map(source.map((p) => [p.ts, p.equity]));
  const both = follower.filter((p) => byTs.has(p.ts)).map((p) => ({ f: p.equity, s: byTs.get(p.ts)! }));
  const diffs: number[] = [];
  for (let i = 1; i < both.length; i++) {
    const a = both[i - 1]!;
    const b = both[i]!;
    if (a.f > 0 && a.s > 0) diffs.push((b.f / a.f - b.s / a.s) * 100);
  }
  let te: number | null = null;
  if (diffs.length >= 2) {
    const mean = diffs.reduce((x, y) => x + y, 0) / diffs.length;
    te = Math.sqrt(diffs.reduce((x, d) => x + (d - mean) ** 2, 0) / (diffs.length - 1));
  }
  return { sourceReturnPct: sr, followerReturnPct: fr, returnDiffPct: sr === null || fr === null ? null : fr - sr, trackingErrorPct: te };
}

export interface AuditFigures {
  counts: OutcomeCounts;
  latencySentP99Ms: number | null;
  slippageP95Bps: number | null;
  /** The settings of the mirrors in the audit, to quote them back. */
  maxSlippageBps: number[];
  orderTypes: string[];
  maxSignalAgeMs: number[];
  /** Risk checks that refused mirrored orders, by code. */
  riskCodes: Record<string, number>;
}

/** "1 signal", "3 signals": the count with the noun (and verb) that agree with it. */
function many(n: number, one: string, more: string): string {
  return `${n} ${n === 1 ? one : more}`;
}

/** Plain-language advice drawn from the figures, most pressing first; none when all is well. */
export function recommendations(a: AuditFigures): string[] {
  const c = a.counts;
  const out: Array<{ weight: number; text: string }> = [];
  const notFilled = c.skipped + c.failed + c.partial;
  const share = (reason: string) => (notFilled === 0 ? 0 : (c.byReason[reason] ?? 0) / notFilled);
  const list = (xs: Array<number | string>) => [...new Set(xs)].join(", ");
  const n = (reason: string) => c.byReason[reason] ?? 0;
  if (share("slippage_exceeded") >= 0.3) {
    out.push({
      weight: n("slippage_exceeded"),
      text: `${n("slippage_exceeded")} of ${notFilled} unfilled signals missed the slippage bound (maxSlippageBps ${list(a.maxSlippageBps)}): widen the bound, or use GTT with a TTL to wait for the price.`,
    });
  }
  if (share("signal_too_old") >= 0.2) {
    out.push({
      weight: n("signal_too_old"),
      text: `${many(n("signal_too_old"), "signal was", "signals were")} too old when they were reached (maxSignalAgeMs ${list(a.maxSignalAgeMs)}): a follower was down or lagging; keep a worker running (autonome worker) or raise maxSignalAgeMs if late entries are acceptable.`,
    });
  }
  if (share("below_min_size") >= 0.2) {
    out.push({
      weight: n("below_min_size"),
      text: `${many(n("below_min_size"), "signal", "signals")} sized below the venue's or the mirror's minimum: give the follower more capital, or size with a ratio or a fixed notional.`,
    });
  }
  if (n("insufficient_capital") > 0) {
    out.push({
      weight: n("insufficient_capital"),
      text: `${many(n("insufficient_capital"), "signal", "signals")} found too little free margin on the follower: add capital or size smaller (a ratio below 1, or a per-order cap).`,
    });
  }
  if (n("risk_rejected") > 0) {
    const top = Object.entries(a.riskCodes)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .map(([code, k]) => `${code} ×${k}`)
      .join(", ");
    out.push({
      weight: n("risk_rejected"),
      text: `${many(n("risk_rejected"), "signal was", "signals were")} refused by the follower's own risk limits (${top}): loosen those limits if the source's trading is what you want copied.`,
    });
  }
  if (n("expired") > 0 && a.orderTypes.some((t) => t === "GTC" || t === "GTT")) {
    out.push({ weight: n("expired"), text: `${many(n("expired"), "resting order", "resting orders")} expired unfilled: lengthen ttlMs, widen the price bound, or use IOC for immediate fills.` });
  }
  if (n("no_follower_position") > 0) {
    out.push({
      weight: n("no_follower_position") / 2,
      text: `${many(n("no_follower_position"), "close or exit-plan change", "closes or exit-plan changes")} found no follower position: the entries they belong to were skipped (see their reasons) or closed by the follower's own stop.`,
    });
  }
  if (n("venue_error") > 0) {
    out.push({
      weight: n("venue_error") * 2,
      text: `${many(n("venue_error"), "execution", "executions")} failed at the venue: see their messages; a venue that keeps failing needs attention before more signals come.`,
    });
  }
  if (n("mirror_paused") > 0) out.push({ weight: 0.1, text: `${many(n("mirror_paused"), "signal", "signals")} arrived while a mirror was paused or deleted and were not copied.` });
  if (a.latencySentP99Ms !== null && a.latencySentP99Ms > 1000) {
    out.push({
      weight: 1,
      text: `p99 latency from the source's fill to the follower's order is ${Math.round(a.latencySentP99Ms)} ms: check that workers are running and the database is not overloaded.`,
    });
  }
  if (a.slippageP95Bps !== null && a.slippageP95Bps > 50) {
    out.push({
      weight: 1,
      text: `p95 slippage against the source is ${a.slippageP95Bps.toFixed(1)} bps: the follower pays noticeably more than its source; a tighter bound trades fill rate for price.`,
    });
  }
  return out.sort((x, y) => y.weight - x.weight).map((x) => x.text);
}
