/**
 * LT strategies in words and figures: which mirrors are LT (a follow model copied onto a
 * Polymarket follower, live, or on paper before going live), their wallet and whether it can
 * trade, and their audit figures as the LT page and a follow model's page show them. Pure, so
 * each is unit tested.
 */
import type { ExecutionView, LiveStatusView, MirrorDetail, MirrorMetrics, ModelView, OutcomeCounts, PredictionMarketView } from "../api/types.ts";
import { pct, usd } from "./format.ts";
import { bps, latency, mirrorStatus, pp, reasonBreakdown, type ReasonRow } from "./mirrors.ts";
import { cents } from "./prediction.ts";

/** "live": the follower trades a Polymarket wallet; "paper": on the simulator, the same copy without real money. */
export type LtMode = "live" | "paper";

export interface LtAccount {
  /** The wallet the follower trades ("0x…"), as `GET /api/live` names it; null when unknown. */
  wallet: string | null;
  linked: boolean;
  /** Why the wallet cannot trade from this server (live trading off, key missing, blocked location…). */
  problem: string | null;
  /** Whether `GET /api/live` lists the account (else the wallet is the venue's funder, when it names one). */
  listed: boolean;
}

const fundedBy = (v: ModelView["venue"]) => (v.kind === "polymarket" ? (v.funder ?? null) : null);

export interface LtStrategy {
  mirror: MirrorDetail;
  mode: LtMode;
  status: "active" | "paused";
  source: { id: string; name: string };
  follower: { id: string; name: string; status: ModelView["status"] | null; haltReason: string | null };
  /** The live wallet (mode "live" only). */
  account: LtAccount | null;
}

type ModelLike = Pick<ModelView, "id" | "name" | "kind" | "venue" | "status" | "haltReason">;
type AccountLike = Pick<LiveStatusView["accounts"][number], "modelId" | "venue" | "account" | "linked" | "problem">;

/** "Polymarket wallet 0xabc…" → "0xabc…" (the label the server gives, without the venue's name). */
export function walletOf(account: string): string {
  return account.replace(/^Polymarket (wallet )?/, "");
}

/**
 * The LT strategies among the mirrors: those whose source is a follow model and whose follower
 * trades a Polymarket wallet (live) or the simulator (paper). A follower on another live venue
 * cannot hold outcome tokens, and a deleted mirror copies nothing: neither is one. Live ones
 * first, then active before paused, then the oldest first (a stable order as the page refreshes).
 */
export function ltStrategies(mirrors: readonly MirrorDetail[], models: readonly ModelLike[], accounts: readonly AccountLike[] = []): LtStrategy[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  const accountOf = new Map(accounts.map((a) => [a.modelId, a]));
  const out: LtStrategy[] = [];
  for (const m of mirrors) {
    const status = mirrorStatus(m);
    if (status === "deleted") continue;
    const source = byId.get(m.sourceModelId);
    const follower = byId.get(m.followerModelId);
    if (source?.kind !== "follow" || !follower) continue;
    const venue = follower.venue.kind;
    if (venue !== "polymarket" && venue !== "sim") continue;
    const mode: LtMode = venue === "polymarket" ? "live" : "paper";
    const a = accountOf.get(follower.id);
    out.push({
      mirror: m,
      mode,
      status,
      source: { id: source.id, name: source.name },
      follower: { id: follower.id, name: follower.name, status: follower.status, haltReason: follower.haltReason },
      account:
        mode === "paper"
          ? null
          : a
            ? { wallet: walletOf(a.account), linked: a.linked, problem: a.problem, listed: true }
            : { wallet: fundedBy(follower.venue), linked: false, problem: null, listed: false },
    });
  }
  const rank = (s: LtStrategy) => (s.mode === "live" ? 0 : 2) + (s.status === "active" ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y) || x.mirror.createdAt.localeCompare(y.mirror.createdAt) || x.mirror.id.localeCompare(y.mirror.id));
}

/** The LT strategies copying one follow model. */
export function ltOfSource(strategies: readonly LtStrategy[], sourceModelId: string): LtStrategy[] {
  return strategies.filter((s) => s.source.id === sourceModelId);
}

/** How many of the strategies are live, and how many on paper: "1 live · 2 on paper". */
export function ltCountText(strategies: readonly LtStrategy[]): string {
  const live = strategies.filter((s) => s.mode === "live").length;
  const paper = strategies.length - live;
  return [live > 0 ? `${live} live` : null, paper > 0 ? `${paper} on paper` : null].filter(Boolean).join(" · ") || "none";
}

/**
 * The wallet's state in words: "linked", the reason it cannot trade, or "not registered" when
 * the server lists no live account for the follower (not yet answered, or not live here).
 */
export function accountText(a: LtAccount | null): { text: string; tone: "gain" | "loss" | "muted" } {
  if (a === null) return { text: "paper: the simulator fills its orders, no real money", tone: "muted" };
  if (!a.listed) return { text: "not among the server's live accounts", tone: "loss" };
  if (a.linked) return { text: "linked", tone: "gain" };
  return { text: a.problem ?? "not linked", tone: "loss" };
}

/** "p50 39 ms · p99 159 ms"; "—" before any order was sent. */
export function latencyText(p: { p50: number | null; p99: number | null }): string {
  if (p.p50 === null && p.p99 === null) return "—";
  return `p50 ${latency(p.p50)} · p99 ${latency(p.p99)}`;
}

/** "mean +1.2 bps · p95 +4.0 bps (7 fills)"; "no fills yet" when none was measured. */
export function slippageText(s: MirrorMetrics["slippageBps"]): string {
  if (s.count === 0) return "no fills yet";
  return `mean ${bps(s.mean, { signed: true })} · p95 ${bps(s.p95, { signed: true })} (${s.count} fill${s.count === 1 ? "" : "s"})`;
}

/** One side's P&L since the strategy began: "+$0.86 (+1.48%)"; its return is "—" before anything was bought. */
export function pnlText(p: MirrorMetrics["pnl"]["source"]): string {
  return `${usd(p.pnl, { signed: true })} (${pct(p.returnPct, { signed: true })})`;
}

/** The follower against FT: "-$2.22, -6.50 pp" (dollars and return points). */
export function pnlDiffText(pnl: MirrorMetrics["pnl"]): string {
  return `${usd(pnl.pnlDiff, { signed: true })}, ${pp(pnl.returnDiffPct)}`;
}

/** "7 filled · 1 partial · 2 skipped" (and failed, in flight when any). */
export function outcomesText(c: OutcomeCounts): string {
  const parts: Array<[number, string]> = [
    [c.filled, "filled"],
    [c.partial, "partial"],
    [c.skipped, "skipped"],
  ];
  if (c.failed > 0) parts.push([c.failed, "failed"]);
  if (c.inFlight > 0) parts.push([c.inFlight, "in flight"]);
  return parts.map(([n, what]) => `${n} ${what}`).join(" · ");
}

/** The most frequent reasons a signal was not (fully) copied, at most `n`, each with its words. */
export function topReasons(c: OutcomeCounts, n = 3): ReasonRow[] {
  return reasonBreakdown(c).slice(0, n);
}

/** BUY for an entry or an addition, SELL for a reduction or a close (an outcome token is only held long); "—" for an exit-plan change. */
export function tokenSide(e: Pick<ExecutionView, "action" | "side">): "BUY" | "SELL" | "—" {
  if (e.action === "open" || e.action === "scale") return e.side === "SHORT" ? "SELL" : "BUY";
  if (e.action === "reduce" || e.action === "close") return e.side === "SHORT" ? "BUY" : "SELL";
  return "—";
}

export interface TokenName {
  conditionId: string | null;
  question: string | null;
  outcome: string | null;
}

/**
 * An execution's outcome token in words, by its symbol among the markets' outcomes (executions
 * carry the symbol only): the market's question and the outcome; nulls when it is not listed.
 */
export function tokenName(symbol: string, markets: readonly Pick<PredictionMarketView, "conditionId" | "question" | "outcomes">[] | undefined): TokenName {
  for (const m of markets ?? []) {
    const o = m.outcomes.find((x) => x.symbol === symbol);
    if (o) return { conditionId: m.conditionId, question: m.question, outcome: o.outcome };
  }
  return { conditionId: null, question: null, outcome: null };
}

/** "fill 51¢ · trader 50¢" (prices of an outcome token in cents); the side that is missing shows "—". */
export function priceVsTrader(e: Pick<ExecutionView, "avgPrice" | "trader">): string {
  return `fill ${cents(e.avgPrice)} · trader ${cents(e.trader?.price ?? null)}`;
}
