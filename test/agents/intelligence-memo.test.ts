import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeframeIndicators } from "../../src/agents/indicators.js";
import { IntelligenceMemo } from "../../src/agents/intelligence-memo.js";
import { computeIntelligence, type IntelligenceInput } from "../../src/agents/intelligence.js";
import { aggregate, CandleBuilder } from "../../src/feeds/candles.js";
import type { Candle, CandleInterval } from "../../src/feeds/feed.js";
import { BTC, SOL } from "./fixtures.js";

/**
 * The memo must give exactly (bit for bit) what a computation from scratch gives: the same
 * floats, the same undefined indicators, the same indicator series (all 50 readings kept), the
 * same recent candles, whatever way the series moved since the last call.
 */

const START = Date.UTC(2026, 10, 1);

/** What the candle store does, with small limits so that trimming the front happens often. */
function store(keep: Record<CandleInterval, number>) {
  const closed = new Map<string, Candle[]>();
  const builder = new CandleBuilder({
    onClose: (c) => {
      const list = closed.get(`${c.symbol}/${c.interval}`) ?? [];
      const last = list[list.length - 1];
      if (last && last.openTime >= c.openTime) return;
      list.push(c);
      if (list.length > keep[c.interval] * 1.2) list.splice(0, list.length - keep[c.interval]);
      closed.set(`${c.symbol}/${c.interval}`, list);
    },
  });
  return {
    load(symbol: string, minutes: Candle[]) {
      closed.set(`${symbol}/1m`, minutes.slice(-keep["1m"]));
      for (const i of ["5m", "1h"] as const) closed.set(`${symbol}/${i}`, aggregate(minutes, i).slice(-keep[i]));
    },
    builder,
    get(symbol: string, interval: CandleInterval): Candle[] {
      const list = closed.get(`${symbol}/${interval}`) ?? [];
      const current = builder.current(symbol, interval);
      if (!current) return list;
      const last = list[list.length - 1];
      return last && last.openTime >= current.openTime ? list : [...list, current];
    },
  };
}

/** A random walk in ticks with flat stretches (RSI's no-change case) and occasional big moves. */
const move = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: -40, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: -3000, max: 3000 }) });

const step = fc.record({
  // Mostly seconds apart, sometimes a silent stretch of up to two hours (no candle: a gap).
  dtSec: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 90 }) }, { weight: 2, arbitrary: fc.integer({ min: 60, max: 7200 }) }),
  move,
  volume: fc.integer({ min: 0, max: 50 }),
  ask: fc.boolean(),
  close: fc.integer({ min: 0, max: 20 }),
});

function backfill(symbol: string, n: number, start: number, mid: number): Candle[] {
  return Array.from({ length: n }, (_, i) => {
    const close = mid + ((i * 37) % 23) - 11;
    return { symbol, interval: "1m" as const, openTime: start - (n - i) * 60_000, open: close - 3, high: close + 7, low: close - 9, close, volume: i % 5 };
  });
}

const same = (input: IntelligenceInput, memo: IntelligenceMemo) => {
  const fresh = computeIntelligence(input, { memo: null });
  const kept = computeIntelligence(input, { memo });
  expect(kept).toStrictEqual(fresh);
  expect(JSON.stringify(kept)).toBe(JSON.stringify(fresh));
};

afterEach(() => vi.restoreAllMocks());

describe("IntelligenceMemo", () => {
  it("equals the full computation at every cycle while candles form, close, gap and get trimmed (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.array(step, { minLength: 1, maxLength: 700, size: "max" }),
        fc.record({ "1m": fc.integer({ min: 70, max: 200 }), "5m": fc.integer({ min: 70, max: 120 }), "1h": fc.integer({ min: 66, max: 90 }) }),
        (history, steps, keep) => {
          const s = store(keep);
          const mids: Record<string, number> = { BTC: 50_000_0, SOL: 150_000 };
          for (const m of [BTC, SOL]) s.load(m.symbol, backfill(m.symbol, history, START, mids[m.symbol]!));
          const memo = new IntelligenceMemo();
          let ts = START;
          for (const st of steps) {
            ts += st.dtSec * 1000;
            for (const m of [BTC, SOL]) {
              mids[m.symbol] = Math.max(1, mids[m.symbol]! + st.move * (m === SOL ? 1 : 10));
              s.builder.add(m.symbol, ts, mids[m.symbol]!, st.volume);
            }
            // The periodic close job, at a random moment: sometimes right at a boundary with no forming candle.
            if (st.close === 0) s.builder.closeUpTo(ts + 60_000);
            if (st.ask) same({ markets: [BTC, SOL], candles: (sym, i) => s.get(sym, i), now: ts, recentCandles: 7, seriesLength: 50 }, memo);
          }
          same({ markets: [BTC, SOL], candles: (sym, i) => s.get(sym, i), now: ts }, memo);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("equals the full computation on arbitrary series: edited, shortened, out of order, from the future (property)", () => {
    const candle = (openTime: number, close: number, spread: number): Candle => ({
      symbol: "BTC",
      interval: "5m",
      openTime,
      open: close,
      high: close + spread,
      low: Math.max(1, close - spread),
      close,
      volume: spread,
    });
    const bar = fc.record({ close: fc.integer({ min: 1, max: 400 }), spread: fc.integer({ min: 0, max: 30 }) });
    const series = fc.array(bar, { maxLength: 6 });
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("append" as const), bars: series }),
      fc.record({ kind: fc.constant("change" as const), at: fc.nat(), close: fc.integer({ min: 1, max: 400 }), field: fc.constantFrom("close" as const, "high" as const, "low" as const) }),
      fc.record({ kind: fc.constant("drop-front" as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant("drop-back" as const), n: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant("swap" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("future" as const) }),
    );
    fc.assert(
      fc.property(fc.array(bar, { maxLength: 160, size: "max" }), fc.array(edit, { maxLength: 25, size: "max" }), (initial, edits) => {
        const memo = new IntelligenceMemo();
        let t = START;
        let list = initial.map((b) => candle((t += 300_000), b.close * 100, b.spread));
        const now = () => t;
        const ask = () => same({ markets: [BTC], candles: (_s, i) => (i === "5m" ? list : []), now: now() }, memo);
        ask();
        for (const e of edits) {
          if (e.kind === "append") list = [...list, ...e.bars.map((b) => candle((t += 300_000), b.close * 100, b.spread))];
          else if (e.kind === "change" && list.length > 0) {
            const edited = (c: Candle): Candle =>
              e.field === "close"
                ? { ...c, close: e.close * 100, high: Math.max(c.high, e.close * 100) }
                : e.field === "high"
                  ? { ...c, high: c.high + e.close }
                  : { ...c, low: Math.max(1, c.low - e.close) };
            list = list.map((c, i) => (i === e.at % list.length ? edited(c) : c));
          } else if (e.kind === "drop-front") list = list.slice(e.n);
          else if (e.kind === "drop-back") list = list.slice(0, Math.max(0, list.length - e.n));
          else if (e.kind === "swap" && list.length > 1) {
            const i = e.at % (list.length - 1);
            list = [...list.slice(0, i), list[i + 1]!, list[i]!, ...list.slice(i + 2)];
          } else if (e.kind === "future") list = [...list, candle(t + 3_600_000, 12_345, 3)];
          ask();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("feeds only what changed: the forming candle again and the new ones", () => {
    const closes = Array.from({ length: 500 }, (_, i) => 50_000_0 + ((i * 7919) % 401) - 200);
    const bars = (n: number, lastClose?: number) =>
      closes.slice(0, n).map((c, i): Candle => {
        const close = i === n - 1 && lastClose !== undefined ? lastClose : c;
        return { symbol: "BTC", interval: "1m", openTime: START + i * 60_000, open: c, high: Math.max(c, close) + 5, low: Math.min(c, close) - 5, close, volume: 1 };
      });
    const memo = new IntelligenceMemo();
    const input = (list: Candle[]): IntelligenceInput => ({ markets: [BTC], candles: (_s, i: CandleInterval) => (i === "1m" ? list : []), now: START + 600 * 60_000 });
    computeIntelligence(input(bars(400)), { memo });
    const fed = vi.spyOn(TimeframeIndicators.prototype, "update");
    same(input(bars(400, 50_010_0)), memo); // the forming candle moved: fed once (replaced), plus the full computation's 400
    expect(fed.mock.calls.length).toBe(400 + 1);
    fed.mockClear();
    same(input(bars(403)), memo); // it closed as it was first seen (replaced once) and three more came
    expect(fed.mock.calls.length).toBe(403 + 4);
    expect(memo.size).toBe(3); // BTC's three timeframes
  });
});
