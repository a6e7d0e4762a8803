import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { conflict, invalid, notFound } from "../core/errors.js";
import { findMarket, lotsToQuantity, priceToTicks, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd, usd } from "../core/money.js";
import { averagePrice } from "../core/position.js";
import { tradeStatsOf, type TradeTotals } from "../core/metrics.js";
import type { Db } from "../db/client.js";
import { invocations, models, orders, toolCalls, venueOrders } from "../db/schema.js";
import { orderView } from "../trading/order-recorder.js";
import { priceProblem } from "../trading/order-input.js";
import type { EventBus } from "../events/bus.js";
import { lastEventId, readEventsAfter } from "../db/outbox.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { CurveMetricsReadModel, equityHistory, figuresView } from "../trading/equity.js";
import type { TradingService } from "../trading/trading-service.js";
import { resolveLimits } from "../trading/risk/limits.js";
import { parseLlmSettings } from "../agents/llm/settings.js";
import { modelRunStats, runStatsByModel } from "../scheduler/run-stats.js";
import type { MarketData } from "../market/market-room.js";
import type * as S from "./services.js";
import { llmSettings, positionView, tradeView, type ModelRow } from "./views.js";

export interface AppServicesDeps {
  db: Db;
  dbKind: "pglite" | "postgres";
  mode: "simulation" | "live";
  version: string;
  feed: { describe(): Record<string, unknown>; kind: string; move?(symbol: string, ticks: number): void };
  /** Books and quotes: the market-data room. */
  market: MarketData;
  service: TradingService;
  scheduler: Scheduler;
  bus: EventBus;
  strategies: () => S.StrategyView[];
  now: () => number;
  /** Takes this minute's equity snapshot of every account: a new model's curve starts when it is created. */
  snapshotEquity?: () => Promise<void>;
}

const WEEK = 7 * 86_400_000;

/**
 * The closed-trade totals of every model (or only `modelId`'s), summed exactly by the database in
 * one query: one row per model however many trades it has.
 */
async function tradeTotalsByModel(db: Db, modelId?: string): Promise<Map<string, TradeTotals>> {
  const pnl = sql`coalesce(${orders.realizedPnl}, 0)`;
  const rows = await db
    .select({
      modelId: orders.modelId,
      trades: sql<number>`count(*)`.mapWith(Number),
      wins: sql<number>`count(*) filter (where ${pnl} > 0)`.mapWith(Number),
      grossProfit: sql<string>`coalesce(sum(${pnl}) filter (where ${pnl} > 0), 0)::text`,
      grossLoss: sql<string>`coalesce(-sum(${pnl}) filter (where ${pnl} < 0), 0)::text`,
      total: sql<string>`coalesce(sum(${pnl}), 0)::text`,
    })
    .from(orders)
    .where(and(eq(orders.status, "CLOSED"), modelId === undefined ? undefined : eq(orders.modelId, modelId)))
    .groupBy(orders.modelId);
  return new Map(rows.map((r) => [r.modelId, { trades: r.trades, wins: r.wins, grossProfit: usd(r.grossProfit), grossLoss: usd(r.grossLoss), total: usd(r.total) }]));
}

const NO_TRADES: TradeTotals = { trades: 0, wins: 0, grossProfit: 0n, grossLoss: 0n, total: 0n };

/** The application behind the HTTP API: queries the database, acts through the trading service. */
export function createAppServices(d: AppServicesDeps): S.AppServices {
  const market = (symbol: string): MarketSpec => {
    const m = findMarket(d.market.markets, symbol);
    if (!m) throw notFound(`unknown market "${symbol}"`);
    return m;
  };
  const mid = (s: string) => d.market.mid(s);
  // Every equity snapshot round emits `account` events: the curve metrics are then re-read.
  const curveFigures = new CurveMetricsReadModel(d.db, WEEK);
  d.bus.subscribe((e) => {
    if (e.type === "account") curveFigures.invalidate();
  });

  const marketView = (m: MarketSpec): S.MarketView => {
    const q = d.market.quote(m.symbol);
    const px = (t: number | undefined) => (t === undefined ? null : ticksToPrice(m, t));
    return {
      symbol: m.symbol,
      bid: px(q?.bid),
      ask: px(q?.ask),
      mid: px(q?.mid),
      sizeDecimals: m.sizeDecimals,
      priceDecimals: m.priceDecimals,
      minBaseAmount: lotsToQuantity(m, m.minBaseLots),
      updatedAt: q && q.ts > 0 ? new Date(q.ts).toISOString() : null,
    };
  };

  /**
   * Model views for the given rows in a constant number of queries, however many models there
   * are: closed-trade totals and run counts are summed per model by the database (one query
   * each), and the curve metrics come from a read model that reads every curve in one query at
   * most once a minute. `only` narrows the reads to one model.
   */
  const modelViews = async (rows: readonly ModelRow[], only?: string): Promise<S.ModelView[]> => {
    if (rows.length === 0) return [];
    const now = d.now();
    const [curves, trades, runs] = await Promise.all([
      only === undefined ? curveFigures.all(now) : curveFigures.of(only, now).then((f) => new Map([[only, f]])),
      tradeTotalsByModel(d.db, only),
      only === undefined ? runStatsByModel(d.db) : modelRunStats(d.db, only).then((r) => new Map([[only, r]])),
    ]);
    return rows.map((row) => {
      const account = d.service.account(row.id);
      const metrics = { ...(curves.get(row.id) ?? CurveMetricsReadModel.none), ...tradeStatsOf(trades.get(row.id) ?? NO_TRADES) };
      const llm = llmSettings(row);
      return {
        id: row.id,
        name: row.name,
        kind: row.kind,
        strategy: row.strategy,
        status: row.status,
        initialCapital: formatUsd(usd(row.initialCapital)),
        account: figuresView(d.service.figures(account), account.initialCapital),
        metrics,
        ...(llm ? { llm } : {}),
        risk: { ...d.service.risk.limitsOf(row.id) },
        runs: runs.get(row.id) ?? { runs: 0, failedRuns: 0, toolCalls: 0, failedToolCalls: 0 },
        createdAt: row.createdAt.toISOString(),
      };
    });
  };
  const modelView = async (row: ModelRow): Promise<S.ModelView> => (await modelViews([row], row.id))[0]!;

  const modelRow = async (id: string): Promise<ModelRow> => {
    const [row] = await d.db.select().from(models).where(eq(models.id, id));
    if (!row) throw notFound(`model ${id} does not exist`);
    return row;
  };

  const invocationViews = async (rows: Array<typeof invocations.$inferSelect>): Promise<S.InvocationView[]> => {
    const ids = rows.map((r) => r.id);
    const calls = ids.length ? await d.db.select().from(toolCalls).where(inArray(toolCalls.invocationId, ids)).orderBy(toolCalls.createdAt) : [];
    return rows.map((r) => ({
      id: r.id,
      modelId: r.modelId,
      createdAt: r.createdAt.toISOString(),
      durationMs: r.durationMs,
      status: r.status,
      response: r.response ?? r.error,
      error: r.error,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      toolCalls: calls.filter((c) => c.invocationId === r.id).map((c) => ({ type: c.type, metadata: c.metadata, createdAt: c.createdAt.toISOString() })),
    }));
  };

  const requireSimulation = () => {
    if (d.mode !== "simulation") throw conflict("not_simulation", "simulation controls are only available in simulation mode");
  };

  return {
    health: () => ({ status: "ok", mode: d.mode, feed: { ...d.feed.describe(), kind: d.feed.kind }, db: { kind: d.dbKind }, version: d.version }),
    markets: () => d.market.markets.map(marketView),
    book: (symbol, depth) => {
      const m = market(symbol);
      const b = d.market.snapshot(m.symbol, depth);
      const lv = (l: readonly [number, number]): [string, string] => [ticksToPrice(m, l[0]), lotsToQuantity(m, l[1])];
      return { symbol: m.symbol, bids: (b?.bids ?? []).map(lv), asks: (b?.asks ?? []).map(lv), ts: b && b.ts > 0 ? new Date(b.ts).toISOString() : null };
    },

    listModels: async () => modelViews(await d.db.select().from(models).orderBy(models.createdAt)),
    getModel: async (id) => modelView(await modelRow(id)),
    createModel: async (input) => {
      const known = d.strategies().find((s) => s.name === input.strategy);
      if (!known || known.kind !== input.kind) {
        const names = d
          .strategies()
          .filter((s) => s.kind === input.kind)
          .map((s) => s.name);
        throw invalid(`strategy: unknown ${input.kind} strategy "${input.strategy}" (known: ${names.join(", ") || "none"})`);
      }
      if (input.kind === "llm" && !input.llm) throw invalid("llm: an llm model needs {baseUrl, model}");
      if (input.kind === "rule" && input.llm) throw invalid("llm: only an llm model takes llm settings");
      if (input.llm) {
        // The CLI reaches here without the HTTP schema: validate the settings here too.
        try {
          parseLlmSettings(input.llm);
        } catch (e) {
          throw invalid(`llm: ${e instanceof Error ? e.message.replace(/^invalid LLM settings: /, "") : String(e)}`);
        }
      }
      resolveLimits(input.risk); // a bad limit is a 400 before anything is written
      const id = randomUUID();
      await d.service.createAccount({
        id,
        name: input.name,
        kind: input.kind,
        strategy: input.strategy,
        initialCapital: input.initialCapital ?? "10000",
        config: { ...(input.llm ? { llm: input.llm } : {}), ...(input.risk !== undefined ? { risk: input.risk } : {}) },
      });
      d.service.risk.setLimits(id, input.risk);
      await d.snapshotEquity?.();
      return modelView(await modelRow(id));
    },
    setModelStatus: async (id, status) => {
      await modelRow(id);
      await d.db
        .update(models)
        .set({ status, updatedAt: new Date(d.now()) })
        .where(eq(models.id, id));
      return modelView(await modelRow(id));
    },
    setRiskLimits: async (id, risk) => {
      const row = await modelRow(id);
      resolveLimits(risk);
      const config = { ...(row.config as Record<string, unknown>) };
      if (risk === null) delete config.risk;
      else config.risk = risk;
      await d.db
        .update(models)
        .set({ config, updatedAt: new Date(d.now()) })
        .where(eq(models.id, id));
      d.service.risk.setLimits(id, risk);
      return modelView(await modelRow(id));
    },
    equity: async (id, window) => {
      await modelRow(id);
      return (await equityHistory(d.db, id, window, d.now())).map((r) => ({ ts: r.ts.toISOString(), equity: formatUsd(usd(r.equity)) }));
    },
    strategies: () => d.strategies(),

    positions: async (modelId) => {
      if (modelId !== undefined) await modelRow(modelId);
      const out: S.PositionView[] = [];
      for (const a of d.service.accounts.values()) {
        if (modelId !== undefined && a.modelId !== modelId) continue;
        for (const p of a.positions.values()) {
          const m = market(p.state.symbol);
          out.push(positionView(m, p, mid(m.symbol)));
        }
      }
      return out.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    },
    trades: async (modelId, limit) => {
      if (modelId !== undefined) await modelRow(modelId);
      const where = modelId ? and(eq(orders.status, "CLOSED"), eq(orders.modelId, modelId)) : eq(orders.status, "CLOSED");
      const rows = await d.db.select().from(orders).where(where).orderBy(desc(orders.closedAt), desc(orders.id)).limit(limit);
      return rows.map(tradeView);
    },
    openPosition: async (modelId, input) => {
      await modelRow(modelId);
      const r = await d.service.openPosition(modelId, input);
      const m = r.market;
      const p = r.position ?? d.service.account(modelId).positions.get(m.symbol) ?? null;
      const [order] = await d.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, r.report.clientOrderId));
      return {
        status: r.status,
        requestedQuantity: lotsToQuantity(m, r.requestedLots),
        filledQuantity: lotsToQuantity(m, r.filledLots),
        averagePrice: r.filledLots > 0 ? averagePrice(m, r.notional, BigInt(r.filledLots)) : "0",
        fees: formatUsd(r.fees),
        position: p ? positionView(m, p, mid(m.symbol)) : null,
        order: orderView(order!),
      };
    },
    orders: async (modelId, limit, open) => {
      if (modelId !== undefined) await modelRow(modelId);
      const conditions = [modelId ? eq(venueOrders.modelId, modelId) : undefined, open ? inArray(venueOrders.status, ["OPEN", "PARTIALLY_FILLED"]) : undefined];
      const rows = await d.db
        .select()
        .from(venueOrders)
        .where(and(...conditions))
        .orderBy(desc(venueOrders.createdAt), desc(venueOrders.id))
        .limit(limit);
      return rows.map(orderView);
    },
    cancelOrder: async (modelId, clientOrderId) => {
      await modelRow(modelId);
      const [order] = await d.db
        .select()
        .from(venueOrders)
        .where(and(eq(venueOrders.modelId, modelId), eq(venueOrders.clientOrderId, clientOrderId)));
      if (!order) throw notFound(`${modelId} has no order ${clientOrderId}`);
      if (order.status !== "OPEN" && order.status !== "PARTIALLY_FILLED") throw conflict("order_not_open", `order ${clientOrderId} is ${order.status}, not resting`);
      await d.service.cancelOrder(modelId, clientOrderId);
      const [after] = await d.db.select().from(venueOrders).where(eq(venueOrders.id, order.id));
      return orderView(after!);
    },
    closePositions: async (modelId, symbols) => {
      await modelRow(modelId);
      for (const s of symbols) if (!findMarket(d.market.markets, s)) throw invalid(`symbols: unknown market "${s}"`);
      const results: S.ClosePositionsView["results"] = {};
      for (const s of symbols) results[s.toUpperCase()] = await d.service.closePosition(modelId, s, "MANUAL");
      return { results };
    },
    updateExitPlan: async (modelId, symbol, patch) => {
      await modelRow(modelId);
      const m = market(symbol);
      const p = await d.service.updateExitPlan(modelId, m.symbol, patch);
      return positionView(m, p, mid(m.symbol));
    },

    invocations: async (modelId, limit) => {
      if (modelId !== undefined) await modelRow(modelId);
      const rows = await d.db
        .select()
        .from(invocations)
        .where(modelId ? eq(invocations.modelId, modelId) : undefined)
        .orderBy(desc(invocations.createdAt))
        .limit(limit);
      return invocationViews(rows);
    },
    invocation: async (id) => {
      const [row] = await d.db.select().from(invocations).where(eq(invocations.id, id));
      if (!row) throw notFound(`invocation ${id} does not exist`);
      const [view] = await invocationViews([row]);
      return { ...view!, prompt: row.prompt, steps: row.steps ?? [] };
    },
    schedulerStatus: () => d.scheduler.status(),
    runSchedulerNow: () => void d.scheduler.runCycle(),

    moveMarket: async (symbol, price) => {
      requireSimulation();
      const m = market(symbol);
      if (!d.feed.move) throw conflict("feed_not_movable", `the ${d.feed.kind} feed cannot be moved; use the synthetic feed`);
      let ticks: number;
      try {
        ticks = priceToTicks(m, price);
      } catch (e) {
        // Beyond MAX_PRICE_TICKS is refused, never rounded: the book and the feed stay exact.
        throw invalid(`price: ${priceProblem(price, e)}`);
      }
      d.feed.move(m.symbol, ticks);
      return marketView(m);
    },
    resetAccount: async (modelId) => {
      requireSimulation();
      await modelRow(modelId);
      const a = await d.service.resetAccount(modelId);
      return figuresView(d.service.figures(a), a.initialCapital);
    },

    lastEventId: async () => Math.max(await lastEventId(d.db), d.bus.lastPublishedId),
    subscribe: async (afterId, listener) => {
      let last = afterId ?? d.bus.lastPublishedId;
      let live = false;
      const buffered: S.AppEvent[] = [];
      const deliver = (e: S.AppEvent) => {
        if (e.id !== undefined) {
          if (e.id <= last) return;
          last = e.id;
        }
        listener(e);
      };
      const unsubscribe = d.bus.subscribe((e) => {
        const ev: S.AppEvent = { ...(e.id !== undefined ? { id: e.id } : {}), type: e.type, data: e.data };
        if (live) deliver(ev);
        else buffered.push(ev);
      });
      if (afterId !== undefined) {
        for (;;) {
          const page = await readEventsAfter(d.db, last, 500);
          for (const e of page) deliver({ id: e.id!, type: e.type, data: e.data });
          if (page.length < 500) break;
        }
      }
      for (const e of buffered.splice(0)) deliver(e);
      live = true;
      return unsubscribe;
    },
  };
}
