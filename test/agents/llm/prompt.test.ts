import { describe, expect, it } from "vitest";
import { TIMEFRAMES, type MarketIntelligence } from "../../../src/agents/intelligence.js";
import { buildPrompt } from "../../../src/agents/llm/prompt.js";
import { LLM_VARIANTS, findVariant } from "../../../src/agents/llm/variants.js";
import type { DecisionContext } from "../../../src/agents/strategy.js";
import { RULE_STRATEGIES } from "../../../src/agents/rules/index.js";
import { BTC, NOW, SOL, candles, context, portfolio, position, ramp } from "../fixtures.js";

/** Long enough on every timeframe for every indicator to be defined (EMA50 needs 50, MACD 34). */
function fullContext(): DecisionContext {
  const wave = (from: number, n: number, amp: number) => ramp(from, amp / 20, n).map((p, i) => p + amp * Math.sin(i / 4));
  const series = {
    BTC: { "1m": candles(BTC, "1m", wave(50_000, 80, 40), 5), "5m": candles(BTC, "5m", wave(49_500, 80, 120), 15), "1h": candles(BTC, "1h", wave(47_000, 80, 600), 80) },
    SOL: { "1m": candles(SOL, "1m", wave(100, 80, 0.3), 0.05), "5m": candles(SOL, "5m", wave(98, 80, 1), 0.1), "1h": candles(SOL, "1h", wave(90, 80, 4), 0.5) },
  };
  const ctx = context(series, {
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
    metrics: { returnPct: 2.505, sharpe: 1.234, sortino: null, maxDrawdown: 0.031, winRate: 0.5, profitFactor: 1.8, expectancy: "12.500000", trades: 4 },
    competition: {
      rank: 2,
      of: 3,
      standings: [
        { modelId: "m0", name: "Trend Follower", returnPct: 4.1, equity: "10410", rank: 1 },
        { modelId: "m1", name: "Claude Confluence", returnPct: 2.5, equity: "10250.5", rank: 2 },
        { modelId: "m2", name: "Breakout Hunter", returnPct: -1.25, equity: "9875", rank: 3 },
      ],
    },
    recentActions: { windowMinutes: 360, runs: 11, symbols: [{ symbol: "BTC", actions: 3, lastActionAt: NOW - 14 * 60_000 }] },
  };
}

/** Indicator names a trader might write, and whether the intelligence carries them. */
const KNOWN_INDICATORS: Array<{ pattern: RegExp; inData: boolean }> = [
  { pattern: /\bEMA\s?20\b/, inData: true },
  { pattern: /\bEMA\s?50\b/, inData: true },
  { pattern: /\bRSI\s?14\b/, inData: true },
  { pattern: /\bMACD\b/, inData: true },
  { pattern: /\bATR\s?14\b/, inData: true },
  { pattern: /\bSMA\b|simple moving average/i, inData: false },
  { pattern: /\bEMA\s?(?!20\b|50\b)\d+\b/, inData: false },
  { pattern: /\bRSI\s?(?!14\b)\d+\b/, inData: false },
  { pattern: /\bATR\s?(?!14\b)\d+\b/, inData: false },
  { pattern: /bollinger|\bBB\b/i, inData: false },
  { pattern: /\bVWAP\b/i, inData: false },
  { pattern: /stochastic/i, inData: false },
  { pattern: /\bADX\b|\bDMI\b/i, inData: false },
  { pattern: /\bOBV\b|on-balance/i, inData: false },
  { pattern: /ichimoku/i, inData: false },
  { pattern: /fibonacci/i, inData: false },
  { pattern: /funding rate|open interest|liquidation heatmap/i, inData: false },
  { pattern: /order ?book|depth|bid.ask spread/i, inData: false },
  { pattern: /\bCCI\b|\bMFI\b|williams/i, inData: false },
  { pattern: /sentiment|news|twitter|social/i, inData: false },
];

describe("LLM prompts", () => {
  it("mention only indicators the market intelligence carries, for every variant", () => {
    const ctx = fullContext();
    for (const variant of LLM_VARIANTS) {
      const p = buildPrompt(ctx, variant);
      const all = `${p.system}\n${p.prompt}`;
      for (const { pattern, inData } of KNOWN_INDICATORS) {
        if (!inData) expect(all, `${variant.name} mentions ${pattern}, which no prompt data carries`).not.toMatch(pattern);
      }
      // Every acronym-like indicator the text uses is one of the five the data has.
      const acronyms = new Set(all.match(/\b(EMA|SMA|RSI|MACD|ATR|ADX|OBV|VWAP|CCI|MFI)\s?\d*\b/g) ?? []);
      // (MACD is followed by its periods, "MACD 12/26/9".)
      for (const a of acronyms) expect(["EMA20", "EMA50", "RSI14", "ATR14", "MACD", "MACD12"], `${variant.name}: "${a}"`).toContain(a.replace(/\s+/g, ""));
    }
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
    expect(p).toContain("| timeframe | candles | close | EMA20 | EMA50 | RSI14 | MACD 12/26/9 (line / signal / histogram) | ATR14 |");
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
