import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { conflict, invalid, notFound } from "../core/errors.js";
import { NO_LIVE, type LiveApi } from "../live/live-service.js";
import { NO_BACKTESTS, type BacktestApi } from "../backtest/backtest-api.js";
import { findMarket, isOutcome, lotsToQuantity, priceToTicks, ticksToPrice, type MarketSpec } from "../core/market.js";
import { formatUsd, usd } from "../core/money.js";
import { averagePrice } from "../core/position.js";
import { curveMetrics, tradeStatsOf } from "../core/metrics.js";
import { tradeAnalytics } from "../core/analytics.js";
import { divRound } from "../core/decimal.js";
import { downsampleLttb } from "../core/downsample.js";
import type { Db } from "../db/client.js";
import { followWallets, invocations, models, orders, outbox, toolCalls, venueOrders } from "../db/schema.js";
import { orderView } from "../trading/order-recorder.js";
import { priceProblem } from "../trading/order-input.js";
import type { EventBus } from "../events/bus.js";
import { lastEventId, readEventsAfter, readRecentEvents } from "../db/outbox.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { equityCurves, equityHistory, figuresView, returnPct, windowStart } from "../trading/equity.js";
import { CurveMetricsReadModel, CurveWindows, ExactCurvesReadModel } from "../trading/curve-read-models.js";
import { NO_TRADES, tradeTotalsByModel } from "../trading/trade-totals.js";
import type { TradingService } from "../trading/trading-service.js";
import { resolveLimits } from "../trading/risk/limits.js";
import { parseLlmSettings } from "../agents/llm/settings.js";
import { findVariant } from "../agents/llm/variants.js";
import { failedToolCall, modelRunStats, runStatsByModel } from "../scheduler/run-stats.js";
import type { MarketData } from "../market/market-room.js";
import { NO_PREDICTION_MARKETS, type PredictionApi } from "../prediction/prediction-api.js";
import { followSettingsSchema, type FollowSettings } from "../follow/follow-settings.js";
import { listSignals, summarizeSignals } from "../follow/follow-signals.js";
import { followWalletView, type WalletHealth } from "../follow/wallet-health.js";
import type { Candle, CandleInterval, TradePrint } from "../feeds/feed.js";
import type * as S from "./services.js";
import { MirrorService } from "../copy/mirror-service.js";
import { llmSettings, positionView, tradeView, type ModelRow } from "./views.js";
import { decisionHistory } from "./decision-history.js";
import type { HealthMonitor } from "./health-monitor.js";
import { variantAggregates } from "./leaderboard-variants.js";

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
  /** Every model's curves kept in memory, with the week's metrics shared with the scheduler's prompts (the composition root's); made here when absent. */
  curves?: CurveWindows;
  strategies: () => S.StrategyView[];
  now: () => number;
  /** Takes this minute's equity snapshot of every account: a new model's curve starts when it is created. */
  snapshotEquity?: () => Promise<void>;
  /** Mirrors were created, changed or deleted: the process's mirror engine looks now. */
  mirrorsChanged?: () => void;
  /** Candle history (the composition root's CandleStore); without it candles are empty and markets show no 24h change. */
  candles?: { get(symbol: string, interval: CandleInterval): readonly Candle[] };
  /** The feed's recent trade prints (src/market/recent-trades.ts); without it the tape is empty. */
  recentTrades?: { latest(symbol: string, limit: number): TradePrint[] };
  /** Live trading (the composition root's LiveService); none when absent. */
  live?: LiveApi;
  /** Backtests from the API (the composition root's BacktestJobs); none when absent. */
  backtests?: BacktestApi;
  predictions?: PredictionApi;
  /** Follows the bus's events and says whether the arena is degraded; without it health is always ok. */
  health?: HealthMonitor;
  /** How the follow engine's reads of each wallet go (the process that polls them); without it only the stored last read is known. */
  followWallets?: WalletHealth;
}

/**
 * What each of a model's positions started with, from its recorded events (oldest first): the
 * first stop it had (at its open, else the first exit-plan change that set one; stops only
 * tighten afterwards, so the later ones understate the risk taken) and the confidence stated at
 * the open. Only the few fields needed are read out of each event.
 */
async function positionEntries(db: Db, modelId: string): Promise<Map<string, { stop: string | null; confidence: number | null }>> {
  const rows = await db
    .select({
      type: outbox.type,
      positionId: sql<string | null>`${outbox.payload}->'position'->>'id'`,
      stop: sql<string | null>`${outbox.payload}->'position'->'exitPlan'->>'stop'`,
      confidence: sql<string | null>`${outbox.payload}->'position'->'exitPlan'->>'confidence'`,
    })
    .from(outbox)
    .where(and(eq(outbox.modelId, modelId), inArray(outbox.type, ["PositionOpened", "ExitPlanUpdated"])))
    .orderBy(asc(outbox.id));
  const out = new Map<string, { stop: string | null; confidence: number | null }>();
  for (const r of rows) {
    if (r.positionId === null) continue;
    const known = out.get(r.positionId);
    if (r.type === "PositionOpened") {
      const confidence = r.confidence === null ? null : Number(r.confidence);
      out.set(r.positionId, { stop: known?.stop ?? r.stop, confidence: Number.isFinite(confidence) ? confidence : null });
    } else if (!known) out.set(r.positionId, { stop: r.stop, confidence: null });
    else if (known.stop === null) known.stop = r.stop;
  }
  return out;
}

/**
 * Orders leaderboard rows: the sort key best first (maxDrawdown and fees smallest first, name A
 * to Z), rows without a figure (null) last, ties by name then id.
 */
function compareRows(sort: S.LeaderboardSort): (a: S.LeaderboardRow, b: S.LeaderboardRow) => number {
  const byName = (a: S.LeaderboardRow, b: S.LeaderboardRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (sort === "name") return byName;
  const key = (r: S.LeaderboardRow): number | bigint | null => {
    switch (sort) {
      case "equity":
        return usd(r.equity);
      case "realizedPnl":
        return usd(r.realizedPnl);
      case "fees":
        return usd(r.fees);
      case "pnl":
        return usd(r.pnl);
      default:
        return r[sort];
    }
  };
  const ascending = sort === "maxDrawdown" || sort === "fees";
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === null || kb === null) return ka === kb ? byName(a, b) : ka === null ? 1 : -1;
    if (ka !== kb) return (ka < kb ? -1 : 1) * (ascending ? 1 : -1);
    return byName(a, b);
  };
}

/** The 1-minute candle whose open time is closest to `at` (the earlier on a tie); candles oldest first. */
function candleNearest(list: readonly Candle[], at: number): Candle | undefined {
  if (list.length === 0) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.openTime < at) lo = mid + 1;
    else hi = mid;
  }
  // lo: the first at or after `at` (or the last one); its predecessor may be closer.
  const after = list[lo]!;
  const before = lo > 0 ? list[lo - 1]! : undefined;
  return before && at - before.openTime <= Math.abs(after.openTime - at) ? before : after;
}

const DAY_MS = 86_400_000;

/** Why a failed tool call failed: its error, else each rejected action as "SYMBOL: reason (message)". */
export function toolCallError(metadata: unknown): string {
  const result = (metadata as { result?: { error?: { code?: unknown; message?: unknown }; results?: unknown } } | null)?.result;
  const message = result?.error?.message;
  if (typeof message === "string" && message !== "") return message;
  const rejected = Array.isArray(result?.results) ? (result.results as Array<Record<string, unknown>>).filter((r) => r !== null && typeof r === "object" && r.status === "rejected") : [];
  if (rejected.length > 0) {
    return rejected
      .map((r) => {
        const why = typeof r.reason === "string" ? r.reason : "rejected";
        const text = typeof r.message === "string" && r.message !== "" && r.message !== why ? ` (${r.message})` : "";
        return `${typeof r.symbol === "string" ? r.symbol.toUpperCase() : "?"}: ${why}${text}`;
      })
      .join("; ");
  }
  const code = result?.error?.code;
  return typeof code === "string" ? code : "failed";
}

/** The application behind the HTTP API: queries the database, acts through the trading service. */
export function createAppServices(d: AppServicesDeps): S.AppServices {
  /** The strategies with each LLM variant's original name, which `createModel` accepts as well. */
  const strategyViews = (): S.StrategyView[] =>
    d.strategies().map((s) => {
      const v = s.kind === "llm" ? findVariant(s.name) : undefined;
      return v ? { ...s, aliases: [v.alias] } : s;
    });
  const market = (symbol: string): MarketSpec => {
    const m = findMarket(d.market.markets, symbol);
    if (!m) throw notFound(`unknown market "${symbol}"`);
    return m;
  };
  const mid = (s: string) => d.market.mid(s);
  const curves = d.curves ?? new CurveWindows(d.db);
  const curveFigures = curves.week;
  // The arena's leaderboard and chart over a window: what is new read once per snapshot round, whatever the number of viewers.
  const windowCurves = new ExactCurvesReadModel(curves);
  // Every equity snapshot round emits `account` events, stamped with its minute: the curves read from there.
  d.bus.subscribe((e) => {
    if (e.type !== "account") return;
    const ts = (e.data as { ts?: unknown }).ts;
    if (typeof ts === "string") curves.noteSnapshot(Date.parse(ts));
  });
  const monitor = d.health;
  if (monitor) d.bus.subscribe((e) => e.event && monitor.observe(e.event));

  const marketView = (m: MarketSpec): S.MarketView => {
    const q = d.market.quote(m.symbol);
    const px = (t: number | undefined) => (t === undefined ? null : ticksToPrice(m, t));
    // The mid a day ago: the close of the 1-minute candle nearest to then (the oldest when history is shorter).
    const then = d.candles ? candleNearest(d.candles.get(m.symbol, "1m"), d.now() - DAY_MS) : undefined;
    const change = then && q?.mid !== undefined && then.close > 0 ? Number(divRound((BigInt(q.mid) - BigInt(then.close)) * 10_000n, BigInt(then.close))) / 100 : null;
    return {
      symbol: m.symbol,
      bid: px(q?.bid),
      ask: px(q?.ask),
      mid: px(q?.mid),
      sizeDecimals: m.sizeDecimals,
      priceDecimals: m.priceDecimals,
      minBaseAmount: lotsToQuantity(m, m.minBaseLots),
      updatedAt: q && q.ts > 0 ? new Date(q.ts).toISOString() : null,
      open24h: then ? ticksToPrice(m, then.close) : null,
      change24hPct: change,
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
      tradeTotalsByModel(d.db, only === undefined ? {} : { modelIds: [only] }),
      only === undefined ? runStatsByModel(d.db) : modelRunStats(d.db, only).then((r) => new Map([[only, r]])),
    ]);
    return rows.map((row) => {
      const account = d.service.viewAccount(row.id);
      const metrics = { ...(curves.get(row.id) ?? CurveMetricsReadModel.none), ...tradeStatsOf(trades.get(row.id) ?? NO_TRADES) };
      const llm = llmSettings(row);
      const follow = row.kind === "follow" ? (row.config as { follow?: FollowSettings }).follow : undefined;
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
        venue: row.venue,
        haltReason: row.haltReason,
        ...(follow ? { follow } : {}),
      };
    });
  };
  const modelView = async (row: ModelRow): Promise<S.ModelView> => (await modelViews([row], row.id))[0]!;

  const modelRow = async (id: string): Promise<ModelRow> => {
    const [row] = await d.db.select().from(models).where(eq(models.id, id));
    if (!row) throw notFound(`model ${id} does not exist`);
    return row;
  };

  /** A follow model's row: 404 for an unknown model, 400 for one of another kind. */
  const followRow = async (id: string): Promise<ModelRow> => {
    const row = await modelRow(id);
    if (row.kind !== "follow") throw invalid(`${id} is not a follow model (kind "${row.kind}"): only follow models have signals and wallets`);
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

  const mirrors = new MirrorService({
    db: d.db,
    now: d.now,
    createFollower: async (name, initialCapital, risk) =>
      (await self.createModel({ name, kind: "mirror", ...(initialCapital !== undefined ? { initialCapital } : {}), ...(risk !== undefined ? { risk } : {}) })).id,
    positionsOf: (id) => self.positions(id),
    releaseFollower: (id) => void d.service.unhost(id),
    changed: () => d.mirrorsChanged?.(),
  });

  const self: S.AppServices = {
    mirrors,
    live: d.live ?? NO_LIVE,
    backtests: d.backtests ?? NO_BACKTESTS,
    predictions: d.predictions ?? NO_PREDICTION_MARKETS,
    health: () => {
      const state = monitor
        ? monitor.check({
            now: d.now(),
            scheduler: d.scheduler.status(),
            books: perpetuals(d.market.markets).map((m) => ({ symbol: m.symbol, ts: d.market.quote(m.symbol)?.ts ?? 0 })),
            follow: d.followWallets?.snapshot() ?? [],
          })
        : { status: "ok" as const, reasons: [] };
      return { ...state, mode: d.mode, feed: { ...d.feed.describe(), kind: d.feed.kind }, db: { kind: d.dbKind }, version: d.version };
    },
    // Outcome tokens are listed with their prediction markets (/api/prediction-markets), not here.
    markets: () => perpetuals(d.market.markets).map(marketView),
    book: (symbol, depth) => {
      const m = market(symbol);
      const b = d.market.snapshot(m.symbol, depth);
      const lv = (l: readonly [number, number]): [string, string] => [ticksToPrice(m, l[0]), lotsToQuantity(m, l[1])];
      return { symbol: m.symbol, bids: (b?.bids ?? []).map(lv), asks: (b?.asks ?? []).map(lv), ts: b && b.ts > 0 ? new Date(b.ts).toISOString() : null };
    },

    listModels: async () => modelViews(await d.db.select().from(models).orderBy(models.createdAt)),
    getModel: async (id) => modelView(await modelRow(id)),
    createModel: async (asked) => {
      // A variant named by its original alias ("Apex", any case) is stored under its descriptive name.
      const variant = asked.kind === "llm" && asked.strategy !== undefined ? findVariant(asked.strategy) : undefined;
      const input = variant ? { ...asked, strategy: variant.name } : asked;
      if (input.kind === "mirror") {
        if (input.llm) throw invalid("llm: only an llm model takes llm settings");
        if (input.strategy !== undefined && input.strategy !== "mirror")
          throw invalid(`strategy: a follower (kind "mirror") has no strategy of its own; its orders come from its mirror (POST /api/mirrors)`);
      }
      let follow: FollowSettings | undefined;
      if (input.kind === "follow") {
        if (input.llm) throw invalid("llm: only an llm model takes llm settings");
        if (input.strategy !== undefined && input.strategy !== "follow") throw invalid('strategy: a follow model (kind "follow") has no strategy: it copies the wallets it follows');
        if (input.venue !== undefined && input.venue.kind !== "sim") throw invalid("venue: a follow model trades on paper; live Polymarket trading is a mirror of it (POST /api/mirrors)");
        const parsed = followSettingsSchema.safeParse({
          wallets: input.wallets,
          sizing: input.sizing,
          ...(input.filters !== undefined ? { filters: input.filters } : {}),
          ...(input.maxSignalAgeMs !== undefined ? { maxSignalAgeMs: input.maxSignalAgeMs } : {}),
          ...(input.maxSlippage !== undefined ? { maxSlippage: input.maxSlippage } : {}),
        });
        if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
        follow = parsed.data;
      }
      const known = input.kind === "mirror" || input.kind === "follow" ? { kind: input.kind } : d.strategies().find((s) => s.name === input.strategy);
      if (!known || known.kind !== input.kind) {
        const names = strategyViews()
          .filter((s) => s.kind === input.kind)
          .map((s) => (s.aliases?.length ? `${s.name} (${s.aliases.join(", ")})` : s.name));
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
      const venue = input.venue ?? { kind: "sim" as const };
      let initialCapital = input.initialCapital ?? "10000";
      if (venue.kind === "polymarket" && input.kind !== "mirror")
        throw invalid('venue: a Polymarket account trades outcome tokens as a follower (kind "mirror") of a follow model; create the follower, then POST /api/mirrors');
      if (venue.kind === "polymarket") {
        if (input.initialCapital !== undefined) throw invalid("initialCapital: a Polymarket account's capital is its wallet's pUSD; leave it out");
        initialCapital = (await (d.live ?? NO_LIVE).prepare(venue)).initialCapital;
      }
      if (venue.kind === "lighter") {
        if (input.initialCapital !== undefined) throw invalid("initialCapital: a Lighter model's capital is its account's collateral on the exchange; leave it out");
        // Live on, key present and registered for that account, account free: checked before anything is written.
        initialCapital = (await (d.live ?? NO_LIVE).prepare(venue)).initialCapital;
      }
      const id = randomUUID();
      await d.service.createAccount({
        id,
        name: input.name,
        kind: input.kind,
        strategy: input.kind === "mirror" || input.kind === "follow" ? input.kind : input.strategy!,
        initialCapital,
        venue,
        config: { ...(input.llm ? { llm: input.llm } : {}), ...(input.risk !== undefined ? { risk: input.risk } : {}), ...(follow ? { follow } : {}) },
      });
      d.service.risk.setLimits(id, input.risk);
      if (venue.kind !== "sim") await (d.live ?? NO_LIVE).registered(id, venue);
      await d.snapshotEquity?.();
      return modelView(await modelRow(id));
    },
    signals: async (id, query) => listSignals(d.db, (await followRow(id)).id, query),
    signalSummary: async (id) => summarizeSignals(d.db, (await followRow(id)).id),
    followWallets: async (id) => {
      const row = await followRow(id);
      const wallets = (row.config as { follow?: FollowSettings }).follow?.wallets ?? [];
      const stored = new Map((await d.db.select().from(followWallets).where(eq(followWallets.modelId, id))).map((w) => [w.wallet, w]));
      return wallets.map((w) => followWalletView(w, stored.get(w), d.followWallets?.of(id, w)));
    },
    setModelStatus: async (id, status) => {
      const row = await modelRow(id);
      if (row.status === "halted" && status !== "halted") {
        throw conflict("model_halted", `${id} is halted (${row.haltReason ?? "its exchange state differs"}): check the exchange, then POST /api/models/${id}/reconcile to adopt its state`);
      }
      await d.db
        .update(models)
        .set({ status, updatedAt: new Date(d.now()) })
        .where(eq(models.id, id));
      // A paused model is not expected to run: its failed runs no longer make the arena degraded.
      if (status !== "active") monitor?.forgetModel(id);
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
    strategies: () => strategyViews(),

    leaderboard: async ({ window, sort = "returnPct", variant }) => {
      const now = d.now();
      const since = windowStart(window, now);
      // Three queries whatever the number of models: the models, the window's trade totals of
      // every model, and every model's curve inside the window (shared with the equity chart and
      // kept until the next snapshot round, with the figures computed from it).
      const [rows, totals, curves] = await Promise.all([
        d.db
          .select()
          .from(models)
          .where(variant === undefined ? undefined : eq(models.strategy, variant)),
        tradeTotalsByModel(d.db, { since }),
        windowCurves.derive(window, now, "leaderboard", (all) => new Map([...all].map(([id, curve]) => [id, { first: curve.exact[0]?.equity, figures: curveMetrics(curve.numeric) }]))),
      ]);
      const board = rows.map((row): S.LeaderboardRow => {
        const account = d.service.viewAccount(row.id);
        const equity = d.service.figures(account).equity;
        const curve = curves.get(row.id);
        // Against the equity at the window's start: the first snapshot inside the window when the
        // model already existed then, else (younger model, "all", no snapshot) its initial capital.
        const existedBefore = window !== "all" && row.createdAt.getTime() < since.getTime();
        const start = existedBefore && curve?.first !== undefined ? usd(curve.first) : usd(row.initialCapital);
        const t = totals.get(row.id);
        const stats = tradeStatsOf(t ?? NO_TRADES);
        const figures = curve?.figures ?? CurveMetricsReadModel.none;
        return {
          rank: 0,
          id: row.id,
          name: row.name,
          kind: row.kind,
          strategy: row.strategy,
          status: row.status,
          equity: formatUsd(equity),
          startEquity: formatUsd(start),
          pnl: formatUsd(equity - start),
          returnPct: returnPct(equity, start),
          // Before fees, as the account shows it (cash = capital + realized P&L − fees); trades
          // carry their P&L net of their fees, so the fees are added back.
          realizedPnl: formatUsd((t?.total ?? 0n) + (t?.fees ?? 0n)),
          fees: formatUsd(t?.fees ?? 0n),
          sharpe: figures.sharpe,
          maxDrawdown: figures.maxDrawdown,
          winRate: stats.winRate,
          trades: stats.trades,
          wins: t?.wins ?? 0,
          openPositions: account.positions.size,
        };
      });
      board.sort(compareRows(sort));
      board.forEach((r, i) => (r.rank = i + 1));
      return board;
    },
    leaderboardVariants: async (window) => variantAggregates(await self.leaderboard({ window })),
    equityCurves: async (window, points) => {
      const [rows, curves] = await Promise.all([
        d.db.select().from(models).orderBy(models.createdAt, models.id),
        // Downsampled once per snapshot round for each size asked, whatever the number of viewers.
        windowCurves.derive(
          window,
          d.now(),
          `points:${points}`,
          (all) =>
            new Map(
              [...all].map(([id, curve]) => [
                id,
                downsampleLttb(
                  curve.exact,
                  points,
                  (p) => p.ts,
                  (p) => Number(p.equity),
                ).map((p) => ({ ts: new Date(p.ts).toISOString(), equity: formatUsd(usd(p.equity)) })),
              ]),
            ),
        ),
      ]);
      return rows.map((row) => ({
        modelId: row.id,
        name: row.name,
        strategy: row.strategy,
        initialCapital: formatUsd(usd(row.initialCapital)),
        points: curves.get(row.id) ?? [],
      }));
    },
    analytics: async (id) => {
      await modelRow(id);
      const closedAt = sql<Date>`coalesce(${orders.closedAt}, ${orders.updatedAt})`.mapWith(orders.closedAt);
      const [trades, curves, entries] = await Promise.all([
        d.db
          .select({
            id: orders.id,
            parentId: orders.parentId,
            side: orders.side,
            quantity: orders.quantity,
            entryPrice: orders.entryPrice,
            entryCost: orders.entryCost,
            realizedPnl: orders.realizedPnl,
            openedAt: orders.openedAt,
            closedAt,
          })
          .from(orders)
          .where(and(eq(orders.modelId, id), eq(orders.status, "CLOSED")))
          .orderBy(asc(closedAt), asc(orders.id)),
        equityCurves(d.db, new Date(0), id),
        positionEntries(d.db, id),
      ]);
      const figures = tradeAnalytics(
        trades.map((t) => {
          // A reduction's slice is its own row; its stop and confidence are the position's (the parent's).
          const entry = entries.get(t.parentId ?? t.id);
          return {
            realizedPnl: usd(t.realizedPnl ?? "0"),
            openedAt: t.openedAt.getTime(),
            closedAt: t.closedAt.getTime(),
            side: t.side,
            entryNotional: usd(t.entryCost),
            entryPrice: t.entryPrice,
            quantity: t.quantity,
            initialStop: entry?.stop ?? null,
            confidence: entry?.confidence ?? null,
          };
        }),
        curves.get(id) ?? [],
      );
      return { modelId: id, ...figures };
    },
    candles: (symbol, interval, limit) => {
      const m = market(symbol);
      const list = d.candles?.get(m.symbol, interval) ?? [];
      return list.slice(-limit).map((c) => ({
        openTime: new Date(c.openTime).toISOString(),
        open: ticksToPrice(m, c.open),
        high: ticksToPrice(m, c.high),
        low: ticksToPrice(m, c.low),
        close: ticksToPrice(m, c.close),
        volume: lotsToQuantity(m, c.volume),
      }));
    },
    marketTrades: (symbol, limit) => {
      const m = market(symbol);
      return (d.recentTrades?.latest(m.symbol, limit) ?? []).map((t) => ({ ts: new Date(t.ts).toISOString(), price: ticksToPrice(m, t.priceTicks), size: lotsToQuantity(m, t.sizeLots) }));
    },
    failures: async (modelId, limit) => {
      if (modelId !== undefined) await modelRow(modelId);
      const [runRows, callRows] = await Promise.all([
        d.db
          .select()
          .from(invocations)
          .where(and(inArray(invocations.status, ["error", "timeout"]), modelId === undefined ? undefined : eq(invocations.modelId, modelId)))
          .orderBy(desc(invocations.createdAt), desc(invocations.id))
          .limit(limit),
        d.db
          .select()
          .from(toolCalls)
          .where(and(failedToolCall, modelId === undefined ? undefined : eq(toolCalls.modelId, modelId)))
          .orderBy(desc(toolCalls.createdAt), desc(toolCalls.id))
          .limit(limit),
      ]);
      return {
        runs: await invocationViews(runRows),
        toolCalls: callRows.map((c) => ({
          invocationId: c.invocationId ?? "",
          modelId: c.modelId,
          type: c.type,
          metadata: c.metadata,
          error: toolCallError(c.metadata),
          createdAt: c.createdAt.toISOString(),
        })),
      };
    },

    positions: async (modelId) => {
      if (modelId !== undefined) await modelRow(modelId);
      const out: S.PositionView[] = [];
      for (const a of d.service.viewAccounts()) {
        if (modelId !== undefined && a.modelId !== modelId) continue;
        for (const p of a.positions.values()) {
          const m = market(p.state.symbol);
          out.push(positionView(m, p, mid(m.symbol), a.positionFunding.get(p.id) ?? 0n));
        }
      }
      return out.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    },
    trades: async (modelId, limit, offset = 0) => {
      if (modelId !== undefined) await modelRow(modelId);
      const where = modelId ? and(eq(orders.status, "CLOSED"), eq(orders.modelId, modelId)) : eq(orders.status, "CLOSED");
      const rows = await d.db.select().from(orders).where(where).orderBy(desc(orders.closedAt), desc(orders.id)).limit(limit).offset(offset);
      return rows.map((r) => tradeView(r, d.market.market(r.symbol)));
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

    invocations: async (modelId, limit, offset = 0) => {
      if (modelId !== undefined) await modelRow(modelId);
      // The id breaks ties of a cycle's runs (one timestamp): pages neither overlap nor skip.
      const rows = await d.db
        .select()
        .from(invocations)
        .where(modelId ? eq(invocations.modelId, modelId) : undefined)
        .orderBy(desc(invocations.createdAt), desc(invocations.id))
        .limit(limit)
        .offset(offset);
      return invocationViews(rows);
    },
    decisionHistory: async (modelId, limit, offset = 0) => {
      if (modelId !== undefined) await modelRow(modelId);
      return decisionHistory(d.db, modelId, limit, offset, invocationViews);
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

    recentEvents: async (limit) => (await readRecentEvents(d.db, limit)).map((e) => ({ id: e.id!, type: e.type, data: e.data, at: e.at.toISOString() })),
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
  return self;
}

/** The perpetual markets of a list (outcome tokens of prediction markets left out: they come and go, and close). */
function perpetuals(markets: readonly MarketSpec[]): MarketSpec[] {
  return markets.filter((m) => !isOutcome(m));
}
