import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { parseBacktestRequest, type BacktestRequestInput } from "../../src/backtest/request.js";
import { runBacktest } from "../../src/backtest/run-backtest.js";
import { renderReport } from "../../src/backtest/report.js";
import type { BacktestResult } from "../../src/backtest/types.js";
import { usd } from "../../src/core/money.js";
import type { Db } from "../../src/db/client.js";
import { invocations, models, outbox, toolCalls } from "../../src/db/schema.js";
import { ADMIN_URL, DRIVERS } from "../support/databases.js";
import { startFakeOpenAi, type FakeOpenAi } from "../support/fake-openai.js";

const HOUR = 3_600_000;
const FROM = Date.parse("2026-11-01T00:00:00Z");

/** Three hours of 1-second synthetic books, two rule models deciding every 5 minutes. */
function request(overrides: Partial<BacktestRequestInput> = {}): BacktestRequestInput {
  return {
    from: FROM,
    to: FROM + 3 * HOUR,
    feed: { kind: "synthetic", seed: 7 },
    models: [
      { name: "Trend", kind: "rule", strategy: "trend-following" },
      { name: "Reverter", kind: "rule", strategy: "mean-reversion", initialCapital: "25000" },
    ],
    ...overrides,
  };
}

const run = (input: BacktestRequestInput) => runBacktest(parseBacktestRequest(input));

/**
 * The runs' records of a backtest, comparable across runs: ids (random) replaced by the run's
 * place in time, durations (wall time) left out, the events of runs and cycles by type and content.
 */
async function runRecords(db: Db) {
  const names = new Map((await db.select({ id: models.id, name: models.name }).from(models)).map((m) => [m.id, m.name]));
  const named = <T extends { modelId: string }>({ modelId, ...rest }: T) => ({ model: names.get(modelId), ...rest });
  const invocationRows = (await db.select().from(invocations)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || names.get(a.modelId)!.localeCompare(names.get(b.modelId)!));
  const place = new Map(invocationRows.map((r, i) => [r.id, i]));
  const toolCallRows = await db.select().from(toolCalls);
  const events = await db
    .select()
    .from(outbox)
    .where(inArray(outbox.type, ["InvocationFinished", "CycleFinished"]));
  const invocationEvents = events
    .filter((e) => e.type === "InvocationFinished")
    .map((e) => {
      const { id, durationMs, ...rest } = (e.payload as { invocation: { id: string; modelId: string; durationMs: number } }).invocation;
      return { place: place.get(id), durationMs: typeof durationMs, ...named(rest) };
    })
    .sort((a, b) => a.place! - b.place!);
  return {
    invocations: invocationRows.map(({ id, durationMs, ...rest }) => ({ place: place.get(id), durationMs: typeof durationMs, ...named(rest) })),
    toolCalls: toolCallRows
      .map(({ id, invocationId, ...rest }) => ({ place: place.get(invocationId!), id: typeof id, ...named(rest) }))
      .sort((a, b) => a.place! - b.place! || JSON.stringify(a.metadata).localeCompare(JSON.stringify(b.metadata))),
    invocationEvents,
    cycles: events.filter((e) => e.type === "CycleFinished").length,
  };
}

describe("backtest", { timeout: 240_000 }, () => {
  let first: BacktestResult;

  it("runs the models on simulated time: every cycle decided, trades inside the span, the books closed to the cent", async () => {
    first = await run(request());
    const cycles = (3 * HOUR) / 300_000;
    expect(first.models.map((m) => m.name)).toEqual(["Reverter", "Trend"]);
    const trades = first.models.flatMap((m) => m.trades);
    // A run without trades would make the determinism check below prove nothing.
    expect(trades.length).toBeGreaterThan(0);
    for (const m of first.models) {
      expect(m.runs).toEqual({ total: cycles, failed: 0 });
      for (const t of m.trades) {
        expect(t.openedAt).toBeGreaterThanOrEqual(FROM);
        expect(t.closedAt).toBeLessThanOrEqual(FROM + 3 * HOUR);
        expect(t.closedAt).toBeGreaterThanOrEqual(t.openedAt);
      }
      // Realized P&L on a trade is net of its fees: with nothing open at the end, equity moved by exactly their sum.
      if (m.openPositions.length === 0) {
        const pnl = m.trades.reduce((s, t) => s + usd(t.realizedPnl), 0n);
        expect(usd(m.metrics.finalEquity) - usd(m.metrics.initialCapital)).toBe(pnl);
        expect(usd(m.metrics.fees)).toBe(m.trades.reduce((s, t) => s + usd(t.fees), 0n));
      }
      expect(m.metrics.trades).toBe(m.trades.length);
      // One equity point a simulated minute (thinned to at most 2000).
      expect(m.equity[0]!.t).toBe(FROM);
      expect(m.equity.at(-1)!.t).toBe(FROM + 3 * HOUR);
    }
    expect(first.models.find((m) => m.name === "Reverter")!.metrics.initialCapital).toBe("25000");
    expect(first.stats.updates).toBe(((3 * HOUR) / 1000) * 3);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    // The database's share of the run is measured, not assumed: some, never more than the whole.
    expect(first.stats.databaseMs).toBeGreaterThan(0);
    expect(first.stats.databaseShare).toBeGreaterThan(0);
    expect(first.stats.databaseShare).toBeLessThanOrEqual(1);
  });

  it("is deterministic: the same request gives the same trades and ledger, bit for bit, on every database", async () => {
    for (const driver of DRIVERS) {
      const again = await run(request(driver === "postgres" ? { databaseUrl: ADMIN_URL } : {}));
      expect(again.hash, driver).toBe(first.hash);
      expect(
        again.models.map((m) => m.trades),
        driver,
      ).toEqual(first.models.map((m) => m.trades));
      expect(
        again.models.map((m) => m.metrics.finalEquity),
        driver,
      ).toEqual(first.models.map((m) => m.metrics.finalEquity));
    }
  });

  it("batched writes change no figure: the run written row by row gives the same result", async () => {
    const unbatched = await runBacktest(parseBacktestRequest(request()), { batchWrites: false });
    const figures = (r: BacktestResult) => ({ ...r, stats: undefined });
    expect(unbatched.hash).toBe(first.hash);
    // Equity curves and price series come from the held rows: they must match point for point.
    expect(figures(unbatched)).toEqual(figures(first));
  });

  it("held runs change no row: the invocations, tool calls and their events are those of a run written one by one", async () => {
    // A decision a minute: 180 cycles, so the held runs are written several times during the run and once at its end.
    const input = request({ intervalMs: 60_000 });
    const rowsOf = async (batchWrites: boolean) => {
      let rows: Awaited<ReturnType<typeof runRecords>> | undefined;
      const result = await runBacktest(parseBacktestRequest(input), { batchWrites, inspect: async (db) => void (rows = await runRecords(db)) });
      return { result, rows: rows! };
    };
    const held = await rowsOf(true);
    const oneByOne = await rowsOf(false);
    expect(held.result.hash).toBe(oneByOne.result.hash);
    expect(held.rows.invocations.length).toBe(2 * 180);
    expect(held.rows.toolCalls.length).toBeGreaterThanOrEqual(held.rows.invocations.length);
    expect(held.rows).toEqual(oneByOne.rows);
  });

  it("a different market, different fees or a different decision interval give a different run", async () => {
    const other = await run(request({ feed: { kind: "synthetic", seed: 8 } }));
    expect(other.hash).not.toBe(first.hash);
    const dearer = await run(request({ execution: { makerFeeBps: 2, takerFeeBps: 20 } }));
    expect(dearer.hash).not.toBe(first.hash);
    const feesOf = (r: BacktestResult) => r.models.reduce((s, m) => s + usd(m.metrics.fees), 0n);
    // The same decisions cost more; the decisions may differ after the first trade, so only the first trade's fee is compared.
    const firstTrade = (r: BacktestResult) => r.models.flatMap((m) => m.trades).sort((a, b) => a.openedAt - b.openedAt)[0]!;
    expect(usd(firstTrade(dearer).fees)).toBeGreaterThan(usd(firstTrade(first).fees));
    expect(feesOf(dearer)).toBeGreaterThan(0n);
  });

  it("what-if: the same decisions replayed with dearer execution, compared with the baseline in the report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-whatif-"));
    try {
      const baselineFile = join(dir, "result.json");
      writeFileSync(baselineFile, JSON.stringify(first));
      expect(first.decisions!.length).toBeGreaterThan(0);
      const whatIf = await run({ ...request(), execution: { makerFeeBps: 2, takerFeeBps: 30, extraSlippageBps: 5 }, baseline: baselineFile });
      // Decisions held fixed: the same calls at the same times, so the same entries...
      expect(whatIf.decisions).toEqual(first.decisions);
      const entries = (r: BacktestResult) => r.models.map((m) => m.trades.map((t) => [t.symbol, t.side, t.quantity, t.openedAt]));
      expect(entries(whatIf)).toEqual(entries(first));
      // ...executed worse: every trade paid more and made less.
      for (const [i, m] of whatIf.models.entries()) {
        for (const [j, t] of m.trades.entries()) {
          const before = first.models[i]!.trades[j]!;
          expect(usd(t.fees)).toBeGreaterThan(usd(before.fees));
          expect(usd(t.realizedPnl)).toBeLessThan(usd(before.realizedPnl));
        }
      }
      expect(whatIf.baseline!.result.hash).toBe(first.hash);
      expect(whatIf.baseline!.label).toBe("fees 2/6 bps, slippage 0 bps, latency 0 ms");
      const html = renderReport(whatIf);
      expect(html).toContain("fees 2/6 bps, slippage 0 bps, latency 0 ms");
      for (const m of whatIf.models) expect(html).toContain(`data-model="${m.name}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("what-if with limit entries: the same decisions as post-only orders at the touch enter better and pay maker fees, or not at all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-limit-"));
    try {
      const baselineFile = join(dir, "result.json");
      writeFileSync(baselineFile, JSON.stringify(first));
      const expireAfterMs = 120_000;
      const limits = await run({ ...request(), execution: { entries: { type: "limit", offsetBps: 0, expireAfterMs } }, baseline: baselineFile });
      expect(limits.decisions).toEqual(first.decisions);
      const trades = limits.models.flatMap((m) => m.trades.map((t) => ({ model: m.name, ...t })));
      const before = first.models.flatMap((m) => m.trades.map((t) => ({ model: m.name, ...t })));
      expect(trades.length).toBeGreaterThan(0);
      expect(trades.length).toBeLessThanOrEqual(before.length);
      for (const t of trades) {
        // The decision it came from: the same model, market, side and size, entered by market order at most the expiry earlier.
        const market = before.find(
          (b) => b.model === t.model && b.symbol === t.symbol && b.side === t.side && b.quantity === t.quantity && t.openedAt >= b.openedAt && t.openedAt - b.openedAt <= expireAfterMs,
        );
        expect(market, `${t.model} ${t.symbol} at ${t.openedAt}`).toBeDefined();
        // Resting at the bid (a long) or the ask (a short) beats crossing the spread, and a maker fill pays the maker fee.
        if (t.side === "LONG") expect(Number(t.entryPrice)).toBeLessThan(Number(market!.entryPrice));
        else expect(Number(t.entryPrice)).toBeGreaterThan(Number(market!.entryPrice));
        expect(usd(t.fees)).toBeLessThan(usd(market!.fees));
      }
      expect(limits.baseline!.label).toBe("fees 2/6 bps, slippage 0 bps, latency 0 ms");
      expect(renderReport(limits)).toContain("limit entries 0 bps behind the touch, 120 s to fill");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("latency: orders sleep on the simulated clock and meet the book as it is when they arrive, the same in every run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-latency-"));
    try {
      const baselineFile = join(dir, "result.json");
      writeFileSync(baselineFile, JSON.stringify(first));
      const slow = { ...request(), execution: { latency: { minMs: 1000, maxMs: 2000 } }, baseline: baselineFile };
      const a = await run(slow);
      const opens = (r: BacktestResult) => r.models.flatMap((m) => m.trades.map((t) => t.openedAt)).sort((x, y) => x - y);
      const before = opens(first);
      const after = opens(a);
      expect(after).toHaveLength(before.length);
      // Each entry lands 1-2 s after its decision (plus up to the 1 s between books; a run's orders go one after
      // another, so a second symbol waits twice), never at the decision itself.
      for (const [i, t] of after.entries()) {
        expect(t - before[i]!).toBeGreaterThanOrEqual(1000);
        expect(t - before[i]!).toBeLessThanOrEqual(6000);
      }
      expect(a.hash).not.toBe(first.hash);
      const b = await run(slow);
      expect(b.hash).toBe(a.hash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a bad request naming each bad field, before anything runs", () => {
    expect(() => parseBacktestRequest({ ...request(), to: FROM - 1 })).toThrow(/to: must be after from/);
    expect(() => parseBacktestRequest({ ...request(), models: [] })).toThrow(/models: needs at least one model/);
    expect(() => parseBacktestRequest({ ...request(), feed: { kind: "csv" } })).toThrow(/feed.kind: must be/);
    expect(() => parseBacktestRequest({ ...request(), from: "yesterday" })).toThrow(/from: must be an ISO 8601 time/);
    expect(() => parseBacktestRequest({ ...request(), models: [{ name: "A", kind: "mirror", strategy: "x" }] })).toThrow(/models.0.kind/);
    expect(() => parseBacktestRequest({ ...request(), models: [{ name: "L", kind: "llm", strategy: "capital-preservation", llm: { baseUrl: "http://x/v1", model: "m" } }] })).toThrow(
      /llm: an llm model needs/,
    );
  });

  it("an unknown strategy stops the run with the model's name", async () => {
    await expect(run(request({ models: [{ name: "Nope", kind: "rule", strategy: "astrology" }] }))).rejects.toThrow(/model "Nope": .*unknown rule strategy "astrology"/);
  });
});

const KRAKEN = fileURLToPath(new URL("../../../shared/data/market/candles_1m_kraken_xbtusdt_20251110.csv", import.meta.url));

describe.skipIf(!existsSync(KRAKEN))("backtest over recorded candles (skipped without ../shared/data/market)", { timeout: 240_000 }, () => {
  it("warms up on the recording before `from`, trades on its prices, and repeats itself exactly", async () => {
    const from = Date.parse("2025-11-10T16:00:00Z");
    const input: BacktestRequestInput = {
      from,
      to: from + 2 * HOUR,
      feed: { kind: "replay", files: [{ symbol: "BTC", path: KRAKEN }] },
      models: [{ name: "Trend", kind: "rule", strategy: "trend-following" }],
    };
    const a = await run(input);
    expect(a.symbols).toEqual(["BTC"]);
    expect(a.models[0]!.runs.total).toBe(24);
    const closes = readFileSync(KRAKEN, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","))
      .filter((c) => Number(c[0]) >= from && Number(c[0]) < from + 2 * HOUR)
      .map((c) => Number(c[5]));
    const prices = a.prices.BTC!.map((p) => Number(p.price));
    expect(prices.length).toBeGreaterThan(0);
    // Every mid the run saw lies within the recording's range over the span.
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(Math.min(...closes) * 0.99);
    expect(Math.max(...prices)).toBeLessThanOrEqual(Math.max(...closes) * 1.01);
    const b = await run(input);
    expect(b.hash).toBe(a.hash);
  });
});

describe("backtest of an LLM model: recorded once, replayed for free", { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "autonome-llm-rec-"));
  let fake: FakeOpenAi | undefined;
  afterAll(async () => {
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const llmRequest = (mode: "record" | "replay", capital = "10000"): BacktestRequestInput => ({
    from: FROM,
    to: FROM + HOUR / 2,
    feed: { kind: "synthetic", seed: 3 },
    models: [{ name: "Oracle", kind: "llm", strategy: "capital-preservation", initialCapital: capital, llm: { baseUrl: fake!.baseUrl, model: "fake-model", maxSteps: 3 } }],
    llm: { mode, file: join(dir, "oracle.jsonl") },
  });

  it("replays the recorded answers without an endpoint and ends with the same trades; a changed prompt is a miss naming the step", async () => {
    fake = await startFakeOpenAi();
    // Six cycles: open BTC at the first, close it at the third, hold otherwise.
    fake.reply(
      { kind: "tool-calls", calls: [{ name: "createPosition", arguments: { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "90000", confidence: 60 }] } }] },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "opened" } }] },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "waiting" } }] },
      { kind: "tool-calls", calls: [{ name: "closePosition", arguments: { symbols: ["BTC"] } }] },
      { kind: "tool-calls", calls: [{ name: "holding", arguments: { reason: "closed" } }] },
      ...Array.from({ length: 3 }, () => ({ kind: "tool-calls" as const, calls: [{ name: "holding", arguments: { reason: "flat" } }] })),
    );
    const recorded = await run(llmRequest("record"));
    const oracle = recorded.models[0]!;
    expect(oracle.runs).toEqual({ total: 6, failed: 0 });
    expect(oracle.trades).toHaveLength(1);
    expect(oracle.trades[0]!.symbol).toBe("BTC");
    const lines = readFileSync(join(dir, "oracle.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(fake.requests.length);

    await fake.close();
    const seen = fake.requests.length;
    const replayed = await run(llmRequest("replay"));
    expect(fake.requests.length).toBe(seen); // no call reached an endpoint
    expect(replayed.hash).toBe(recorded.hash);
    expect(replayed.models[0]!.trades).toEqual(oracle.trades);

    // Other capital puts other figures in the prompt: nothing was recorded for it.
    await expect(run(llmRequest("replay", "20000"))).rejects.toThrow(/LLM replay miss at model "Oracle" at 2026-11-01T00:05:00.000Z, step 1/);
  });
});
