import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { and, eq, notInArray, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../core/clock.js";
import { DEFAULT_MARKETS, type MarketSpec } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import { unrealizedPnl } from "../core/position.js";
import type { Logger } from "../core/logger.js";
import { openDatabase, type Database } from "../db/client.js";
import { migratedTemplate } from "../db/template.js";
import { models, type VenueRef } from "../db/schema.js";
import { UnitOfWork } from "../db/unit-of-work.js";
import { OutboxTail } from "../db/outbox-tail.js";
import { MirrorEngine, type MirrorEngineDeps } from "../copy/mirror-engine.js";
import { liveFollowerIds } from "../copy/mirror-store.js";
import type { ModelAccount } from "../trading/account.js";
import type { VenueOrderRow } from "../trading/order-recorder.js";
import { EventBus } from "../events/bus.js";
import { computeIntelligence, IntelligenceCache } from "../agents/intelligence.js";
import type { PortfolioView } from "../agents/strategy.js";
import { RULE_STRATEGIES } from "../agents/rules/index.js";
import { LLM_VARIANTS } from "../agents/llm/variants.js";
import { createDeciders, type DeciderOptions } from "../scheduler/llm-decider.js";
import { LlmCallTable } from "../agents/llm/recording-table.js";
import { LlmCallRetention } from "../agents/llm/recording-retention.js";
import { recordLlmCalls } from "./llm-recording.js";
import { DecisionExtras } from "../scheduler/decision-extras.js";
import { CandleStore } from "../market/candle-store.js";
import { DerivativesStore } from "../market/derivatives-store.js";
import { MarketRoom } from "../market/market-room.js";
import { RecentTrades } from "../market/recent-trades.js";
import { marketTicks } from "../market/market-ticks.js";
import { EquityRecorder } from "../trading/equity.js";
import { CurveWindows } from "../trading/curve-read-models.js";
import type { EntryOrderPolicy } from "../scheduler/entry-orders.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { backfillCandles, createSyntheticFeed, defaultStartMid, type SyntheticFeed } from "../feeds/synthetic/index.js";
import { createReplayFeed, REPLAY_MARKETS, type ReplayFeed } from "../feeds/replay/index.js";
import type { AppServices } from "./services.js";
import { ExitEngine } from "../trading/exit-engine.js";
import { FundingSettler } from "../trading/funding-settler.js";
import { restoreAccounts } from "../trading/restore.js";
import { TradingService } from "../trading/trading-service.js";
import { SimVenue } from "../venues/sim/sim-venue.js";
import type { SimOptions } from "../venues/sim/options.js";
import type { Candle, MarketFeed } from "../feeds/feed.js";
import { LighterVenue } from "../venues/lighter/lighter-venue.js";
import { LighterFeed } from "../feeds/lighter/lighter-feed.js";
import { connectLighter } from "../live/lighter-connection.js";
import { LiveAccounts } from "../live/live-accounts.js";
import { LighterLink } from "../live/lighter-link.js";
import { PolymarketLink } from "../live/polymarket-link.js";
import { polymarketUnavailable } from "../live/polymarket-connection.js";
import { DbSignedOrderStore } from "../venues/polymarket/db-signed-order-store.js";
import { LiveService } from "../live/live-service.js";
import { KillSwitch } from "../live/kill-switch.js";
import { Reconciler } from "../live/reconciler.js";
import { entryGate } from "../live/entry-gate.js";
import { createAppServices } from "./app-services.js";
import { DEFAULT_HEALTH_THRESHOLDS, HealthMonitor } from "./health-monitor.js";
import { BacktestJobs, backtestsDir } from "../backtest/backtest-jobs.js";
import { ConfigError, type Config } from "./config.js";
import { loadMarketState, saveMarketState } from "./market-state.js";
import { placeOrderFromRow } from "./resting.js";
import { positionView } from "./views.js";
import { PredictionCatalog } from "../prediction/prediction-catalog.js";
import { createPredictionApi } from "../prediction/prediction-api.js";
import { FollowEngine } from "../follow/follow-engine.js";
import { dataApiWalletSource } from "../follow/wallet-source.js";
import { syntheticWalletSource } from "../follow/synthetic-wallet-source.js";
import type { SyntheticPredictionFeed } from "../feeds/prediction/synthetic-prediction-feed.js";
import { PolymarketDataApi } from "../venues/polymarket/data-api.js";
import { catalogSink } from "../prediction/catalog-sink.js";
import { createPredictionFeed } from "../feeds/prediction/create-prediction-feed.js";
import type { PredictionFeed } from "../feeds/prediction/prediction-feed.js";

export const VERSION: string = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** The models a fresh database starts with: one of each built-in rule strategy. */
const DEFAULT_MODELS = [
  { name: "Trend Follower", strategy: "trend-following" },
  { name: "Mean Reverter", strategy: "mean-reversion" },
  { name: "Breakout Hunter", strategy: "breakout" },
];

export interface Autonome {
  config: Config;
  database: Database;
  services: AppServices;
  /** Books, quotes and candles per symbol, fed by the feed. */
  market: MarketRoom;
  venue: SimVenue;
  service: TradingService;
  scheduler: Scheduler;
  /** Equity history: a snapshot of every account each minute of domain time. */
  equity: EquityRecorder;
  /** Candle history per symbol and interval, in memory and in the candles table. */
  candles: CandleStore;
  feed: SyntheticFeed | ReplayFeed | LighterFeed | MarketFeed;
  /** Funding rate and open interest per market, as the feed last reported them (empty when it reports none). */
  derivatives: DerivativesStore;
  /** Prediction markets and their outcome tokens (markets of the room too). */
  prediction: PredictionCatalog;
  /** Where prediction markets come from (AUTONOME_PM_FEED); null when off or in a backtest. */
  predictionFeed: PredictionFeed | null;
  /** Follow models (FT: paper strategies copying Polymarket wallets); null in a worker or a backtest. */
  follow: FollowEngine | null;
  /** Live trading: which accounts trade on Lighter, the kill switch, the reconciler. */
  live: { accounts: LiveAccounts; venue: LighterVenue | null; killSwitch: KillSwitch; reconciler: Reconciler };
  /** Copy trading in this process (null with AUTONOME_MIRRORS=off). */
  mirrors: MirrorEngine | null;
  /** This process as it signs its leases and outbox rows. */
  hostId: string;
  start(): Promise<void>;
  /**
   * Resolves once nothing is in flight: no scheduler cycle, no close, no unit of work, no venue
   * update or periodic job being recorded, no candle being written. A backtest moves its clock
   * only then, so every run of it sees the same sequence of states.
   */
  settle(): Promise<void>;
  /** True while something settle() waits for is in flight (cheap: a backtest asks after every update). */
  readonly busy: boolean;
  /**
   * True when everything still in flight is a model run or a close asleep on the clock (an order
   * waiting out its simulated latency) and nothing else moves: only moving the clock lets it go on.
   */
  blockedOn(clock: { waiting: number }): boolean;
  stop(): Promise<void>;
}

/**
 * The composition root: one kernel wired from configuration. Everything in memory is derived
 * from the database here, before the feed starts, so stops keep firing after a restart.
 */
export interface AutonomeOptions {
  /**
   * `server` (default): everything. `worker` (`autonome worker`): only copy trading, against the
   * server's PostgreSQL: it trades the followers of the mirrors it holds and nothing else.
   */
  role?: "server" | "worker";
  /** Fault injection for the crash tests (see MirrorEngineDeps.faults). */
  faults?: MirrorEngineDeps["faults"];
  /**
   * A feed driven from outside instead of the configured one (a backtest's: it delivers updates
   * when the backtest steps its clock); its markets are the kernel's markets.
   */
  feed?: MarketFeed;
  /** Candle history before the first update, per market (a backtest on the synthetic process warms its indicators with it). */
  candleBackfill?: (market: MarketSpec) => Candle[] | null;
  /** Simulator settings over the defaults (fees, slippage, latency): what a what-if run changes. */
  sim?: Partial<Omit<SimOptions, "markets" | "clock">>;
  /** How models decide (LLM recording and replay, a model to run instead of the settings' server). */
  deciders?: DeciderOptions;
  /** The order type of models' entries (default market orders): what a what-if run may change. */
  entryOrders?: EntryOrderPolicy;
  /**
   * The kernel alone on its own database (a backtest): no built-in models on a fresh database,
   * no copy trading, no outbox tail, no saved market state, no equity roll-ups, no live trading.
   * The trading itself (scheduler, models, simulator, exit plans, trading service, ledger) is the same.
   */
  isolated?: boolean;
}

export async function createAutonome(config: Config, logger: Logger, wall: Clock = systemClock, options: AutonomeOptions = {}): Promise<Autonome> {
  const role = options.role ?? "server";
  const isolated = options.isolated === true;
  if (isolated && config.mode === "live") throw new ConfigError("TRADING_MODE=live: an isolated kernel (a backtest) only simulates");
  if (role === "worker" && !config.databaseUrl) {
    throw new ConfigError("DATABASE_URL: autonome worker shares the server's PostgreSQL; with the embedded database (no DATABASE_URL) the server runs the mirrors itself");
  }
  if (role === "worker" && !config.mirrors) throw new ConfigError("AUTONOME_MIRRORS=off: a worker only runs mirrors; unset it for the worker");
  const hostId = `${role}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // A database in memory (a backtest's, a test's) is new every time: it starts already migrated.
  const fresh = !config.databaseUrl && config.dataDir.startsWith("memory://");
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, ...(fresh ? { loadDataDir: await migratedTemplate() } : {}) });
  await database.migrate();
  const { db } = database;
  const bus = new EventBus((e) => logger.error({ err: e }, "event listener failed"));
  // NOTIFY (and the lock ordering outbox ids across processes) only where other processes read: never in an isolated kernel's own database.
  const uow = new UnitOfWork(db, bus, database.kind === "postgres" && !isolated, hostId);

  // Lighter's markets come from Lighter itself (orderBookDetails), read before anything else.
  const lighter = config.feed === "lighter" && !options.feed ? await connectLighter(config.lighter, logger) : null;
  const markets: readonly MarketSpec[] = options.feed
    ? options.feed.markets
    : lighter
      ? lighter.markets
      : config.feed === "replay"
        ? REPLAY_MARKETS.filter((m) => config.replayFiles.some((f) => f.symbol === m.symbol))
        : DEFAULT_MARKETS;
  const saved = await loadMarketState(db, markets);
  // The configured feed, unless one driven from outside (a backtest's) was handed in.
  const own: SyntheticFeed | ReplayFeed | LighterFeed | null = options.feed
    ? null
    : lighter
      ? new LighterFeed({ markets, socket: lighter.socket, staleMs: config.lighter.staleMs, logger })
      : config.feed === "replay"
        ? createReplayFeed({ files: config.replayFiles, speed: config.replaySpeed, loop: true })
        : createSyntheticFeed({ markets, seed: config.seed, clock: wall, intervalMs: config.feedIntervalMs, startMids: saved.mids, states: saved.states, logger });
  const feed: MarketFeed = options.feed ?? own!;
  // One clock for the domain: wall time on a live or synthetic market, recorded time on a replay,
  // so the scheduler, cooldowns, time exits and the exit engine never disagree.
  const clock: Clock = own?.kind === "replay" ? own.clock : wall;
  // The market-data room: the feed feeds it, everyone reads it. Its listeners run in the order
  // they are added: the simulator (added by its constructor), then the exit engine, candles and
  // the dashboard's market ticks (added below, once they exist).
  const room = new MarketRoom({
    markets,
    onListenerError: (err, listener, symbol) => logger.error({ err, listener, symbol }, "market listener failed"),
  });
  const venue = new SimVenue({ seed: config.seed, ...options.sim, markets, clock }, room);
  // Prediction markets (Polymarket's outcome tokens) join the room as their feed finds them; those
  // stored are back before any account is restored, since positions in their tokens need them.
  const prediction = new PredictionCatalog({ db, room, now: () => clock.now(), logger, uow });
  if (!isolated) await prediction.load();
  // What the feed knows of funding and open interest: the prompts read it, the simulator pays by it.
  const derivatives = new DerivativesStore(markets);

  // Live trading: a model whose venue is Lighter trades there (TRADING_MODE=live with the
  // Lighter feed), and nowhere else: without live mode its orders are refused, never simulated.
  const lighterVenue =
    lighter && config.mode === "live"
      ? new LighterVenue({ rest: lighter.rest, socket: lighter.socket, catalog: lighter.catalog, clock, book: (s, d) => room.snapshot(s, d), marketBoundBps: config.lighter.marketBoundBps, logger })
      : null;
  // Polymarket's Data API (or its fake): followed wallets' trades, and a live wallet's average prices.
  const dataApi = new PolymarketDataApi({ baseUrl: config.polymarket.dataApiUrl });
  // Live on Polymarket: TRADING_MODE=live, the CLOB's own books, and a location it accepts orders from.
  const pmUnavailable = isolated ? "an isolated kernel (a backtest) only simulates" : await polymarketUnavailable(config, logger);
  // Loaded only when used: the CLOB client and viem add half a second to every process's start.
  const polymarketVenue =
    pmUnavailable === null
      ? new (await import("../venues/polymarket/clob-venue.js")).PolymarketClobVenue({
          host: config.polymarket.clobUrl,
          wsUrl: config.polymarket.clobWsUrl,
          chainId: config.polymarket.chainId,
          markets: () => prediction.liveSpecs(),
          book: (s, d) => room.snapshot(s, d),
          // The CLOB knows balances, not cost: adopting a wallet's positions takes their average price from the Data API.
          averagePrices: async (wallet) => {
            const rows = await dataApi.positionsV1({ user: wallet, limit: 500 });
            return new Map(rows.map((r) => [r.tokenId, r.avgPrice]));
          },
          clock,
          logger,
        })
      : null;
  const liveAccounts = new LiveAccounts({
    links: [
      new LighterLink({
        lighter: lighterVenue && lighter ? { venue: lighterVenue, rest: lighter.rest, chainId: config.lighter.chainId } : null,
        unavailable:
          config.mode !== "live"
            ? "live trading is off (TRADING_MODE=simulation): a Lighter model trades only with TRADING_MODE=live and AUTONOME_FEED=lighter"
            : "live trading on Lighter needs its books: set AUTONOME_FEED=lighter (TRADING_MODE=live is set)",
        env: process.env,
      }),
      new PolymarketLink({ venue: polymarketVenue, unavailable: pmUnavailable ?? "", env: process.env, store: new DbSignedOrderStore(db), logger }),
    ],
    logger,
  });
  for (const row of await db.select({ id: models.id, venue: models.venue }).from(models)) {
    const ref = row.venue as VenueRef;
    if (ref.kind !== "sim") await liveAccounts.register(row.id, ref);
  }
  const isLive = (id: string) => liveAccounts.venueFor(id) !== undefined;
  const halted = new Map<string, string>();
  for (const row of await db.select({ id: models.id, reason: models.haltReason }).from(models).where(eq(models.status, "halted"))) halted.set(row.id, row.reason ?? "halted");

  // A worker trades only the followers of the mirrors it takes (MirrorEngine hosts them); the
  // server trades every other account. A follower with a live mirror is traded by whichever
  // process holds that mirror, so here it starts out only observed.
  const restored = role === "server" ? await restoreAccounts(db, room.markets) : await restoreAccounts(db, room.markets, []);
  const followers = await liveFollowerIds(db);
  const observedAtStart: ModelAccount[] = [];
  for (const a of [...restored.accounts.values()]) {
    if (!followers.has(a.modelId)) continue;
    observedAtStart.push(a);
    restored.accounts.delete(a.modelId);
  }
  for (const a of restored.accounts.values())
    if (!isLive(a.modelId))
      venue.restoreAccount(
        a.modelId,
        a.cash,
        [...a.positions.values()].map((p) => p.state),
      );

  let gate: ReturnType<typeof entryGate> = () => null;
  const service = new TradingService({
    uow,
    venue,
    live: liveAccounts,
    entryGate: (id, symbol) => gate(id, symbol),
    clock: clock,
    accounts: restored.accounts,
    quote: (symbol) => room.quote(symbol),
    paper: venue,
    logger,
  });
  const killSwitch = new KillSwitch({ db, uow, service, live: liveAccounts, now: () => clock.now(), logger });
  await killSwitch.load();
  const reconciler = new Reconciler({ db, uow, service, live: liveAccounts, markets: () => room.markets, now: () => clock.now(), logger });
  gate = entryGate({
    halted,
    live: liveAccounts,
    killSwitch,
    marketRefusal: (symbol) => lighter?.catalog.entryRefusal(symbol) ?? null,
    stale: (symbol) => own instanceof LighterFeed && own.isStale(symbol),
    staleMs: config.lighter.staleMs,
  });
  bus.subscribe(({ event: e }) => {
    if (e?.type !== "ModelStatusChanged") return;
    if (e.status === "halted") halted.set(e.modelId, e.reason ?? "halted");
    else halted.delete(e.modelId);
  });
  for (const a of observedAtStart) service.observe(a);
  const restoreResting = (rows: readonly VenueOrderRow[]) => {
    for (const o of rows) {
      const m = room.market(o.symbol);
      if (!m || !service.accounts.has(o.modelId)) continue;
      // A live order rests on its exchange: the venue only needs to follow it again.
      if (isLive(o.modelId)) {
        liveAccounts.track(o.modelId, o.clientOrderId, o.symbol);
        continue;
      }
      const placed = placeOrderFromRow(m, o);
      venue.restoreRestingOrder(placed.req, placed.filledLots, o.venueOrderId ?? undefined);
    }
  };
  restoreResting(restored.restingOrders);
  // Orders written but never acknowledged (the last process died in between) are settled from
  // the venue's own answer, through the unit of work and with an event: the simulator, rebuilt
  // from the database, answers that they never happened.
  for (const o of restored.unacknowledged.filter((x) => service.accounts.has(x.modelId))) {
    const outcome = await service.reconcileOrder(o);
    logger.info({ clientOrderId: o.clientOrderId, outcome }, "reconciled an unacknowledged order");
  }
  // Work started by a callback rather than awaited by anyone: settle() waits for it.
  const loose = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    const p = work.finally(() => loose.delete(p));
    loose.add(p);
  };
  venue.onOrderUpdate((r) => track(service.onVenueUpdate(r).catch((e: unknown) => logger.error({ err: e }, "could not record a venue update"))));
  lighterVenue?.onOrderUpdate((r) => void service.onVenueUpdate(r).catch((e: unknown) => logger.error({ err: e }, "could not record a Lighter order update")));
  // A trade that FAILED on chain after its fill was recorded: the books no longer match the
  // wallet. The account halts until a person adopts the exchange's state (POST /api/models/:id/reconcile).
  polymarketVenue?.onFillReversed(
    (fill, tradeId) =>
      void reconciler
        .halt(fill.accountId, `Polymarket trade ${tradeId} (${fill.side} ${fill.lots} lots of ${fill.symbol}) failed on chain after its fill was recorded; adopt the exchange's state`)
        .catch((e: unknown) => logger.error({ err: e, tradeId }, "could not halt an account after a reversed Polymarket fill")),
  );
  polymarketVenue?.onOrderUpdate((r) => void service.onVenueUpdate(r).catch((e: unknown) => logger.error({ err: e }, "could not record a Polymarket order update")));
  lighterVenue?.onFunding((p) => void service.recordFunding(p).catch((e: unknown) => logger.error({ err: e, paymentId: p.paymentId }, "could not record a Lighter funding payment")));
  const exits = new ExitEngine({ service, uow, markets: room.markets, now: () => clock.now(), logger });
  room.onMarket("exits", (m) => exits.addMarket(m));
  prediction.connect({ resolveOutcome: (symbol, payout) => venue.resolveOutcome(symbol, payout), redeemResolved: (symbol, payout) => service.redeemResolved(symbol, payout) });
  // Markets that resolved while positions in them were left unredeemed (the last process stopped in between) redeem now.
  if (role === "server" && !isolated) await prediction.settleResolved();
  // Paper positions pay or receive funding at each funding time the feed announces (live ones are paid by their venue).
  const funding = new FundingSettler({ markets, derivatives, mark: (s) => room.mid(s), service, now: () => clock.now(), logger });

  for (const row of await db.select({ id: models.id, config: models.config }).from(models)) {
    try {
      service.risk.setLimits(row.id, (row.config as { risk?: unknown }).risk);
    } catch (error) {
      logger.error({ modelId: row.id, err: error }, "stored risk limits are invalid; the model keeps the defaults");
    }
  }
  // A fresh database in live mode creates nothing by itself: every live model is a person's decision.
  if (role === "server" && !isolated && config.mode !== "live" && (await db.select({ id: models.id }).from(models).limit(1)).length === 0) {
    for (const m of DEFAULT_MODELS) await service.createAccount({ id: randomUUID(), name: m.name, kind: "rule", strategy: m.strategy, initialCapital: "10000" });
    logger.info({ models: DEFAULT_MODELS.map((m) => m.name) }, "fresh database: created the built-in rule models");
  }

  const candles = new CandleStore(db, markets, logger);
  if (role === "server")
    await candles.load(clock.now(), (m) =>
      options.candleBackfill
        ? options.candleBackfill(m)
        : own?.kind === "synthetic"
          ? backfillCandles({ market: m, seed: config.seed, endMid: own.mid(m.symbol) ?? defaultStartMid(m), endTime: clock.now() })
          : null,
    );

  const intelligenceCache = new IntelligenceCache();
  const portfolio = (modelId: string): PortfolioView => {
    const a = service.account(modelId);
    const f = service.figures(a);
    return {
      cash: formatUsd(f.cash),
      equity: formatUsd(f.equity),
      available: formatUsd(f.available),
      positions: [...a.positions.values()].map((p) => {
        const m = room.market(p.state.symbol)!;
        const mark = room.mid(m.symbol);
        const v = positionView(m, p, mark);
        return {
          symbol: v.symbol,
          side: v.side,
          quantity: v.quantity,
          entryPrice: v.entryPrice,
          markPrice: v.markPrice ?? v.entryPrice,
          unrealizedPnl: mark === undefined ? "0" : formatUsd(unrealizedPnl(m, p.state, mark)),
          exitPlan: v.exitPlan,
        };
      }),
    };
  };
  // Every model's week of equity curve in memory, updated from what was written since the last read: the prompts and the API share it.
  const curves = new CurveWindows(db);
  const extras = new DecisionExtras({ db, service, now: () => clock.now(), curveFigures: curves.week, bus });
  const scheduler = new Scheduler({
    intervalMs: config.tradeIntervalMs,
    runOnStart: config.runOnStart,
    ...(options.entryOrders ? { entryOrders: options.entryOrders } : {}),
    // The first cycle waits for a book of every market (a replay's or Lighter's first updates; the synthetic feed's come at once).
    ready: () => booksReady(room, markets),
    uow,
    service,
    clock,
    logger,
    activeModels: async () =>
      // A follower decides nothing (its orders come only from its mirror), nor does a follow model (its come from its wallets).
      (
        await db
          .select()
          .from(models)
          .where(and(eq(models.status, "active"), notInArray(models.kind, ["mirror", "follow"])))
      ).map((r) => ({
        id: r.id,
        name: r.name,
        strategy: r.strategy,
        kind: r.kind as "rule" | "llm",
        llm: (r.config as { llm?: unknown }).llm,
      })),
    // Rule models by strategy name, LLM models by prompt variant; keys are read from the environment when a run starts.
    // Paper and live runs record every LLM call (llm_calls), so a what-if of the day can replay the model itself.
    decider: createDeciders(isolated ? options.deciders : recordLlmCalls(options.deciders ?? {}, { table: new LlmCallTable(uow, logger), now: () => clock.now() })),
    intelligence: (cycleId) => intelligenceCache.get(cycleId, () => computeIntelligence({ markets: [...markets], candles: (s, i) => candles.get(s, i), now: clock.now(), derivatives })),
    endCycle: () => intelligenceCache.invalidate(),
    context: async (modelId, { cycleId, model }) => ({
      portfolio: portfolio(modelId),
      markets,
      ...(model.kind === "llm" ? await extras.load(modelId, cycleId) : {}),
    }),
  });
  const equity = new EquityRecorder(uow, service, () => clock.now());
  // The server's recorded LLM calls older than AUTONOME_LLM_CALLS_RETENTION_DAYS are deleted (none with `off`).
  const llmRetention =
    role === "server" && !isolated && config.llmCallsRetentionDays !== null ? new LlmCallRetention({ db, days: config.llmCallsRetentionDays, now: () => clock.now(), logger }) : null;

  // Copy trading: the engine holds mirrors and hosts their followers; accounts it reads fresh
  // from the database, the same way a restart does.
  const loadAccounts = (ids: string[]) => restoreAccounts(db, room.markets, ids);
  const mirrors =
    config.mirrors && !isolated
      ? new MirrorEngine({
          db,
          uow,
          bus,
          service,
          host: hostId,
          leaseMs: config.mirrorLeaseMs,
          tickMs: Math.min(1000, Math.max(100, Math.floor(config.mirrorLeaseMs / 4))),
          loadAccounts,
          restoreResting,
          sourceEquity: async (modelId) => {
            const a = service.findAccount(modelId) ?? (await loadAccounts([modelId])).accounts.get(modelId);
            return a ? service.figures(a).equity : 0n;
          },
          logger,
          released: () => {
            if (role === "server") void adoptOrphans().catch((e: unknown) => logger.warn({ err: e }, "could not adopt followers without a mirror"));
          },
          ...(options.faults ? { faults: options.faults } : {}),
        })
      : null;
  // On PostgreSQL other processes write too (workers trade followers): their events reach this
  // bus (the event stream shows them), and accounts traded elsewhere are read again when they change.
  const tail = database.kind === "postgres" && !isolated ? new OutboxTail(database, bus, hostId, logger) : null;
  // At most one read per account in flight, plus one after it when more of its events came meanwhile.
  const reloading = new Map<string, { again: boolean }>();
  const reloadObserved = (modelId: string) => {
    const busy = reloading.get(modelId);
    if (busy) {
      busy.again = true;
      return;
    }
    const state = { again: false };
    reloading.set(modelId, state);
    void new Promise((r) => setTimeout(r, 100))
      .then(() => loadAccounts([modelId]))
      .then((r) => {
        const a = r.accounts.get(modelId);
        if (a && service.isObserved(modelId)) service.observe(a);
      })
      .catch((e: unknown) => logger.warn({ err: e, modelId }, "could not read an observed account"))
      .finally(() => {
        reloading.delete(modelId);
        if (state.again) reloadObserved(modelId);
      });
  };
  bus.subscribe((e) => {
    if (e.foreign && e.modelId && service.isObserved(e.modelId)) reloadObserved(e.modelId);
  });
  /**
   * The server trades a follower whose mirror was deleted (it is an ordinary account then, whose
   * stops must keep firing), once no process holds that mirror any more.
   */
  const adoptOrphans = async () => {
    const rows = await db.execute(sql`
      select m.id from ${models} m where m.kind = 'mirror' and not exists (
        select 1 from mirrors x where x.follower_model_id = m.id
          and (x.deleted_at is null or (x.host is not null and x.lease_until >= now())))`);
    for (const { id } of (rows as unknown as { rows: Array<{ id: string }> }).rows) {
      if (service.accounts.has(id)) continue;
      const r = await loadAccounts([id]);
      const a = r.accounts.get(id);
      if (!a) continue;
      service.host(a);
      restoreResting(r.restingOrders);
      for (const o of r.unacknowledged) await service.reconcileOrder(o);
      logger.info({ modelId: id }, "a follower without a mirror is traded by the server again");
    }
  };

  // The tape of the dashboard: the feed's last trade prints per symbol (attached to the room below).
  const recentTrades = new RecentTrades();
  const movable = own?.kind === "synthetic" ? own : undefined;
  const predictionFeed = isolated ? null : createPredictionFeed(config, prediction, clock, logger);
  const predictionSink = catalogSink(prediction, logger);
  // Follow models (FT) read their wallets through Polymarket's Data API (or the fake it is pointed
  // at); on the synthetic prediction feed its traders can be followed too, without network.
  const followSource = () => {
    const wallets = dataApiWalletSource(dataApi, clock);
    return predictionFeed?.kind === "synthetic" ? syntheticWalletSource(predictionFeed as SyntheticPredictionFeed, clock, wallets) : wallets;
  };
  const follow =
    role === "server" && !isolated
      ? new FollowEngine({
          db,
          service,
          catalog: prediction,
          source: followSource(),
          clock,
          pollMs: config.polymarket.followPollMs,
          uow,
          ...(predictionFeed?.ensureToken
            ? {
                discover: async (tokenId: string) => {
                  const found = await predictionFeed.ensureToken!(tokenId);
                  // The market and its first book reach the catalog through the sink, in order.
                  await predictionSink.idle();
                  return found;
                },
              }
            : {}),
          logger,
        })
      : null;
  const persistMarkets = () => saveMarketState(db, markets, (s) => room.mid(s), movable ? movable.state() : {}, new Date(clock.now()));
  const liveService = new LiveService({
    mode: config.mode,
    accounts: liveAccounts,
    killSwitch,
    reconciler,
  });
  // Backtests from the API, each in a child process (not in a worker, nor in a backtest's own kernel).
  // Runs a previous process left unfinished are failed before any request can queue a new one.
  const backtests = role === "server" && !isolated ? new BacktestJobs({ db, dir: backtestsDir(config.dataDir), concurrency: config.backtestConcurrency, now: () => wall.now(), logger }) : null;
  await backtests?.recover();

  const services = createAppServices({
    live: liveService,
    curves,
    ...(isolated ? {} : { predictions: createPredictionApi(prediction, room) }),
    ...(follow ? { followWallets: follow.wallets } : {}),
    ...(backtests ? { backtests } : {}),
    db,
    dbKind: database.kind,
    mode: config.mode,
    version: VERSION,
    feed: {
      kind: feed.kind,
      describe: () => feed.describe(),
      ...(movable
        ? {
            move: (symbol: string, ticks: number) => {
              movable.move(symbol, ticks);
              void persistMarkets().catch((e: unknown) => logger.warn({ err: e }, "could not save market state"));
            },
          }
        : {}),
    },
    market: room,
    service,
    scheduler,
    bus,
    now: () => clock.now(),
    snapshotEquity: () => equity.snapshot(),
    mirrorsChanged: () => {
      mirrors?.poke();
      if (role === "server") void adoptOrphans().catch((e: unknown) => logger.warn({ err: e }, "could not adopt followers without a mirror"));
    },
    candles,
    recentTrades,
    health: new HealthMonitor(
      {
        ...DEFAULT_HEALTH_THRESHOLDS,
        // A synthetic feed set to update rarely (AUTONOME_FEED_INTERVAL) is not stale between two of its updates.
        feedStaleMs: own?.kind === "synthetic" ? Math.max(config.lighter.staleMs, 2 * config.feedIntervalMs) : config.lighter.staleMs,
      },
      clock.now(),
    ),
    strategies: () => [
      ...Object.values(RULE_STRATEGIES).map((s) => ({ name: s.name, kind: "rule" as const, description: s.description })),
      ...LLM_VARIANTS.map((v) => ({ name: v.name, kind: "llm" as const, description: v.description })),
    ],
  });

  // Who reacts to each book update, after the simulator: stops and targets on the feed's touch,
  // candles from its mid, and at most one `market` tick a second per symbol for the dashboard.
  room.onBook("exits", (u, q) => exits.onBook(u.symbol, q.bid, q.ask));
  candles.attach(room);
  for (const m of room.markets) candles.addMarket(m);
  room.onMarket("candles", (m) => candles.addMarket(m));
  recentTrades.attach(room);
  room.onBook("market-ticks", marketTicks({ markets, now: () => clock.now(), publish: (data) => bus.publish({ type: "market", data }) }));

  const timers: Array<() => void> = [];
  const busy = () => scheduler.busy || exits.busy || loose.size > 0 || uow.busy || candles.busy;

  let started = false;
  return {
    config,
    database,
    services,
    market: room,
    venue,
    service,
    scheduler,
    equity,
    candles,
    feed,
    derivatives,
    prediction,
    predictionFeed,
    follow,
    live: { accounts: liveAccounts, venue: lighterVenue, killSwitch, reconciler },
    mirrors,
    hostId,
    async start() {
      started = true;
      if (lighter) {
        lighter.socket.start();
        await lighter.socket.whenReady().catch((e: unknown) => logger.warn({ err: e }, "Lighter's socket is not connected yet; it keeps trying"));
      }
      predictionFeed?.start(predictionSink);
      follow?.start();
      feed.start(
        (u) => room.apply(u),
        (t) => room.trade(t),
        (d) => {
          try {
            derivatives.update(d);
          } catch (e) {
            logger.warn({ err: e, symbol: d.symbol }, "refused a derivatives snapshot from the feed");
          }
        },
      );
      await tail?.start();
      await mirrors?.start();
      if (role === "server") scheduler.start();
      // Periodic jobs run on the domain clock (a replay snapshots equity in recorded time); none dies on a failure.
      const every = (ms: number, f: () => Promise<void>) => {
        timers.push(
          clock.every(ms, () =>
            track(
              Promise.resolve()
                .then(f)
                .catch((e: unknown) => logger.warn({ err: e }, "periodic job failed")),
            ),
          ),
        );
      };
      every(60_000, () => equity.snapshot());
      // Funding times are looked for every second of domain time (a look is a comparison per
      // market), so a payment falls within a second of its time, in a backtest at the same step.
      timers.push(
        clock.every(1_000, () => {
          const paying = funding.tick();
          if (paying) track(paying.catch((e: unknown) => logger.warn({ err: e }, "funding settlement failed")));
        }),
      );
      // Every live account is compared with its exchange now and each interval (accounts created later too).
      if (role === "server" && config.mode === "live") {
        every(config.reconcileIntervalMs, async () => void (await reconciler.checkAll()));
        await reconciler.checkAll();
      }
      if (role === "server") every(10_000, async () => candles.closeUpTo(clock.now()));
      if (role === "server" && !isolated) {
        every(3_600_000, async () => curves.rolledUp(await equity.rollUp()));
        every(5_000, persistMarkets);
        every(5_000, adoptOrphans);
        await adoptOrphans();
      }
      if (llmRetention) {
        // Hourly, and once now: a server restarted more often than hourly still prunes.
        every(3_600_000, async () => void (await llmRetention.prune()));
        track(llmRetention.prune().catch((e: unknown) => logger.warn({ err: e }, "could not prune recorded LLM calls")));
      }
      // A replay's clock stands still until its first update: its snapshots come in recorded time.
      if (feed.kind !== "replay") await equity.snapshot();
    },
    async stop() {
      for (const cancel of timers.splice(0)) cancel();
      await llmRetention?.stop();
      await backtests?.stop();
      await scheduler.stop();
      await follow?.stop();
      // Mirrors first: their leases are given back at once, so another process takes them over.
      await mirrors?.stop();
      await tail?.stop();
      feed.stop();
      predictionFeed?.stop();
      await predictionSink.idle();
      lighterVenue?.close();
      polymarketVenue?.close();
      lighter?.socket.close();
      exits.stop();
      await exits.idle();
      await candles.idle();
      if (started && role === "server" && !isolated) await persistMarkets().catch(() => undefined);
      await database.close();
    },
    get busy() {
      return busy();
    },
    blockedOn(c) {
      if (c.waiting === 0 || loose.size > 0 || uow.busy || candles.busy) return false;
      return c.waiting >= scheduler.runsInFlight + exits.closing;
    },
    async settle() {
      while (busy()) await Promise.allSettled([scheduler.idle(), exits.idle(), ...loose, uow.idle(), candles.idle()]);
    },
  };
}

/** Resolves once every market has had a book update. */
function booksReady(room: MarketRoom, markets: readonly MarketSpec[]): Promise<void> {
  const all = () => markets.every((m) => (room.quote(m.symbol)?.ts ?? 0) > 0);
  if (all()) return Promise.resolve();
  return new Promise((resolve) => {
    const off = room.onBook("first-books", () => {
      if (!all()) return;
      off();
      resolve();
    });
  });
}
