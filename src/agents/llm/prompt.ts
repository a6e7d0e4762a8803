import { lotsToQuantity, type MarketSpec } from "../../core/market.js";
import { formatUsd } from "../../core/money.js";
import { TIMEFRAMES, type IndicatorValue, type MarketIntelligence, type SymbolIntelligence, type TimeframeIntelligence } from "../intelligence.js";
import type { CompetitionView, DecisionContext, PerformanceView, PositionView, RecentActivity } from "../strategy.js";
import type { LlmVariant } from "./variants.js";

/**
 * The prompt of one LLM run, built fresh from the decision context: the variant's philosophy
 * and the house rules (system), then the time, the market across timeframes, the account with
 * its open positions and exit plans, the model's performance, the standings and its own recent
 * activity (user). It names only indicators the intelligence carries (EMA20, EMA50, RSI14,
 * MACD 12/26/9, ATR14, candles with volume, the 24 h change); an undefined one is printed as
 * "n/a" so the model never has to guess a number.
 */

export interface LlmPrompt {
  system: string;
  prompt: string;
}

export interface PromptOptions {
  /** Recent candles printed per timeframe (default 1m: 15, 5m: 12, 1h: 12). */
  recentCandles?: Partial<Record<"1m" | "5m" | "1h", number>>;
}

const RECENT_DEFAULT = { "1m": 15, "5m": 12, "1h": 12 } as const;

function num(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(decimals);
}

function ind(value: IndicatorValue<number>, decimals: number): string {
  return value.defined ? num(value.value, decimals) : "n/a";
}

function signedPct(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return `${value >= 0 ? "+" : ""}${value.toFixed(decimals)}%`;
}

function usd(value: string): string {
  return value.startsWith("-") ? `-$${value.slice(1)}` : `$${value}`;
}

function minutesAgo(now: number, ts: number): string {
  const minutes = Math.max(0, Math.round((now - ts) / 60_000));
  if (minutes < 90) return `${minutes} min ago`;
  return `${(minutes / 60).toFixed(1)} h ago`;
}

function timeframeRow(tf: TimeframeIntelligence, m: MarketSpec): string {
  const p = m.priceDecimals;
  const macd = tf.macd.defined ? `${num(tf.macd.value.macd, p + 2)} / ${num(tf.macd.value.signal, p + 2)} / ${num(tf.macd.value.histogram, p + 2)}` : "n/a";
  return `| ${tf.interval} | ${tf.candleCount} | ${num(tf.lastClose, p)} | ${ind(tf.ema20, p)} | ${ind(tf.ema50, p)} | ${ind(tf.rsi14, 1)} | ${macd} | ${ind(tf.atr14, p)} |`;
}

function recentCandles(tf: TimeframeIntelligence, m: MarketSpec, count: number): string {
  const bars = tf.recent.slice(-count);
  if (bars.length === 0) return `recent ${tf.interval} candles: none yet`;
  const p = m.priceDecimals;
  const rows = bars.map((c) => `${num(c.open, p)}/${num(c.high, p)}/${num(c.low, p)}/${num(c.close, p)}/${num(c.volume, m.sizeDecimals)}`);
  return `recent ${tf.interval} candles, oldest first (open/high/low/close/volume): ${rows.join(" ")}`;
}

/**
 * Every model of a cycle sees the same intelligence object, so its market text is built once
 * per cycle and reused (with a hundred models it was the biggest part of building prompts).
 */
const marketText = new WeakMap<MarketIntelligence, Map<string, string>>();

function cachedMarketSection(m: MarketSpec, intelligence: MarketIntelligence, options: PromptOptions): string {
  if (options.recentCandles) return marketSection(m, intelligence.symbols[m.symbol], options);
  let bySymbol = marketText.get(intelligence);
  if (!bySymbol) marketText.set(intelligence, (bySymbol = new Map()));
  const key = `${m.symbol}:${m.priceDecimals}:${m.sizeDecimals}:${m.minBaseLots}:${m.minNotional}:${m.maxLeverage}`;
  let text = bySymbol.get(key);
  if (text === undefined) bySymbol.set(key, (text = marketSection(m, intelligence.symbols[m.symbol], options)));
  return text;
}

function marketSection(m: MarketSpec, intel: SymbolIntelligence | undefined, options: PromptOptions): string {
  const header = `### ${m.symbol} (quantity step ${lotsToQuantity(m, 1)}, minimum quantity ${lotsToQuantity(m, m.minBaseLots)}, minimum order $${formatUsd(m.minNotional)}, max leverage ${m.maxLeverage})`;
  if (!intel || intel.lastPrice === null) return `${header}\nno market data yet: do not trade ${m.symbol} this run`;
  const lines = [
    header,
    `last price ${num(intel.lastPrice, m.priceDecimals)}, 24h change ${signedPct(intel.change24hPct)}`,
    "| timeframe | candles | close | EMA20 | EMA50 | RSI14 | MACD 12/26/9 (line / signal / histogram) | ATR14 |",
    "|---|---|---|---|---|---|---|---|",
    ...TIMEFRAMES.map((i) => timeframeRow(intel.timeframes[i], m)),
  ];
  for (const i of TIMEFRAMES) lines.push(recentCandles(intel.timeframes[i], m, options.recentCandles?.[i] ?? RECENT_DEFAULT[i]));
  return lines.join("\n");
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

function accountSection(ctx: DecisionContext): string {
  const { portfolio } = ctx;
  const lines = [
    "## Your account",
    `cash ${usd(portfolio.cash)}, equity ${usd(portfolio.equity)}, available margin ${usd(portfolio.available)}`,
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

function competitionSection(c: CompetitionView | undefined, modelId: string): string {
  if (!c || c.standings.length === 0) return "## Competition\nstandings not available this run";
  const shown = c.standings.filter((s) => s.rank <= TOP_STANDINGS || Math.abs(s.rank - c.rank) <= NEIGHBOURS);
  const rows: string[] = [];
  let last = 0;
  for (const s of shown) {
    if (s.rank > last + 1) rows.push("...");
    rows.push(`${s.rank}. ${s.modelId === modelId ? `${s.name} (you)` : s.name}: return ${signedPct(s.returnPct)}, equity ${usd(s.equity)}`);
    last = s.rank;
  }
  if (last < c.of) rows.push(`... (${c.of - last} more)`);
  return [`## Competition (ranked by return)`, `you are #${c.rank} of ${c.of}`, ...rows].join("\n");
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

export function buildSystemPrompt(variant: LlmVariant): string {
  return [`You are an autonomous trading agent following the "${variant.name}" strategy.`, "", "## How you trade", HOUSE_RULES, "", "## Your trading philosophy", variant.philosophy].join("\n");
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
