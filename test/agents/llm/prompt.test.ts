import { describe, expect, it } from "vitest";
import { computeIntelligence, TIMEFRAMES, type MarketIntelligence } from "../../../src/agents/intelligence.js";
import { buildPrompt, type PromptOptions } from "../../../src/agents/llm/prompt.js";
import { derivativesLine } from "../../../src/agents/llm/prompt-market.js";
import { LLM_VARIANTS, findVariant, type LlmVariant } from "../../../src/agents/llm/variants.js";
import type { DecisionContext } from "../../../src/agents/strategy.js";
import { RULE_STRATEGIES } from "../../../src/agents/rules/index.js";
import type { CandleInterval } from "../../../src/feeds/feed.js";
import type { DerivativesSource } from "../../../src/market/derivatives.js";
import { BTC, NOW, SOL, candles, context, portfolio, position, ramp } from "../fixtures.js";

const wave = (from: number, n: number, amp: number) => ramp(from, amp / 20, n).map((p, i) => p + amp * Math.sin(i / 4));
const SERIES = {
  BTC: { "1m": candles(BTC, "1m", wave(50_000, 80, 40), 5), "5m": candles(BTC, "5m", wave(49_500, 80, 120), 15), "1h": candles(BTC, "1h", wave(47_000, 80, 600), 80) },
  SOL: { "1m": candles(SOL, "1m", wave(100, 80, 0.3), 0.05), "5m": candles(SOL, "5m", wave(98, 80, 1), 0.1), "1h": candles(SOL, "1h", wave(90, 80, 4), 0.5) },
};

/** BTC's funding (0.01% per 8 h, next in 3 h 12 min) and open interest (123,456,789 lots = 1234.56789 BTC); nothing for SOL. */
const DERIVATIVES: DerivativesSource = {
  derivatives: (s) =>
    s === "BTC" ? { symbol: "BTC", ts: NOW, fundingRate: "0.0001", fundingIntervalMs: 8 * 3_600_000, nextFundingAt: NOW + 3 * 3_600_000 + 12 * 60_000, openInterestLots: 123_456_789 } : undefined,
};

/** The intelligence of SERIES, with the feed's funding and open interest when `derivatives`. */
function intelligence(derivatives: boolean): MarketIntelligence {
  const candlesOf = (s: string, i: CandleInterval) => SERIES[s as "BTC" | "SOL"]?.[i] ?? [];
  return computeIntelligence({ markets: [BTC, SOL], candles: candlesOf, now: NOW, ...(derivatives ? { derivatives: DERIVATIVES } : {}) });
}

/** Long enough on every timeframe for every indicator to be defined (EMA50 needs 50, MACD 34, ATR14's 50-candle mean 63); every extra filled in. */
function fullContext(derivatives = true): DecisionContext {
  const ctx = context(SERIES, {
    markets: [BTC, SOL],
    portfolio: portfolio(
      [
        {
          ...position(
            "BTC",
            "LONG",
            { stop: "49000.0", target: "53000.0", invalidation: "1h close below EMA50", invalidationPrice: "49200.0", confidence: 70, timeExit: null, cooldownUntil: null },
            "0.05",
          ),
          unrealizedPnl: "-12.500000",
        },
      ],
      "10250.5",
    ),
  });
  return {
    ...ctx,
    intelligence: intelligence(derivatives),
    metrics: { returnPct: 2.505, sharpe: 1.234, sortino: null, maxDrawdown: 0.031, winRate: 0.5, profitFactor: 1.8, expectancy: "12.500000", trades: 4 },
    competition: {
      rank: 2,
      of: 3,
      standings: [
        { modelId: "m0", name: "Trend Follower", strategy: "regime-adaptive", returnPct: 4.1, equity: "10410", pnl: "410", rank: 1 },
        { modelId: "m1", name: "Claude Confluence", strategy: "regime-adaptive", returnPct: 2.5, equity: "10250.5", pnl: "250.5", rank: 2 },
        { modelId: "m2", name: "Breakout Hunter", strategy: "breakout", returnPct: -1.25, equity: "9875", pnl: "-125", rank: 3 },
      ],
      leaders: [
        { modelId: "m0", name: "Trend Follower", rank: 1, positions: [{ symbol: "BTC", side: "LONG", quantity: "0.1", notional: "5012.3", unrealizedPnl: "12.3" }] },
        { modelId: "m2", name: "Breakout Hunter", rank: 3, positions: [] },
      ],
      gapToLeader: { returnPoints: 1.6, pnl: "159.5" },
      variant: {
        name: "regime-adaptive",
        rank: 2,
        of: 2,
        standings: [
          { modelId: "m0", name: "Trend Follower", strategy: "regime-adaptive", returnPct: 4.1, equity: "10410", pnl: "410", rank: 1 },
          { modelId: "m1", name: "Claude Confluence", strategy: "regime-adaptive", returnPct: 2.5, equity: "10250.5", pnl: "250.5", rank: 2 },
        ],
      },
    },
    accountStats: { exposurePct: 24.39, riskPct: 0.49, unstopped: [], timeInMarketPct: 42.5, timeInMarketMinutes: 7 * 24 * 60, invocations: 56, startedAt: NOW - 5 * 86_400_000 },
    recentActions: {
      windowMinutes: 360,
      runs: 11,
      symbols: [{ symbol: "BTC", actions: 3, lastActionAt: NOW - 14 * 60_000 }],
      automaticCloses: [
        { symbol: "SOL", side: "SHORT", quantity: "2", trigger: "STOP", reason: "its stop at 101 was reached", exitPrice: "101.02", realizedPnl: "-2.54", closedAt: NOW - 20 * 60_000 },
      ],
    },
  };
}

/**
 * Data a trader might name, and what the prompt must then carry for the name to mean something:
 * `backing` is matched against the user prompt of the full context (every extra filled in, the
 * feed reporting funding and open interest). A name whose `backing` is null is data no prompt
 * carries: a variant must not use it. Phrases that lean on a series ("growing over several
 * candles", "much larger than usual") need the series or the reference in the prompt too.
 */
interface DataPhrase {
  name: string;
  pattern: RegExp;
  backing: RegExp | null;
}

/** n numbers (or n/a) in a row: one reading per candle. */
const readings = (n: number) => `(?:\\s-?(?:\\d+\\.?\\d*|n/a)){${n},}`;

const DATA_PHRASES: DataPhrase[] = [
  { name: "EMA20", pattern: /\bEMA\s?20\b/, backing: /\| EMA20 \|/ },
  { name: "EMA50", pattern: /\bEMA\s?50\b/, backing: /\| EMA50 \|/ },
  { name: "RSI14", pattern: /\bRSI\s?14\b/, backing: /\| RSI14 \|/ },
  { name: "MACD line and signal", pattern: /\bMACD\b/, backing: /MACD 12\/26\/9 \(line \/ signal \/ histogram\)/ },
  { name: "ATR14", pattern: /\bATR\s?14\b/, backing: /\| ATR14 \|/ },
  // A series: "the MACD histogram growing/shrinking for several candles", an RSI "turning", a stop "trailing" behind an EMA.
  {
    name: "MACD histogram over several candles",
    pattern: /histogram (growing|shrinking|rising|falling)|(growing|shrinking|rising|falling) (for|over) several/i,
    backing: new RegExp(`5m MACD histogram:${readings(3)}`),
  },
  { name: "RSI turning or recovering", pattern: /RSI\s?14? (turn|recover|back near|crossing)/i, backing: new RegExp(`5m RSI14:${readings(3)}`) },
  {
    name: "EMA readings over time (slope, pullback to, crossing)",
    pattern: /EMA\s?(20|50)? (slope|rising|falling|cross)|(price|pullback) .{0,30}(back to|coming back to) its EMA/i,
    backing: new RegExp(`5m EMA20:${readings(3)}`),
  },
  { name: "ATR against its usual level", pattern: /(ATR\s?14?)[^.]{0,60}(than usual|above (its )?average|expanding|contracting)/i, backing: /\| ATR14 mean of the last 50 candles \|/ },
  {
    name: "candles, wicks, ranges, swing points",
    pattern: /candles|wicks?|swing (lows|highs)|breakout range|range of the/i,
    backing: /recent 5m candles, oldest first \(open\/high\/low\/close\/volume\)/,
  },
  { name: "volume", pattern: /\bvolume\b/i, backing: /\(open\/high\/low\/close\/volume\)/ },
  { name: "24 h change", pattern: /24 ?h(our)? change/i, backing: /24h change [+-]\d/ },
  { name: "funding rate", pattern: /\bfunding\b/i, backing: /funding rate [+-]?\d+\.\d+% per \d/ },
  { name: "open interest", pattern: /open interest/i, backing: /open interest \d/ },
  { name: "standings and the leader", pattern: /standings|leader|trail|middle of the pack|competition/i, backing: /you are #\d+ of \d+[\s\S]*gap to the leader \(/ },
  { name: "the leaders' positions", pattern: /leaders?'s? (positions|trades|book)|what the leaders? (hold|do)/i, backing: /the leaders' open positions now:\n- #1 / },
  { name: "the models of the same variant", pattern: /same (variant|strategy) as you|your variant/i, backing: /among the \d+ models on your prompt variant/ },
  { name: "own metrics (drawdown, win rate)", pattern: /drawdown|win rate|profit factor|expectancy|Sharpe|Sortino/i, backing: /win rate \d+%[\s\S]*max drawdown \d/ },
  { name: "exposure", pattern: /\bexposure\b/i, backing: /exposure \d+\.\d+% of equity/ },
  { name: "risk to the stops", pattern: /risk (to|at) (your )?stops|total risk|risk of the open positions/i, backing: /risk to stops \d+\.\d+% of equity/ },
  { name: "time in the market", pattern: /time in the market/i, backing: /time in the market \d+\.\d% of the last/ },
  { name: "recent activity", pattern: /recent activity|trading a symbol often|churn/i, backing: /## Your recent activity[\s\S]*BTC: 3 actions/ },
  { name: "automatic closes", pattern: /stopped out|automatic(ally)? clos/i, backing: /automatic closes \(the system closed these for you; not your tool calls\):\n- SOL SHORT/ },
  // Data no prompt carries.
  { name: "SMA", pattern: /\bSMA\b|simple moving average/i, backing: null },
  { name: "another EMA period", pattern: /\bEMA\s?(?!20\b|50\b)\d+\b/, backing: null },
  { name: "another RSI period", pattern: /\bRSI\s?(?!14\b)\d+\b/, backing: null },
  { name: "another ATR period", pattern: /\bATR\s?(?!14\b)\d+\b/, backing: null },
  { name: "Bollinger bands", pattern: /bollinger|\bBB\b/i, backing: null },
  { name: "VWAP", pattern: /\bVWAP\b/i, backing: null },
  { name: "stochastic", pattern: /stochastic/i, backing: null },
  { name: "ADX/DMI", pattern: /\bADX\b|\bDMI\b/i, backing: null },
  { name: "OBV", pattern: /\bOBV\b|on-balance/i, backing: null },
  { name: "Ichimoku", pattern: /ichimoku/i, backing: null },
  { name: "Fibonacci", pattern: /fibonacci/i, backing: null },
  { name: "liquidation heatmap, long/short ratio", pattern: /liquidation heatmap|long.short ratio/i, backing: null },
  { name: "order book", pattern: /order ?book|depth|bid.ask spread/i, backing: null },
  { name: "CCI/MFI/Williams", pattern: /\bCCI\b|\bMFI\b|williams/i, backing: null },
  { name: "sentiment and news", pattern: /sentiment|news|twitter|social/i, backing: null },
];

/** The data phrases `text` uses that `prompt` does not back (never-carried data included). */
function unbacked(text: string, prompt: string): string[] {
  return DATA_PHRASES.filter((d) => d.pattern.test(text) && (d.backing === null || !d.backing.test(prompt))).map((d) => d.name);
}

describe("LLM prompts", () => {
  it("carry the data behind every phrase each variant relies on, and name no data they do not carry", () => {
    const ctx = fullContext();
    for (const variant of LLM_VARIANTS) {
      const p = buildPrompt(ctx, variant);
      expect(unbacked(`${p.system}\n${p.prompt}`, p.prompt), `${variant.name} relies on data its prompt does not carry`).toEqual([]);
      // Every acronym-like indicator the text uses is one of the five the data has.
      const acronyms = new Set(`${p.system}\n${p.prompt}`.match(/\b(EMA|SMA|RSI|MACD|ATR|ADX|OBV|VWAP|CCI|MFI)\s?\d*\b/g) ?? []);
      // (MACD is followed by its periods, "MACD 12/26/9".)
      for (const a of acronyms) expect(["EMA20", "EMA50", "RSI14", "ATR14", "MACD", "MACD12"], `${variant.name}: "${a}"`).toContain(a.replace(/\s+/g, ""));
    }
  });

  it("the check fails a variant that names data the prompt does not carry (it is not vacuous)", () => {
    const ctx = fullContext(false);
    const made = (philosophy: string): LlmVariant => ({ name: "made-up", alias: "Madeup", description: "a variant for this test only", philosophy });
    const check = (philosophy: string, options: PromptOptions = {}) => {
      const p = buildPrompt(ctx, made(philosophy), options);
      return unbacked(`${p.system}\n${p.prompt}`, p.prompt);
    };
    expect(check("Fade the upper Bollinger band when VWAP is below.")).toEqual(["Bollinger bands", "VWAP"]);
    // Funding and open interest are data only when the feed reports them: this context has none.
    expect(check("Go long when the funding rate is negative and open interest rises.")).toEqual(["funding rate", "open interest"]);
    // A series phrase needs the readings: without them (0 printed) the same text fails.
    const growing = "Enter when the MACD histogram is growing for several 5m candles.";
    expect(check(growing)).toEqual([]);
    expect(check(growing, { seriesLength: 0 })).toEqual(["MACD histogram over several candles"]);
    // The phrases the variants lean on most are among those checked against the data.
    const used = DATA_PHRASES.filter((d) => d.backing !== null && LLM_VARIANTS.some((v) => d.pattern.test(v.philosophy)));
    expect(used.map((d) => d.name)).toEqual(expect.arrayContaining(["MACD histogram over several candles", "ATR against its usual level", "standings and the leader"]));
  });

  it("print the value of every indicator it names, per symbol and timeframe, exactly as the intelligence has it", () => {
    const ctx = fullContext();
    const p = buildPrompt(ctx, LLM_VARIANTS[0]!).prompt;
    for (const m of ctx.markets) {
      const intel = ctx.intelligence.symbols[m.symbol]!;
      for (const interval of TIMEFRAMES) {
        const tf = intel.timeframes[interval];
        for (const ind of [tf.ema20, tf.ema50, tf.rsi14, tf.atr14, tf.macd]) expect(ind.defined, `${m.symbol} ${interval}`).toBe(true);
        const row = p.split("\n").find((l) => l.startsWith(`| ${interval} |`) && p.indexOf(l) > p.indexOf(`### ${m.symbol}`));
        expect(row, `${m.symbol} ${interval} row`).toBeDefined();
        const d = m.priceDecimals;
        const value = (i: { defined: boolean; value: unknown }) => i.value as number;
        expect(row).toContain(value(tf.ema20).toFixed(d));
        expect(row).toContain(value(tf.ema50).toFixed(d));
        expect(row).toContain(value(tf.rsi14).toFixed(1));
        expect(row).toContain(value(tf.atr14).toFixed(d));
        expect(row).toContain(tf.macd.value!.histogram.toFixed(d + 2));
      }
      expect(p).toContain(`last price ${intel.lastPrice!.toFixed(m.priceDecimals)}`);
    }
    expect(p).toContain("| timeframe | candles | close | EMA20 | EMA50 | RSI14 | MACD 12/26/9 (line / signal / histogram) | ATR14 | ATR14 mean of the last 50 candles |");
  });

  it("print each indicator's last 8 readings per timeframe, oldest first, as the intelligence has them, and ATR14's 50-candle mean", () => {
    const ctx = fullContext();
    const p = buildPrompt(ctx, LLM_VARIANTS[0]!).prompt;
    const lines = p.split("\n");
    for (const m of ctx.markets) {
      const from = lines.findIndex((l) => l.startsWith(`### ${m.symbol} `));
      const next = lines.findIndex((l, i) => i > from && l.startsWith("### "));
      const section = lines.slice(from, next === -1 ? undefined : next);
      const d = m.priceDecimals;
      for (const interval of TIMEFRAMES) {
        const tf = ctx.intelligence.symbols[m.symbol]!.timeframes[interval];
        expect(tf.series.macdHistogram).toHaveLength(10); // the intelligence keeps 10; the prompt prints the last 8
        const printed = (name: string, values: Array<number | null>, decimals: number) =>
          `${interval} ${name}: ${values
            .slice(2)
            .map((v) => v!.toFixed(decimals))
            .join(" ")}`;
        expect(section).toContain(printed("EMA20", tf.series.ema20, d));
        expect(section).toContain(printed("EMA50", tf.series.ema50, d));
        expect(section).toContain(printed("RSI14", tf.series.rsi14, 1));
        expect(section).toContain(printed("MACD line", tf.series.macdLine, d + 2));
        expect(section).toContain(printed("MACD signal", tf.series.macdSignal, d + 2));
        expect(section).toContain(printed("MACD histogram", tf.series.macdHistogram, d + 2));
        expect(section).toContain(printed("ATR14", tf.series.atr14, d));
        const row = section.find((l) => l.startsWith(`| ${interval} |`))!;
        expect(row.endsWith(`| ${tf.atr14.value!.toFixed(d)} | ${tf.atr14Mean.value!.toFixed(d)} |`), row).toBe(true);
      }
    }
    expect(p).toContain("indicator readings over the last 8 candles of each timeframe, oldest first, one per candle");
    // Fewer on request; none at all with 0.
    expect(buildPrompt(ctx, LLM_VARIANTS[0]!, { seriesLength: 3 }).prompt).toMatch(/\n5m RSI14: [\d.]+ [\d.]+ [\d.]+\n/);
    expect(buildPrompt(ctx, LLM_VARIANTS[0]!, { seriesLength: 0 }).prompt).not.toContain("indicator readings");
  });

  it("print funding and open interest only for a market whose feed reports them", () => {
    const p = buildPrompt(fullContext(), LLM_VARIANTS[0]!).prompt;
    // Right under BTC's price line: 0.0001 of the notional is 0.0100%; 123,456,789 lots of 0.00001 BTC.
    expect(p).toMatch(/\nlast price [\d.]+, 24h change [^\n]+\nfunding rate \+0\.0100% per 8h \(positive: longs pay shorts\), next payment in 3h12m; open interest 1234\.56789 BTC\n\| timeframe /);
    const sol = p.slice(p.indexOf("### SOL"));
    expect(sol).not.toMatch(/funding|open interest/);
    const none = buildPrompt(fullContext(false), LLM_VARIANTS[0]!).prompt;
    expect(none).not.toMatch(/funding|open interest/);
  });

  it("write a funding rate exactly, whatever its sign and digits, and say when the payment is due", () => {
    const d = { observedAt: NOW, fundingIntervalMs: 3_600_000, nextFundingAt: NOW + 45 * 60_000, openInterest: null };
    expect(derivativesLine(BTC, { ...d, fundingRate: "-0.00025" }, NOW)).toBe("funding rate -0.0250% per 1h (positive: longs pay shorts), next payment in 45 min");
    expect(derivativesLine(BTC, { ...d, fundingRate: "0.000012345" }, NOW)).toBe("funding rate +0.0012345% per 1h (positive: longs pay shorts), next payment in 45 min");
    expect(derivativesLine(BTC, { ...d, fundingRate: "0" }, NOW + 45 * 60_000)).toBe("funding rate 0.0000% per 1h (positive: longs pay shorts), next payment due now");
    expect(derivativesLine(BTC, { ...d, fundingRate: "not a rate", openInterest: "12.5" }, NOW)).toBe("open interest 12.5 BTC");
    expect(derivativesLine(BTC, { ...d, fundingRate: "oops" }, NOW)).toBeNull();
    expect(derivativesLine(BTC, undefined, NOW)).toBeNull();
  });

  it("say n/a for an indicator without enough candles, and tell the model not to trade a market without data", () => {
    const ctx = context({ BTC: { "5m": candles(BTC, "5m", ramp(50_000, 10, 20)) } }, { markets: [BTC, SOL] });
    const p = buildPrompt(ctx, LLM_VARIANTS[0]!).prompt;
    expect(p).toMatch(/\| 5m \| 20 \| [\d.]+ \| [\d.]+ \| n\/a \|/); // EMA20 defined at 20 candles, EMA50 not
    expect(p).toContain("no market data yet: do not trade SOL this run");
  });

  it("show the time, the account, open positions with exit plans and unrealized P&L, performance, standings and recent activity", () => {
    const p = buildPrompt(fullContext(), findVariant("leaderboard-aware")!).prompt;
    expect(p).toContain("Current time: 2025-01-15T12:00:00.000Z (UTC)");
    expect(p).toContain("cash $10250.5, equity $10250.5, available margin $10250.5");
    expect(p).toContain("- BTC LONG 0.05 @ entry 50000, mark 50000, unrealized P&L -$12.500000; exit plan: stop 49000.0, target 53000.0, invalidation price 49200.0");
    expect(p).toContain('invalidation condition "1h close below EMA50"');
    expect(p).toContain("return +2.50% since the start; 4 closed trades, win rate 50%, profit factor 1.80, expectancy $12.500000 per trade, max drawdown 3.10%, Sharpe 1.23, Sortino n/a");
    expect(p).toContain("you are #2 of 3");
    expect(p).toContain("1. Trend Follower: return +4.10%, equity $10410");
    expect(p).toContain("2. Claude Confluence (you): return +2.50%");
    expect(p).toContain("3. Breakout Hunter: return -1.25%");
    expect(p).toContain("## Your recent activity (last 6 h: 11 runs before this one)");
    expect(p).toContain("BTC: 3 actions (opens, adds, closes, exit-plan changes), the last 14 min ago");
    expect(p).toContain("SOL: no actions");
    expect(p).toContain("### BTC (quantity step 0.00001, minimum quantity 0.0001");
  });

  it("show exposure and risk to the stops as % of equity, time in the market and the run count", () => {
    const p = buildPrompt(fullContext(), LLM_VARIANTS[0]!).prompt;
    expect(p).toContain(
      "cash $10250.5, equity $10250.5, available margin $10250.5\n" +
        "exposure 24.39% of equity (gross notional of the open positions at the mark); risk to stops 0.49% of equity (what the open positions lose if every stop fills: entry to stop x size, summed)\n" +
        "time in the market 42.5% of the last 7.0 d (share of time with at least one position open)\n" +
        "this is run #57: you have been invoked 56 times before, since you started trading 5.0 d ago (2025-01-10T12:00:00.000Z)\n" +
        "open positions (1):",
    );
    const ctx = fullContext();
    const unstopped = buildPrompt(
      { ...ctx, accountStats: { ...ctx.accountStats!, exposurePct: null, riskPct: null, unstopped: ["BTC", "ETH"], timeInMarketPct: null, timeInMarketMinutes: 90, invocations: 1 } },
      LLM_VARIANTS[0]!,
    ).prompt;
    expect(unstopped).toContain("exposure n/a of equity");
    expect(unstopped).toContain("; no stop on BTC, ETH (that risk is not bounded and not counted)");
    expect(unstopped).toContain("time in the market n/a of the last 1h30m");
    expect(unstopped).toContain("this is run #2: you have been invoked 1 time before");
    expect(buildPrompt({ ...ctx, accountStats: undefined }, LLM_VARIANTS[0]!).prompt).not.toContain("exposure");
  });

  it("show the gap to the leader, the leaders' open positions and the standings among the model's prompt variant", () => {
    const p = buildPrompt(fullContext(), LLM_VARIANTS[0]!).prompt;
    expect(p).toContain("gap to the leader (Trend Follower): 1.60 return points, $159.5 of P&L");
    expect(p).toContain("the leaders' open positions now:\n- #1 Trend Follower: BTC LONG 0.1 (notional $5012.3, unrealized P&L $12.3)\n- #3 Breakout Hunter: no open positions");
    expect(p).toContain(
      "among the 2 models on your prompt variant (regime-adaptive): you are #2 of 2\n1. Trend Follower: return +4.10%, equity $10410\n2. Claude Confluence (you): return +2.50%, equity $10250.5",
    );
    const ctx = fullContext();
    const leading = buildPrompt({ ...ctx, competition: { rank: 1, of: 1, standings: [{ modelId: "m1", name: "Solo", returnPct: 1, equity: "10100", rank: 1 }] } }, LLM_VARIANTS[0]!).prompt;
    expect(leading).toContain("you are #1 of 1\n1. Solo (you): return +1.00%, equity $10100\nyou lead");
    expect(leading).not.toMatch(/gap to the leader|leaders' open positions|prompt variant/);
  });

  it("list the positions the system closed automatically in the recent activity, with why", () => {
    const p = buildPrompt(fullContext(), LLM_VARIANTS[0]!).prompt;
    expect(p).toContain(
      "automatic closes (the system closed these for you; not your tool calls):\n- SOL SHORT 2 closed 20 min ago at 101.02: its stop at 101 was reached; realized P&L -$2.54 after fees",
    );
    const ctx = fullContext();
    const quiet = buildPrompt({ ...ctx, recentActions: { ...ctx.recentActions!, automaticCloses: [] } }, LLM_VARIANTS[0]!).prompt;
    expect(quiet).toContain("automatic closes (stops, targets, invalidations, time exits, liquidations): none");
  });

  it("are rebuilt from the context every run", () => {
    const a = fullContext();
    const later: DecisionContext = { ...a, now: a.now + 300_000, portfolio: portfolio([], "9000") };
    const v = LLM_VARIANTS[0]!;
    expect(buildPrompt(a, v)).toEqual(buildPrompt(a, v));
    const p = buildPrompt(later, v).prompt;
    expect(p).toContain("Current time: 2025-01-15T12:05:00.000Z");
    expect(p).toContain("open positions: none");
  });

  it("say so when the extras are not available", () => {
    const empty: MarketIntelligence = { generatedAt: NOW, symbols: {} };
    const p = buildPrompt({ ...context({}), intelligence: empty }, LLM_VARIANTS[0]!).prompt;
    expect(p).toContain("## Your performance\nnot available this run");
    expect(p).toContain("## Competition\nstandings not available this run");
    expect(p).toContain("## Your recent activity\nnot available this run");
  });
});

describe("LLM strategy variants", () => {
  it("cover the seven philosophies with names unique across rule strategies and variants", () => {
    const names = LLM_VARIANTS.map((v) => v.name);
    expect(names).toEqual(
      expect.arrayContaining(["capital-preservation", "aggressive-momentum", "leaderboard-aware", "multi-signal-confluence", "trend-only", "mean-reversion-llm", "regime-adaptive"]),
    );
    const all = [...names, ...Object.keys(RULE_STRATEGIES)];
    expect(new Set(all).size).toBe(all.length);
    for (const v of LLM_VARIANTS) {
      expect(v.description.length).toBeGreaterThan(20);
      expect(v.philosophy.length).toBeGreaterThan(300);
      expect(findVariant(v.name)).toBe(v);
    }
    expect(new Set(LLM_VARIANTS.map((v) => v.philosophy)).size).toBe(LLM_VARIANTS.length);
    expect(findVariant("trend-following")).toBeUndefined(); // a rule strategy, not a variant
  });
});
