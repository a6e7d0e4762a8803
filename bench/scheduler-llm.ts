import { systemClock } from "../src/core/clock.js";
/**
 * One scheduler cycle with 100 LLM models whose provider answers take 1 s each: the cycle's wall
 * time and its overhead above that second (goal: under 20%).
 *
 * The real pieces, as the app wires them: a migrated in-memory PGlite, UnitOfWork + EventBus,
 * SimVenue, TradingService, the Scheduler with the LLM deciders (createDeciders) and the
 * decision extras (standings, metrics, recent activity) in each model's context. Only the model
 * is a mock (the AI SDK's MockLanguageModelV3): each call waits 1 s, then answers with a
 * `holding` tool call, so every run goes through prompt building, the SDK's tool loop, a
 * recorded tool call and the invocation row with its telemetry. The overhead is everything that
 * is not the models' waiting: invocation rows, context, prompts, tool calls, the rows' updates.
 *
 * A warm-up cycle (untimed) runs first, so the figures are not the first-use cost of the code
 * and the database's query plans; then `cycles` timed cycles, reported as best and median. Before
 * each cycle (untimed) an equity snapshot round is written a minute after the previous one, as
 * the app does every minute, so each cycle's prompts read new curve points.
 *
 * Two arenas: a fresh one (no history), and one that has run for a month (model-listing's
 * history: a day of minute snapshots, hourly ones to 30 days, 100 closed trades and 300 runs per
 * model), where a prompt's 7-day metrics cover about 1,600 snapshots a model.
 */
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { MockLanguageModelV3 } from "ai/test";
import { and, count, eq, gte } from "drizzle-orm";
import { computeIntelligence } from "../src/agents/intelligence.js";
import { ManualClock } from "../src/core/clock.js";
import { DEFAULT_MARKETS, priceToTicks } from "../src/core/market.js";
import { invocations } from "../src/db/schema.js";
import { UnitOfWork } from "../src/db/unit-of-work.js";
import { EquityRecorder } from "../src/trading/equity.js";
import { DecisionExtras } from "../src/scheduler/decision-extras.js";
import { createDeciders } from "../src/scheduler/llm-decider.js";
import { Scheduler } from "../src/scheduler/scheduler.js";
import { EventBus } from "../src/events/bus.js";
import type { Candle, CandleInterval } from "../src/feeds/feed.js";
import { INTERVAL_MS } from "../src/feeds/feed.js";
import { ModelAccount } from "../src/trading/account.js";
import { TradingService } from "../src/trading/trading-service.js";
import { MarketRoom } from "../src/market/market-room.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import { openTestDatabase } from "../test/support/databases.js";
import { ms, type Figure } from "./report.js";
import { seedHistory } from "./model-listing.js";

export const SCHEDULER_LLM_GOAL_PCT = 20;

export interface SchedulerLlmOptions {
  models?: number;
  /** How long each provider answer takes (default 1000 ms). */
  responseMs?: number;
  /** Timed cycles after the warm-up (default 3; quick: 1). */
  cycles?: number;
  /** Only this arena (default both). */
  arena?: "fresh" | "month";
  quick?: boolean;
}

function slowModel(responseMs: number): MockLanguageModelV3 {
  let n = 0;
  return new MockLanguageModelV3({
    doGenerate: async ({ abortSignal }) => {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, responseMs);
        abortSignal?.addEventListener("abort", () => (clearTimeout(timer), reject(abortSignal.reason)), { once: true });
      });
      return {
        content: [
          { type: "text", text: "Nothing convincing on 5m or 1h; holding." },
          { type: "tool-call", toolCallId: `call-${++n}`, toolName: "holding", input: JSON.stringify({ reason: "no setup" }) },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: { inputTokens: { total: 2500, noCache: 2500, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 40, text: 40, reasoning: undefined } },
        warnings: [],
      };
    },
  });
}

/** Hand-made candles around each market's price, long enough for every indicator. */
function candlesOf(symbol: string, interval: CandleInterval, now: number): Candle[] {
  const m = DEFAULT_MARKETS.find((x) => x.symbol === symbol)!;
  const base = symbol === "BTC" ? 50_000 : symbol === "ETH" ? 3_000 : 100;
  return Array.from({ length: 80 }, (_, i) => {
    const close = priceToTicks(m, (base * (1 + 0.002 * Math.sin(i / 5))).toFixed(m.priceDecimals));
    return { symbol, interval, openTime: now - (80 - i) * INTERVAL_MS[interval], open: close, high: close + 10, low: close - 10, close, volume: 10 ** m.sizeDecimals };
  });
}

export async function runSchedulerLlmBench(options: SchedulerLlmOptions = {}): Promise<Figure[]> {
  const arenas = options.arena ? [options.arena] : (["fresh", "month"] as const);
  const figures: Figure[] = [];
  for (const arena of arenas) figures.push(...(await runArena(arena, options)));
  return figures;
}

async function runArena(arena: "fresh" | "month", options: SchedulerLlmOptions): Promise<Figure[]> {
  const n = options.models ?? 100;
  const responseMs = options.responseMs ?? 1000;
  const cycles = options.cycles ?? (options.quick ? 1 : 3);
  const t = await openTestDatabase("pglite");
  try {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    const bus = new EventBus();
    const uow = new UnitOfWork(t.database.db, bus, false);
    const room = new MarketRoom({ markets: DEFAULT_MARKETS });
    const venue = new SimVenue({ clock }, room);
    const accounts = new Map<string, ModelAccount>();
    const quote = (symbol: string) => room.quote(symbol);
    const service = new TradingService({ uow, venue, clock, accounts, quote, paper: venue });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      await service.createAccount({
        id,
        name: `llm-${i}`,
        kind: "llm",
        strategy: "regime-adaptive",
        initialCapital: "10000",
        config: { llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "mock" } },
      });
      ids.push(id);
    }
    const now = Date.now();
    if (arena === "month") await seedHistory(t.database.db, now);
    let snapshotAt = now;
    const equity = new EquityRecorder(uow, service, () => snapshotAt);
    const snapshotRound = async () => {
      snapshotAt += 60_000;
      await equity.snapshot();
    };
    const intelligence = computeIntelligence({ markets: DEFAULT_MARKETS, candles: (s, i) => candlesOf(s, i, now), now });
    const model = slowModel(responseMs);
    const extras = new DecisionExtras({ db: t.database.db, service, now: () => Date.now(), bus });
    const scheduler = new Scheduler({
      intervalMs: 0,
      runTimeoutMs: 60_000,
      uow,
      service,
      clock: systemClock,
      activeModels: async () => ids.map((id, i) => ({ id, name: `llm-${i}`, strategy: "regime-adaptive", kind: "llm" as const, llm: { baseUrl: "http://127.0.0.1:11434/v1", model: "mock" } })),
      decider: createDeciders({ model: () => model }),
      intelligence: () => intelligence,
      context: async (modelId, { cycleId }) => {
        const f = service.figures(service.account(modelId));
        return { portfolio: { cash: String(f.cash), equity: String(f.equity), available: String(f.available), positions: [] }, markets: DEFAULT_MARKETS, ...(await extras.load(modelId, cycleId)) };
      },
    });

    await snapshotRound();
    await scheduler.runCycle(); // warm-up, untimed
    const walls: number[] = [];
    for (let c = 0; c < cycles; c++) {
      await snapshotRound();
      const t0 = performance.now();
      await scheduler.runCycle();
      walls.push(performance.now() - t0);
    }
    // The bench's own runs only: a month arena's seeded history has failed runs of its own.
    const ran = (status: "ok" | "error") => and(eq(invocations.status, status), gte(invocations.createdAt, new Date(now)));
    const [{ failed } = { failed: 0 }] = await t.database.db.select({ failed: count() }).from(invocations).where(ran("error"));
    const [{ ok } = { ok: 0 }] = await t.database.db.select({ ok: count() }).from(invocations).where(ran("ok"));
    const sorted = [...walls].sort((a, b) => a - b);
    const best = sorted[0]!;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const overheadPct = ((median - responseMs) / responseMs) * 100;
    console.log(`\nscheduler-llm, ${arena === "fresh" ? "a fresh arena" : "an arena with a month of history"}:`);
    console.table({
      models: { value: String(n) },
      "provider answer (each)": { value: ms(responseMs, 0) },
      "cycles timed (after 1 warm-up)": { value: String(cycles) },
      "cycle wall time, best": { value: ms(best, 0) },
      "cycle wall time, median": { value: ms(median, 0) },
      "overhead above the answer, median": { value: `${ms(median - responseMs, 0)} (${overheadPct.toFixed(1)}%)` },
      "runs ok / failed (all cycles)": { value: `${ok} / ${failed}` },
    });
    return [
      {
        benchmark: "scheduler-llm",
        figure: `one cycle, ${n} LLM models answering in ${responseMs} ms, ${arena === "fresh" ? "fresh arena" : "a month of history"}: overhead above ${responseMs} ms (median wall ${ms(median, 0)})`,
        measured: `${overheadPct.toFixed(1)}%`,
        goal: `< ${SCHEDULER_LLM_GOAL_PCT}%`,
        met: overheadPct < SCHEDULER_LLM_GOAL_PCT && Number(failed) === 0,
      },
    ];
  } finally {
    await t.dispose();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const arena = arg("--arena");
  if (arena !== undefined && arena !== "fresh" && arena !== "month") throw new Error(`--arena: "${arena}" is not fresh or month`);
  await runSchedulerLlmBench({
    quick: process.argv.includes("--quick"),
    ...(arena ? { arena } : {}),
    ...(arg("--cycles") ? { cycles: Number(arg("--cycles")) } : {}),
  });
}
