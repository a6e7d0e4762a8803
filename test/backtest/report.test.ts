import { describe, expect, it } from "vitest";
import { modelMetrics } from "../../src/backtest/collect.js";
import { renderReport, reportFigures } from "../../src/backtest/report.js";
import type { BacktestMetrics, BacktestModelResult, BacktestResult, BacktestTrade } from "../../src/backtest/types.js";

const MINUTE = 60_000;
const FROM = Date.UTC(2024, 2, 1);
const SYMBOLS = ["BTC", "ETH"];

// ---------------------------------------------------------------------------------------------
// Fixture builder: results made by hand, money built from whole cents so the test can compute
// every expected difference itself.

interface ModelSpec {
  name: string;
  strategy?: string;
  /** Overrides of the metrics; money in cents where the builder takes cents. */
  metrics?: Partial<BacktestMetrics>;
  feesCents?: number;
  /** Net funding, received positive. */
  fundingCents?: number;
  finalCents?: number;
  points?: number;
  trades?: number;
}

const cents = (c: number) => `${c < 0 ? "-" : ""}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`;

function trades(count: number, seed: number, to: number): BacktestTrade[] {
  const step = Math.floor((to - FROM) / (count + 1));
  return Array.from({ length: count }, (_, k) => {
    const symbol = SYMBOLS[(k + seed) % SYMBOLS.length]!;
    const base = symbol === "BTC" ? 60_000 : 3_000;
    return {
      symbol,
      side: (k + seed) % 3 === 0 ? "SHORT" : "LONG",
      quantity: symbol === "BTC" ? "0.01" : "0.5",
      entryPrice: String(base + ((k * 37) % 400)),
      exitPrice: String(base + ((k * 53) % 400)),
      openedAt: FROM + k * step + MINUTE,
      closedAt: FROM + k * step + Math.floor(step / 2),
      realizedPnl: cents(((k * 131) % 2001) - 1000),
      fees: cents(30 + (k % 7)),
      funding: cents(((k * 17) % 41) - 20),
      closeTrigger: k % 4 === 0 ? "stop" : k % 4 === 1 ? "target" : null,
    } satisfies BacktestTrade;
  });
}

/** Received by the first model, paid by the others. */
const defaultFundingCents = (index: number) => (index === 0 ? 4_321 : -(987 + index));

function model(spec: ModelSpec, index: number, to: number): BacktestModelResult {
  const points = spec.points ?? 200;
  const finalCents = spec.finalCents ?? 1_000_000 + index * 12_345;
  const equity = Array.from({ length: points }, (_, k) => ({
    t: FROM + Math.floor(((to - FROM) * k) / Math.max(1, points - 1)),
    equity: k === points - 1 ? cents(finalCents) : cents(1_000_000 + ((k * 7919 + index * 104_729) % 90_001) - 45_000),
  }));
  const list = trades(spec.trades ?? 4, index, to);
  return {
    name: spec.name,
    kind: "rule",
    strategy: spec.strategy ?? "trend",
    metrics: {
      initialCapital: "10000",
      finalEquity: cents(finalCents),
      returnPct: (finalCents - 1_000_000) / 1_000_000,
      sharpe: 1.25 + index,
      sortino: 1.75 + index,
      calmar: 0.5 + index,
      maxDrawdown: 0.0425 + index / 100,
      winRate: 0.5 + index / 100,
      profitFactor: 1.5 + index,
      expectancy: cents(1234 + index),
      trades: list.length,
      fees: cents(spec.feesCents ?? 123_456_78 + index),
      funding: cents(spec.fundingCents ?? defaultFundingCents(index)),
      exposure: 0.375,
      ...spec.metrics,
    },
    equity,
    trades: list,
    openPositions: [],
    runs: { total: 100, failed: 0 },
  };
}

function backtest(specs: ModelSpec[], days = 7, extra: Partial<BacktestResult> = {}): BacktestResult {
  const to = FROM + days * 24 * 60 * MINUTE;
  const prices: BacktestResult["prices"] = {};
  for (const s of SYMBOLS) {
    const base = s === "BTC" ? 60_000 : 3_000;
    prices[s] = Array.from({ length: 500 }, (_, k) => ({ t: FROM + Math.floor(((to - FROM) * k) / 499), price: String(base + ((k * 29) % 400)) }));
  }
  return {
    hash: "ab".repeat(32),
    from: FROM,
    to,
    feed: { kind: "synthetic", seed: 7, intervalMs: 500 },
    intervalMs: 5 * MINUTE,
    execution: { makerFeeBps: 2, takerFeeBps: 5, extraSlippageBps: 0, latency: { minMs: 20, maxMs: 80 } },
    seed: 7,
    llm: "off",
    symbols: SYMBOLS,
    models: specs.map((spec, i) => model(spec, i, to)),
    prices,
    stats: { updates: 1_209_600, cycles: 2016, wallMs: 12_500, databaseMs: 4_000, databaseShare: 0.32, simulatedDaysPerSecond: 0.56 },
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the page back: rows by their data attributes, cells as text.

const unescape = (html: string) =>
  html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function section(html: string, start: RegExp, end = "</table>"): string {
  const at = html.search(start);
  expect(at, `no ${start.source}`).toBeGreaterThanOrEqual(0);
  return html.slice(at, html.indexOf(end, at));
}

/** The cells (text) of the metrics table's row of a model. */
function metricsRow(html: string, name: string): string[] {
  const table = section(html, /<table class="metrics"/);
  const m = new RegExp(`<tr data-model="${escapeAttr(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">(.*?)</tr>`).exec(table);
  expect(m, `no metrics row for ${name}`).not.toBeNull();
  return m![1]!
    .split(/<td[^>]*>/)
    .slice(1)
    .map(unescape);
}

/** The comparison rows of a model: metric -> [baseline, what-if, difference]. */
function comparisonRows(html: string, name: string): Record<string, string[]> {
  const body = section(html, new RegExp(`<tbody data-model="${escapeAttr(name)}">`), "</tbody>");
  const rows: Record<string, string[]> = {};
  for (const m of body.matchAll(/<tr data-metric="([^"]+)">(.*?)<\/tr>/g))
    rows[m[1]!] = m[2]!
      .split(/<td[^>]*>/)
      .slice(2)
      .map(unescape);
  return rows;
}

// Expected texts, computed here from the fixture's inputs.
const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, ",");
function dollars(c: number, signed = false): string {
  const abs = Math.abs(c);
  const text = `$${grouped(String(Math.floor(abs / 100)))}.${String(abs % 100).padStart(2, "0")}`;
  return c < 0 ? `-${text}` : signed && c > 0 ? `+${text}` : text;
}
const percent = (f: number, decimals = 2, signed = false) => `${signed && f > 0 ? "+" : ""}${(f * 100).toFixed(decimals)}%`;
const points = (f: number) => `${f > 0 ? "+" : ""}${(f * 100).toFixed(2)} pp`;

describe("renderReport", () => {
  it("puts every model's name and metrics in its row of the metrics table", () => {
    const result = backtest([{ name: "trend follower" }, { name: "mean reversion", strategy: "mean_reversion", finalCents: 987_654 }, { name: "breakout", feesCents: 123_456_789_01 }]);
    const html = renderReport(result);
    result.models.forEach((m, i) => {
      const x = m.metrics;
      const finalCents = i === 1 ? 987_654 : 1_000_000 + i * 12_345;
      const feesCents = i === 2 ? 123_456_789_01 : 123_456_78 + i;
      expect(metricsRow(html, m.name)).toEqual([
        m.name,
        m.strategy,
        percent(x.returnPct!, 2, true),
        (1.25 + i).toFixed(2),
        (1.75 + i).toFixed(2),
        (0.5 + i).toFixed(2),
        percent(0.0425 + i / 100),
        percent(0.5 + i / 100, 1),
        (1.5 + i).toFixed(2),
        dollars(1234 + i, true),
        String(x.trades),
        dollars(feesCents),
        dollars(defaultFundingCents(i), true),
        "37.5%",
        dollars(finalCents),
      ]);
    });
    expect(metricsRow(html, "breakout")).toContain("$123,456,789.01");
  });

  it("shows null metrics as —", () => {
    const nulls = { returnPct: null, sharpe: null, sortino: null, calmar: null, maxDrawdown: null, winRate: null, profitFactor: null, expectancy: null };
    const html = renderReport(backtest([{ name: "quiet", metrics: nulls }]));
    const row = metricsRow(html, "quiet");
    expect(row.slice(2, 10)).toEqual(Array(8).fill("—"));
    expect(row[10]).toBe("4");
  });

  it("a run of an hour has no Sharpe, Sortino or Calmar (— and a note why); a week's run has them, as computed by hand", () => {
    // Returns of +2% and -1% in turn, compounded from $10,000: 15 gains and 14 losses.
    const curve = (spacing: number) => {
      const points = [{ t: FROM, equity: "10000" }];
      for (let k = 0; k < 29; k++) points.push({ t: FROM + (k + 1) * spacing, equity: String(Number(points[k]!.equity) * (k % 2 === 0 ? 1.02 : 0.99)) });
      return points;
    };
    const metrics = (spacing: number) =>
      modelMetrics({ initialCapital: "10000", finalEquity: Number(curve(spacing).at(-1)!.equity).toFixed(6), curve: curve(spacing), trades: [], fees: 0n, exposure: 0 });
    // Thirty points two minutes apart: an hour. Before the minimum span its Sharpe read about 185.
    const hour = metrics(2 * MINUTE);
    expect(hour).toMatchObject({ sharpe: null, sortino: null, calmar: null });
    expect(hour.maxDrawdown).toBeCloseTo(0.01, 12);
    const short = renderReport(backtest([{ name: "hour", metrics: hour }], 1 / 24));
    expect(metricsRow(short, "hour").slice(3, 6)).toEqual(["—", "—", "—"]);
    expect(unescape(short)).toContain("Sharpe, Sortino and Calmar are annualised: from a run of less than six days they would be noise, so they show —.");

    // Six hours apart: 7.25 days. Sharpe = mean / sample sd × sqrt(4 periods a day × 365).
    const mean = (15 * 0.02 - 14 * 0.01) / 29;
    const sd = Math.sqrt((15 * (0.02 - mean) ** 2 + 14 * (-0.01 - mean) ** 2) / 28);
    const week = metrics(6 * 60 * MINUTE);
    expect(week.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(4 * 365), 6);
    expect(week.sharpe).toBeCloseTo(13.818, 3);
    expect(week.sortino).not.toBeNull();
    expect(week.calmar).not.toBeNull();
    const long = renderReport(backtest([{ name: "week", metrics: week }]));
    expect(metricsRow(long, "week")[3]).toBe("13.82");
    expect(long).not.toContain('data-ratios="too-short"');
  });

  it("formats money from its string, never through a float", () => {
    const html = renderReport(backtest([{ name: "whale", metrics: { finalEquity: "12345678901234567.123456789", fees: "-0.000001" } }]));
    const row = metricsRow(html, "whale");
    expect(row[14]).toBe("$12,345,678,901,234,567.123456789");
    expect(row[11]).toBe("-$0.000001");
  });

  it("shows each model's funding (received +, paid −) beside its fees, each trade's and each open position's, and — for a result from before funding", () => {
    const result = backtest([
      { name: "receiver", fundingCents: 12_345_67 },
      { name: "payer", fundingCents: -1 },
      { name: "old run", metrics: { funding: undefined } },
    ]);
    const old = result.models[2]!;
    for (const t of old.trades) delete t.funding;
    result.models[0]!.openPositions = [{ symbol: "BTC", side: "SHORT", quantity: "0.01", entryPrice: "60000", openedAt: FROM + MINUTE, funding: "3.210000" }];
    const html = renderReport(result);
    expect(metricsRow(html, "receiver")[12]).toBe("+$12,345.67");
    expect(metricsRow(html, "payer")[12]).toBe("-$0.01");
    expect(metricsRow(html, "old run")[12]).toBe("—");
    expect(section(html, /<table class="metrics"/)).toMatch(/<th>Fees<\/th><th>Funding<\/th>/);

    const tradeCells = (i: number) =>
      section(html, new RegExp(`<table class="trades" data-trades="${i}"`))
        .split("<tr><td>")
        .slice(1)
        .map((row) => row.split("<td").map(unescape));
    const rows = tradeCells(0);
    expect(rows).toHaveLength(result.models[0]!.trades.length);
    result.models[0]!.trades.forEach((t, k) => {
      const c = ((k * 17) % 41) - 20;
      // Cells: symbol … P&L, fees, funding, trigger.
      expect(rows[k]![9]!.replace(/^[^>]*>/, "")).toBe(dollars(c, true));
      expect(t.funding).toBe(cents(c));
    });
    expect(tradeCells(2).every((r) => r[9]!.replace(/^[^>]*>/, "") === "—")).toBe(true);
    const open = unescape(section(html, /<table class="open"/));
    expect(open).toContain("Funding");
    expect(open).toContain("+$3.21");
  });

  it("draws an entry and an exit marker for every trade, on its symbol's chart", () => {
    const result = backtest([
      { name: "a", trades: 7 },
      { name: "b", trades: 0 },
      { name: "c", trades: 12 },
    ]);
    const html = renderReport(result);
    const all = result.models.flatMap((m) => m.trades);
    expect(html.match(/<use href="#me/g)).toHaveLength(all.length);
    expect(html.match(/<use href="#mx/g)).toHaveLength(all.length);
    for (const symbol of SYMBOLS) {
      const chart = section(html, new RegExp(`<div data-symbol="${symbol}">`), "</figure>");
      const onSymbol = all.filter((t) => t.symbol === symbol);
      expect(chart.match(/<use /g)).toHaveLength(2 * onSymbol.length);
      // long and short entries are different shapes
      expect(chart.match(/<use href="#mel/g) ?? []).toHaveLength(onSymbol.filter((t) => t.side === "LONG").length);
      expect(chart.match(/<use href="#mes/g) ?? []).toHaveLength(onSymbol.filter((t) => t.side === "SHORT").length);
    }
    // and each model's trade list has a row per trade
    for (const [i, m] of result.models.entries()) {
      const table = m.trades.length ? section(html, new RegExp(`<table class="trades" data-trades="${i}"`)) : "";
      expect(table.match(/<tr><td>/g) ?? []).toHaveLength(m.trades.length);
    }
  });

  it("escapes every string from the result", () => {
    const evil = `<script>alert("x")</script> & 'co'`;
    const result = backtest([{ name: evil, strategy: "<img src=x onerror=alert(1)>" }], 7, {
      symbols: ["BTC", "ETH"],
      hash: `<b>"hash"</b>`,
      feed: { kind: "replay", files: [{ symbol: "BTC", path: "/tmp/<evil>.jsonl" }] },
    });
    result.models[0]!.trades[0]!.closeTrigger = "<i>stop</i>";
    const baseline = backtest([{ name: evil }]);
    const html = renderReport({ ...result, baseline: { label: "</table><script>x()</script>", result: baseline } });
    expect(html.match(/<script/g)).toHaveLength(1); // the page's own hover script, at the end
    const page = html.slice(0, html.lastIndexOf("<script>"));
    expect(page).not.toMatch(/<img|<b>|<i>|<evil>|<\/table><script/);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");
    expect(metricsRow(html, evil)[0]).toBe(evil);
    expect(html).toContain("&lt;i&gt;stop&lt;/i&gt;");
    expect(html).toContain("/tmp/&lt;evil&gt;.jsonl");
  });

  it("needs nothing from the network", () => {
    const html = renderReport({ ...backtest([{ name: "a" }]), baseline: { label: "b", result: backtest([{ name: "a" }]) } });
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b|\bsrc=|@import|url\(/i);
    expect(html.startsWith("<!doctype html>")).toBe(true);
  });

  it("is pure: the same result gives the same page, and the result is left as it was", () => {
    const result = backtest([{ name: "a" }, { name: "b" }]);
    const before = JSON.stringify(result);
    expect(renderReport(result)).toBe(renderReport(result));
    expect(JSON.stringify(result)).toBe(before);
  });

  it("stays under 2 MB with 10 models × 40,000 equity points × 500 trades", () => {
    const specs = Array.from({ length: 10 }, (_, i) => ({ name: `model ${i}`, points: 40_000, trades: 500 }));
    const result = backtest(specs, 30);
    const html = renderReport(result);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(html.match(/<use /g)).toHaveLength(2 * 10 * 500);
    // every curve is thinned, its ends kept
    const figures = reportFigures(result);
    for (const c of [...figures.equity, ...figures.drawdown]) {
      expect(c.points.length).toBeLessThanOrEqual(1000);
      expect(c.points[0]![0]).toBe(result.models[c.model]!.equity[0]!.t);
      expect(c.points[c.points.length - 1]![0]).toBe(result.to);
    }
  });

  it("shows the what-if comparison only with a baseline, with what-if minus baseline", () => {
    const whatIfSpecs: ModelSpec[] = [
      { name: "trend", finalCents: 1_010_000, feesCents: 250_00, fundingCents: -12_50, trades: 6, metrics: { maxDrawdown: 0.08 } },
      { name: "revert", finalCents: 995_050, feesCents: 1_234_567_89, fundingCents: 3_00, trades: 5, metrics: { maxDrawdown: 0.031 } },
      { name: "only here", trades: 1 },
    ];
    const baselineSpecs: ModelSpec[] = [
      { name: "trend", finalCents: 1_025_075, feesCents: 180_25, fundingCents: 7_25, trades: 6, metrics: { maxDrawdown: 0.05 } },
      { name: "revert", finalCents: 990_000, feesCents: 1_234_000_00, fundingCents: 3_00, trades: 4, metrics: { maxDrawdown: 0.04 } },
    ];
    const plain = backtest(whatIfSpecs);
    expect(renderReport(plain)).not.toMatch(/id="what-if"|data-comparison|data-metric=/);

    const baseline = backtest(baselineSpecs, 7, { execution: { makerFeeBps: 1, takerFeeBps: 3, extraSlippageBps: 0, latency: { minMs: 0, maxMs: 0 } } });
    const html = renderReport({ ...plain, execution: { ...plain.execution, extraSlippageBps: 4 }, baseline: { label: "cheap fees", result: baseline } });
    expect(html).toContain('id="what-if"');
    expect(html).toContain("baseline (cheap fees)");
    expect(html).toContain("what-if");

    baselineSpecs.forEach((b, i) => {
      const w = whatIfSpecs[i]!;
      const rows = comparisonRows(html, w.name);
      const ret = (c: number) => (c - 1_000_000) / 1_000_000;
      expect(rows.return).toEqual([percent(ret(b.finalCents!), 2, true), percent(ret(w.finalCents!), 2, true), points(ret(w.finalCents!) - ret(b.finalCents!))]);
      const dt = w.trades! - b.trades!;
      expect(rows.trades).toEqual([String(b.trades), String(w.trades), dt > 0 ? `+${dt}` : String(dt)]);
      expect(rows.fees).toEqual([dollars(b.feesCents!), dollars(w.feesCents!), dollars(w.feesCents! - b.feesCents!, true)]);
      expect(rows.funding).toEqual([dollars(b.fundingCents!, true), dollars(w.fundingCents!, true), dollars(w.fundingCents! - b.fundingCents!, true)]);
      expect(rows["final-equity"]).toEqual([dollars(b.finalCents!), dollars(w.finalCents!), dollars(w.finalCents! - b.finalCents!, true)]);
      expect(rows["max-drawdown"]).toEqual([percent(b.metrics!.maxDrawdown!), percent(w.metrics!.maxDrawdown!), points(w.metrics!.maxDrawdown! - b.metrics!.maxDrawdown!)]);
    });
    // a model only one run has: its other side and the differences are —
    expect(comparisonRows(html, "only here").fees).toEqual(["—", dollars(123_456_78 + 2), "—"]);
    // both equity curves of every model on one chart, the baseline dashed
    const charts = section(html, /<div class="pair">/, "</section>");
    expect(charts.match(/<path class="ln c\d d"/g)).toHaveLength(2);
    expect(charts.match(/<path class="ln c\d"/g)).toHaveLength(3);
  });

  it("describes the run in the header", () => {
    const html = renderReport(backtest([{ name: "a" }], 7, { feed: { kind: "replay", files: [{ symbol: "BTC", path: "data/btc.jsonl" }] }, llm: "replay" }));
    const header = unescape(section(html, /<header>/, "</header>"));
    expect(header).toContain("2024-03-01 → 2024-03-08 UTC");
    expect(header).toContain("replay of 1 file: BTC = data/btc.jsonl");
    expect(header).toContain("5 min");
    expect(header).toContain("fees maker 2 bps, taker 5 bps · slippage +0 bps · latency 20–80 ms");
    expect(header).toContain("replay (recorded answers)");
    expect(header).toContain("ab".repeat(32));
    expect(header).toContain("1,209,600");
    expect(header).toContain("2,016");
    expect(header).toContain("32.0%");
    expect(header).toContain("0.56");
  });
});
