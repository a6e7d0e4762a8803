import type { MarketSpec } from "../../core/market.js";
import type { AccountStats, CompetitionView, DecisionContext, LeaderView, PerformanceView, PositionView, RecentActivity, Standing } from "../strategy.js";
import { cachedMarketSection, durationText, signedPct, type MarketTextOptions } from "./prompt-market.js";
import type { LlmVariant } from "./variants.js";

/**
 * The prompt of one LLM run, built fresh from the decision context: the variant's philosophy
 * and the house rules (system), then the time, the market across timeframes (./prompt-market.ts),
 * the account with its open positions, exit plans, exposure, risk to its stops and time in the
 * market, the model's performance, the standings (the leaders' positions, the gap to the leader,
 * the model's rank among its prompt variant) and its own recent activity, automatic closes
 * included (user). It names only data the context carries: indicators the intelligence has
 * (EMA20, EMA50, RSI14, MACD 12/26/9, ATR14 and its 50-candle mean, each with its recent
 * readings; candles with volume; the 24 h change; funding and open interest when the feed
 * reports them); an undefined value is printed as "n/a" so the model never has to guess a number.
 */

export interface LlmPrompt {
  system: string;
  prompt: string;
}

export type PromptOptions = MarketTextOptions;

function usd(value: string): string {
  return value.startsWith("-") ? `-$${value.slice(1)}` : `$${value}`;
}

function minutesAgo(now: number, ts: number): string {
  const minutes = Math.max(0, Math.round((now - ts) / 60_000));
  if (minutes < 90) return `${minutes} min ago`;
  return `${(minutes / 60).toFixed(1)} h ago`;
}

function exitPlanText(plan: unknown): string {
  if (typeof plan !== "object" || plan === null) return "no exit plan (no stop!)";
  const p = plan as Record<string, unknown>;
  const parts: string[] = [];
  parts.push(p["stop"] ? `stop ${String(p["stop"])}` : "NO STOP");
  parts.push(p["target"] ? `target ${String(p["target"])}` : "no target");
  if (p["invalidationPrice"]) parts.push(`invalidation price ${String(p["invalidationPrice"])}`);
  if (p["invalidation"]) parts.push(`invalidation condition "${String(p["invalidation"])}"`);
  if (p["timeExit"]) parts.push(`time exit ${String(p["timeExit"])}`);
  if (p["cooldownUntil"]) parts.push(`cooldown until ${String(p["cooldownUntil"])}`);
  if (typeof p["confidence"] === "number") parts.push(`entry confidence ${p["confidence"]}`);
  return parts.join(", ");
}

function positionLine(p: PositionView): string {
  return `- ${p.symbol} ${p.side} ${p.quantity} @ entry ${p.entryPrice}, mark ${p.markPrice}, unrealized P&L ${usd(p.unrealizedPnl)}; exit plan: ${exitPlanText(p.exitPlan)}`;
}

function pct(value: number | null): string {
  return value === null ? "n/a" : `${value.toFixed(2)}%`;
}

/** Exposure, risk to the stops, time in the market and runs: the account's figures beyond cash and equity. */
function statsLines(s: AccountStats | undefined, now: number): string[] {
  if (!s) return [];
  const unstopped = s.unstopped.length === 0 ? "" : `; no stop on ${s.unstopped.join(", ")} (that risk is not bounded and not counted)`;
  return [
    `exposure ${pct(s.exposurePct)} of equity (gross notional of the open positions at the mark); risk to stops ${pct(s.riskPct)} of equity (what the open positions lose if every stop fills: entry to stop x size, summed)${unstopped}`,
    `time in the market ${s.timeInMarketPct === null ? "n/a" : `${s.timeInMarketPct.toFixed(1)}%`} of the last ${durationText(s.timeInMarketMinutes * 60_000)} (share of time with at least one position open)`,
    `this is run #${s.invocations + 1}: you have been invoked ${s.invocations} time${s.invocations === 1 ? "" : "s"} before, since you started trading ${durationText(now - s.startedAt)} ago (${new Date(s.startedAt).toISOString()})`,
  ];
}

function accountSection(ctx: DecisionContext): string {
  const { portfolio } = ctx;
  const lines = [
    "## Your account",
    `cash ${usd(portfolio.cash)}, equity ${usd(portfolio.equity)}, available margin ${usd(portfolio.available)}`,
    ...statsLines(ctx.accountStats, ctx.now),
    portfolio.positions.length === 0 ? "open positions: none" : `open positions (${portfolio.positions.length}):`,
    ...portfolio.positions.map(positionLine),
  ];
  return lines.join("\n");
}

function ratio(value: number | null, decimals = 2): string {
  return value === null ? "n/a" : value.toFixed(decimals);
}

function performanceSection(m: PerformanceView | undefined): string {
  if (!m) return "## Your performance\nnot available this run";
  return [
    "## Your performance",
    `return ${signedPct(m.returnPct)} since the start; ${m.trades} closed trade${m.trades === 1 ? "" : "s"}` +
      `, win rate ${m.winRate === null ? "n/a" : `${(m.winRate * 100).toFixed(0)}%`}` +
      `, profit factor ${ratio(m.profitFactor)}, expectancy ${m.expectancy === null ? "n/a" : `${usd(m.expectancy)} per trade`}` +
      `, max drawdown ${m.maxDrawdown === null ? "n/a" : `${(m.maxDrawdown * 100).toFixed(2)}%`}` +
      `, Sharpe ${ratio(m.sharpe)}, Sortino ${ratio(m.sortino)} (n/a: not enough history yet)`,
  ].join("\n");
}

/** Standings shown: the leaders and the model's neighbours (a long leaderboard costs tokens and says little more). */
const TOP_STANDINGS = 10;
const NEIGHBOURS = 2;

/**
 * A standing's line as the other models' prompts show it. The models of a cycle share the same
 * Standing objects (src/scheduler/standings.ts), so each line is written once a cycle rather
 * than once per prompt that shows it (kept with the figures it was written from: a standing
 * changed in place is written anew).
 */
const standingLines = new WeakMap<Standing, { rank: number; name: string; returnPct: number; equity: string; line: string }>();

function standingLine(s: Standing, modelId: string): string {
  if (s.modelId === modelId) return `${s.rank}. ${s.name} (you): return ${signedPct(s.returnPct)}, equity ${usd(s.equity)}`;
  const cached = standingLines.get(s);
  if (cached && cached.rank === s.rank && cached.name === s.name && Object.is(cached.returnPct, s.returnPct) && cached.equity === s.equity) return cached.line;
  const line = `${s.rank}. ${s.name}: return ${signedPct(s.returnPct)}, equity ${usd(s.equity)}`;
  standingLines.set(s, { rank: s.rank, name: s.name, returnPct: s.returnPct, equity: s.equity, line });
  return line;
}

/** The leaders and the model's neighbours of a ranked list, with "..." where ranks are skipped. */
function standingRows(standings: readonly Standing[], rank: number, of: number, modelId: string): string[] {
  const shown = standings.filter((s) => s.rank <= TOP_STANDINGS || Math.abs(s.rank - rank) <= NEIGHBOURS);
  const rows: string[] = [];
  let last = 0;
  for (const s of shown) {
    if (s.rank > last + 1) rows.push("...");
    rows.push(standingLine(s, modelId));
    last = s.rank;
  }
  if (last < of) rows.push(`... (${of - last} more)`);
  return rows;
}

function leaderLine(l: LeaderView): string {
  if (l.positions.length === 0) return `- #${l.rank} ${l.name}: no open positions`;
  const held = l.positions.map((p) => `${p.symbol} ${p.side} ${p.quantity} (notional ${usd(p.notional)}, unrealized P&L ${usd(p.unrealizedPnl)})`);
  return `- #${l.rank} ${l.name}: ${held.join("; ")}`;
}

function competitionSection(c: CompetitionView | undefined, modelId: string): string {
  if (!c || c.standings.length === 0) return "## Competition\nstandings not available this run";
  const lines = [`## Competition (ranked by return)`, `you are #${c.rank} of ${c.of}`, ...standingRows(c.standings, c.rank, c.of, modelId)];
  const leader = c.standings[0];
  if (c.gapToLeader && leader) {
    const dollars = c.gapToLeader.pnl === null ? "" : `, ${usd(c.gapToLeader.pnl)} of P&L`;
    lines.push(`gap to the leader (${leader.name}): ${c.gapToLeader.returnPoints.toFixed(2)} return points${dollars}`);
  } else if (c.rank === 1) lines.push("you lead");
  if (c.leaders && c.leaders.length > 0) lines.push("the leaders' open positions now:", ...c.leaders.map(leaderLine));
  if (c.variant) {
    const v = c.variant;
    lines.push(`among the ${v.of} models on your prompt variant (${v.name}): you are #${v.rank} of ${v.of}`, ...standingRows(v.standings, v.rank, v.of, modelId));
  }
  return lines.join("\n");
}

function activitySection(a: RecentActivity | undefined, markets: readonly MarketSpec[], now: number): string {
  if (!a) return "## Your recent activity\nnot available this run";
  const window = a.windowMinutes >= 120 ? `${(a.windowMinutes / 60).toFixed(0)} h` : `${a.windowMinutes} min`;
  const lines = [`## Your recent activity (last ${window}: ${a.runs} run${a.runs === 1 ? "" : "s"} before this one)`];
  for (const m of markets) {
    const s = a.symbols.find((x) => x.symbol === m.symbol);
    lines.push(
      !s || s.actions === 0
        ? `${m.symbol}: no actions`
        : `${m.symbol}: ${s.actions} action${s.actions === 1 ? "" : "s"} (opens, adds, closes, exit-plan changes)${s.lastActionAt === null ? "" : `, the last ${minutesAgo(now, s.lastActionAt)}`}`,
    );
  }
  const closes = a.automaticCloses;
  if (closes) {
    if (closes.length === 0) lines.push("automatic closes (stops, targets, invalidations, time exits, liquidations): none");
    else {
      lines.push("automatic closes (the system closed these for you; not your tool calls):");
      for (const c of closes) lines.push(`- ${c.symbol} ${c.side} ${c.quantity} closed ${minutesAgo(now, c.closedAt)} at ${c.exitPrice}: ${c.reason}; realized P&L ${usd(c.realizedPnl)} after fees`);
    }
  }
  return lines.join("\n");
}

const HOUSE_RULES = [
  "You manage a paper-trading account of perpetual futures, quoted in US dollars. You act only through the tools; text alone changes nothing.",
  "- createPosition: one decision per symbol. side LONG or SHORT (HOLD to skip a symbol), quantity in base units (a multiple of the market's quantity step, at least its minimum quantity and minimum order value), leverage 1 to 20 (at most the market's max), stopLoss and profitTarget prices, an optional invalidation condition and price, optional time exit and cooldown in minutes, confidence 0 to 100. Margin used is quantity x price / leverage and must fit in your available margin.",
  "- The same side as an open position adds to it; the opposite side is rejected: close the position first.",
  "- closePosition closes whole positions at the market. updateExitPlan changes stops, targets, invalidation prices and time exits of open positions; a stop may only tighten (move toward the price), never widen.",
  "- Every tool answers with what happened: fills with their price and fees, or the reason a call was rejected. Read the answers: when a call is rejected, fix it (or leave that trade) rather than repeating it.",
  "- When you are done, or if you decide to do nothing, call holding with a short reason. That ends your turn. You get a limited number of steps per turn.",
  "- Use only the data in the message. Indicators not listed there are unknown to you; never invent prices or values.",
].join("\n");

/** A variant's system prompt, written once per variant object (every run of the variant sends the same text). */
const systemPrompts = new WeakMap<LlmVariant, { name: string; philosophy: string; text: string }>();

export function buildSystemPrompt(variant: LlmVariant): string {
  const cached = systemPrompts.get(variant);
  // Compared with what it was written from, so a variant changed in place (a test's) is written anew.
  if (cached && cached.name === variant.name && cached.philosophy === variant.philosophy) return cached.text;
  const text = [`You are an autonomous trading agent following the "${variant.name}" strategy.`, "", "## How you trade", HOUSE_RULES, "", "## Your trading philosophy", variant.philosophy].join("\n");
  systemPrompts.set(variant, { name: variant.name, philosophy: variant.philosophy, text });
  return text;
}

/** The prompt of one run; the same context gives the same text. */
export function buildPrompt(ctx: DecisionContext, variant: LlmVariant, options: PromptOptions = {}): LlmPrompt {
  const sections = [
    `Current time: ${new Date(ctx.now).toISOString()} (UTC). Market data computed at ${new Date(ctx.intelligence.generatedAt).toISOString()}.`,
    "## Markets\nIndicators per timeframe on 1m, 5m and 1h candles (the last candle may still be forming). Prices in USD.",
    ...ctx.markets.map((m) => cachedMarketSection(m, ctx.intelligence, options)),
    accountSection(ctx),
    performanceSection(ctx.metrics),
    competitionSection(ctx.competition, ctx.modelId),
    activitySection(ctx.recentActions, ctx.markets, ctx.now),
    "## Your turn\nDecide for each market now: open, add, close, tighten exit plans, or leave it. Then call holding with your reason.",
  ];
  return { system: buildSystemPrompt(variant), prompt: sections.join("\n\n") };
}
