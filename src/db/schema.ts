import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The database is the single source of truth. Money columns are NUMERIC read and written
 * as decimal strings (drizzle's string mode): they never become floats.
 */

const money = (name: string) => numeric(name, { precision: 38, scale: 6 });
const price = (name: string) => numeric(name, { precision: 38, scale: 12 });
const quantity = (name: string) => numeric(name, { precision: 38, scale: 10 });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const models = pgTable("models", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  kind: text("kind").$type<"rule" | "llm" | "mirror" | "follow">().notNull(),
  strategy: text("strategy").notNull(),
  /** `halted`: a live account whose exchange state differs from ours; nothing trades until a person reconciles it. */
  status: text("status").$type<"active" | "paused" | "halted">().notNull().default("active"),
  /** Why a live account halted (the difference found), null otherwise. */
  haltReason: text("halt_reason"),
  initialCapital: money("initial_capital").notNull(),
  /** Where the account trades: the simulator, or a live venue account (a key's variable name: never a key). */
  venue: jsonb("venue").$type<VenueRef>().notNull().default({ kind: "sim" }),
  /** Strategy parameters and LLM settings (base URL, model id, key variable name: never a key). */
  config: jsonb("config").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export type VenueRef =
  | { kind: "sim" }
  | { kind: "lighter"; accountIndex: number; apiKeyIndex: number; privateKeyEnv: string }
  | {
      kind: "polymarket";
      /** The variable holding the EOA private key that signs orders (never the key). */
      privateKeyEnv: string;
      /** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE. */
      signatureType: 0 | 1 | 2;
      /** The proxy or safe wallet holding the funds (types 1 and 2). */
      funder?: string;
      /** Variables holding L2 API credentials; derived from the key when absent. */
      apiKeyEnv?: string;
      apiSecretEnv?: string;
      apiPassphraseEnv?: string;
    };

export interface ExitPlanJson {
  stop: string | null;
  target: string | null;
  invalidation: string | null;
  invalidationPrice: string | null;
  confidence: number | null;
  timeExit: string | null;
  cooldownUntil: string | null;
}

/** Positions and trades: OPEN rows are positions, CLOSED rows are trades. */
export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"LONG" | "SHORT">().notNull(),
    quantity: quantity("quantity").notNull(),
    leverage: numeric("leverage", { precision: 10, scale: 2 }).notNull(),
    entryPrice: price("entry_price").notNull(),
    /** Exact cost basis (entry notional) of `quantity`; entryPrice = entryCost / quantity. */
    entryCost: money("entry_cost").notNull(),
    /** Entry fees of the lots still open; on a CLOSED row `fees` holds entry and exit fees. */
    entryFees: money("entry_fees").notNull().default("0"),
    exitPlan: jsonb("exit_plan").$type<ExitPlanJson>(),
    status: text("status").$type<"OPEN" | "CLOSED">().notNull().default("OPEN"),
    exitPrice: price("exit_price"),
    exitNotional: money("exit_notional"),
    realizedPnl: money("realized_pnl"),
    fees: money("fees").notNull().default("0"),
    /**
     * Funding the position paid (negative) or received while it was open: FUNDING ledger entries
     * booked on this row. Not part of realizedPnl (price P&L less fees); a reduction's slice
     * carries none, the position's own row keeps all of it.
     */
    funding: money("funding").notNull().default("0"),
    closeTrigger: text("close_trigger"),
    entryClientOrderId: text("entry_client_order_id"),
    exitClientOrderId: text("exit_client_order_id"),
    /** The OPEN row a CLOSED slice came from when a position was reduced rather than closed. */
    parentId: text("parent_id"),
    slOrderIndex: text("sl_order_index"),
    tpOrderIndex: text("tp_order_index"),
    slTriggerPrice: price("sl_trigger_price"),
    tpTriggerPrice: price("tp_trigger_price"),
    openedAt: ts("opened_at").notNull().defaultNow(),
    closedAt: ts("closed_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_one_open_per_symbol")
      .on(t.modelId, t.symbol)
      .where(sql`${t.status} = 'OPEN'`),
    index("orders_model_status_idx").on(t.modelId, t.status, t.closedAt),
  ],
);

/** Orders as sent to a venue, keyed by a deterministic client id written before sending. */
export const venueOrders = pgTable(
  "venue_orders",
  {
    id: text("id").primaryKey(),
    clientOrderId: text("client_order_id").notNull().unique(),
    venueOrderId: text("venue_order_id"),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    positionId: text("position_id"),
    venue: text("venue").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"BUY" | "SELL">().notNull(),
    type: text("type").$type<"MARKET" | "LIMIT">().notNull(),
    timeInForce: text("time_in_force").notNull(),
    price: price("price"),
    quantity: quantity("quantity").notNull(),
    filledQuantity: quantity("filled_quantity").notNull().default("0"),
    leverage: numeric("leverage", { precision: 10, scale: 2 }).notNull(),
    reduceOnly: boolean("reduce_only").notNull().default(false),
    postOnly: boolean("post_only").notNull().default(false),
    expiresAt: ts("expires_at"),
    /** Why the order exists: OPEN (entry or scale-in), CLOSE (reduce or close, with closeTrigger). */
    purpose: text("purpose").$type<"OPEN" | "CLOSE">().notNull(),
    closeTrigger: text("close_trigger"),
    exitPlan: jsonb("exit_plan").$type<ExitPlanJson>(),
    status: text("status").notNull(),
    reason: text("reason"),
    /** The venue's own id for our client id where it has one (Lighter's client order index), written before the order is sent. */
    venueClientIndex: bigint("venue_client_index", { mode: "number" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("venue_orders_model_status_idx").on(t.modelId, t.status)],
);

export const fills = pgTable(
  "fills",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    venue: text("venue").notNull(),
    tradeId: text("trade_id").notNull(),
    clientOrderId: text("client_order_id").notNull(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    positionId: text("position_id"),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"BUY" | "SELL">().notNull(),
    price: price("price").notNull(),
    quantity: quantity("quantity").notNull(),
    fee: money("fee").notNull(),
    liquidity: text("liquidity").$type<"MAKER" | "TAKER">().notNull(),
    ts: ts("ts").notNull(),
  },
  (t) => [
    uniqueIndex("fills_venue_trade_idx").on(t.venue, t.tradeId),
    index("fills_model_idx").on(t.modelId, t.id),
    // An order's fills (a copy-trading execution's average price).
    index("fills_client_order_idx").on(t.clientOrderId),
  ],
);

/** Every cash movement. cash = sum(amount) = initial capital + realized P&L - fees. */
export const ledger = pgTable(
  "ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    /** RECONCILIATION: a person adopted the exchange's state as the truth; FUNDING: a funding payment (a live venue's, or the simulator's at each funding time). */
    kind: text("kind").$type<"DEPOSIT" | "REALIZED_PNL" | "FEE" | "RESET" | "RECONCILIATION" | "FUNDING">().notNull(),
    amount: money("amount").notNull(),
    positionId: text("position_id"),
    fillId: bigint("fill_id", { mode: "number" }),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("ledger_model_idx").on(t.modelId, t.id)],
);

export const invocations = pgTable(
  "invocations",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    status: text("status").$type<"running" | "ok" | "error" | "timeout">().notNull(),
    prompt: text("prompt"),
    response: text("response"),
    decisions: jsonb("decisions"),
    error: text("error"),
    durationMs: integer("duration_ms"),
    /** Tokens of all the run's provider calls (LLM runs; null for rule runs). */
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    /** Per-step telemetry of an LLM run: attempts, latency, tokens, finish reason, text, tool calls. */
    steps: jsonb("steps"),
    /** Tool calls of the run, including those that never reached a tool (unknown tool, unparsable arguments). */
    toolCallCount: integer("tool_call_count"),
    /** Of those, the failed ones: invalid arguments, unknown tools, any action rejected. */
    failedToolCalls: integer("failed_tool_calls"),
    createdAt: ts("created_at").notNull().defaultNow(),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("invocations_model_idx").on(t.modelId, t.createdAt)],
);

export const toolCalls = pgTable(
  "tool_calls",
  {
    id: text("id").primaryKey(),
    invocationId: text("invocation_id").references(() => invocations.id),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    type: text("type").$type<"CREATE_POSITION" | "CLOSE_POSITION" | "UPDATE_EXIT_PLAN" | "HOLDING">().notNull(),
    metadata: jsonb("metadata").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("tool_calls_invocation_idx").on(t.invocationId),
    index("tool_calls_model_idx").on(t.modelId, t.createdAt),
    // A model's recent calls that acted (how often it acted on each symbol, shown in its prompt
    // every run): holding calls, most of an arena's rows, are not in it.
    index("tool_calls_acting_idx")
      .on(t.modelId, t.createdAt)
      .where(sql`${t.type} <> 'HOLDING'`),
  ],
);

/**
 * Every answered LLM call of a paper or live run, as a backtest's recording keeps it
 * (src/agents/llm/recording.ts): the request the model saw (no transport, no key), its answer
 * (text and tool calls with their ids and arguments), the tokens, and `key`, the sha256 of the
 * request. `seq` numbers the run's answered calls from 1. A what-if of a paper day answers the
 * model from these rows, so an LLM's day reruns without the LLM.
 */
export const llmCalls = pgTable(
  "llm_calls",
  {
    invocationId: text("invocation_id")
      .notNull()
      .references(() => invocations.id),
    seq: integer("seq").notNull(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    key: text("key").notNull(),
    /** The call as the recorder named it: model, run time, step. */
    step: text("step"),
    request: jsonb("request").notNull(),
    response: jsonb("response").notNull(),
    usage: jsonb("usage").notNull(),
    recordedAt: ts("recorded_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.invocationId, t.seq] }),
    index("llm_calls_model_idx").on(t.modelId, t.recordedAt),
    // The retention job's batches (src/agents/llm/recording-retention.ts): the oldest rows, found without reading the table.
    index("llm_calls_recorded_idx").on(t.recordedAt),
  ],
);

/**
 * How far back a table's rows have been pruned by its retention setting: rows of `name` older
 * than `prunedBefore` are gone. Kept so that a reader missing old rows can say why (a what-if of a
 * paper span whose LLM calls were deleted by AUTONOME_LLM_CALLS_RETENTION_DAYS), whatever the
 * setting of the process reading.
 */
export const retentionMarks = pgTable("retention_marks", {
  name: text("name").primaryKey(),
  prunedBefore: ts("pruned_before").notNull(),
});

/** Equity every minute per model; older rows are rolled up to hourly, then daily. */
export const equitySnapshots = pgTable(
  "equity_snapshots",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    resolution: text("resolution").$type<"1m" | "1h" | "1d">().notNull(),
    ts: ts("ts").notNull(),
    equity: money("equity").notNull(),
    cash: money("cash").notNull(),
    unrealizedPnl: money("unrealized_pnl").notNull(),
  },
  // By time alone: the week's curves in memory (CurveWindow) read what was written since their last read.
  (t) => [primaryKey({ columns: [t.modelId, t.resolution, t.ts] }), index("equity_snapshots_ts_idx").on(t.ts)],
);

/** Events written in the same transaction as the change they describe; delivered after commit by id. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** A DomainEventType (src/events/events.ts); rows from before typed events hold the stream name (order, position, ...). */
    type: text("type").notNull(),
    modelId: text("model_id"),
    payload: jsonb("payload").notNull(),
    /** The process that wrote it: another process's events reach this one's bus through the outbox tail. */
    writer: text("writer"),
    /** When the event was written: the last statement of its transaction, so within a millisecond or two of its commit. */
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  // A mirror reads its source's events after its cursor.
  (t) => [index("outbox_model_idx").on(t.modelId, t.id)],
);

/**
 * Copy trading: a follower account (a model of kind `mirror`) whose orders come only from its
 * source model's position changes. One mirror per follower.
 */
export const mirrors = pgTable(
  "mirrors",
  {
    id: text("id").primaryKey(),
    sourceModelId: text("source_model_id")
      .notNull()
      .references(() => models.id),
    followerModelId: text("follower_model_id")
      .notNull()
      .references(() => models.id),
    /** {"mode":"proportional"} | {"mode":"ratio","ratio":"0.5"} | {"mode":"fixedNotional","usd":"100"}, with an optional per-order cap "maxNotional". */
    sizing: jsonb("sizing").$type<Record<string, unknown>>().notNull(),
    orderType: text("order_type").$type<"IOC" | "FOK" | "GTC" | "GTT">().notNull(),
    /** GTC/GTT: how long an order may rest before the reaper cancels what is left. */
    ttlMs: integer("ttl_ms"),
    maxSlippageBps: integer("max_slippage_bps").notNull(),
    minNotional: money("min_notional").notNull(),
    maxSignalAgeMs: integer("max_signal_age_ms").notNull(),
    /** Only these symbols are copied; null copies every symbol. */
    symbols: jsonb("symbols").$type<string[] | null>(),
    active: boolean("active").notNull().default(true),
    deletedAt: ts("deleted_at"),
    /** The last outbox id of the source already turned into executions: catch-up is by id, never by time. */
    signalCursor: bigint("signal_cursor", { mode: "number" }).notNull(),
    /** The process that executes this mirror (and hosts its follower's account) while its lease lasts. */
    host: text("host"),
    leaseUntil: ts("lease_until"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("mirrors_one_per_follower")
      .on(t.followerModelId)
      .where(sql`${t.deletedAt} is null`),
  ],
);

/** Processes that run mirrors (the server, workers), seen within a lease: the mirrors are shared out among them. */
export const mirrorHosts = pgTable("mirror_hosts", {
  id: text("id").primaryKey(),
  seenAt: ts("seen_at").notNull(),
});

/**
 * Exactly one row per (signal, mirror): claimed before anything is sent, so a crash at any point
 * cannot double an order. Its outcome says what became of the signal, with a reason when not filled.
 */
export const mirrorExecutions = pgTable(
  "mirror_executions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The idempotency key, "<mirrorId>:<signalId>"; the follower's order carries a client id derived from it. */
    key: text("key").notNull().unique(),
    mirrorId: text("mirror_id")
      .notNull()
      .references(() => mirrors.id),
    /** The outbox id of the source's position change. */
    signalId: bigint("signal_id", { mode: "number" }).notNull(),
    sourceModelId: text("source_model_id").notNull(),
    followerModelId: text("follower_model_id").notNull(),
    /** open | scale | reduce | close | exit_plan */
    action: text("action").notNull(),
    /** The signal as read from the source's event (src/copy/signal.ts), so the execution needs nothing else. */
    signal: jsonb("signal").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"LONG" | "SHORT">().notNull(),
    /** pending → claimed → (working: resting on the book) → done */
    state: text("state").$type<"pending" | "claimed" | "working" | "done">().notNull(),
    outcome: text("outcome").$type<"filled" | "partial" | "skipped" | "failed">(),
    reason: text("reason"),
    /** The risk check's or the venue's own code behind `reason`. */
    detail: text("detail"),
    message: text("message"),
    sourcePrice: price("source_price"),
    sourceQuantity: quantity("source_quantity"),
    /** When the source's change was committed (its outbox row). */
    sourceAt: ts("source_at").notNull(),
    intendedQuantity: quantity("intended_quantity"),
    filledQuantity: quantity("filled_quantity"),
    avgPrice: price("avg_price"),
    slippageBps: numeric("slippage_bps", { precision: 12, scale: 2 }),
    /**
     * The followed wallet's own trade behind the source's change, when the source is a follow model
     * whose order (`follow-<id>`) copied follow_signals row `id`: its wallet, price and time, and the
     * follower's slippage against that price (a live copy measured against the trader, not only FT).
     */
    traderSignalId: bigint("trader_signal_id", { mode: "number" }),
    traderWallet: text("trader_wallet"),
    traderPrice: price("trader_price"),
    traderAt: ts("trader_at"),
    traderSlippageBps: numeric("trader_slippage_bps", { precision: 12, scale: 2 }),
    clientOrderId: text("client_order_id"),
    attempts: integer("attempts").notNull().default(0),
    claimedBy: text("claimed_by"),
    leaseUntil: ts("lease_until"),
    sentAt: ts("sent_at"),
    filledAt: ts("filled_at"),
    finishedAt: ts("finished_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("mirror_executions_signal_idx").on(t.mirrorId, t.signalId),
    index("mirror_executions_work_idx").on(t.mirrorId, t.state, t.signalId),
    index("mirror_executions_recent_idx").on(t.mirrorId, t.id),
  ],
);

export const candles = pgTable(
  "candles",
  {
    symbol: text("symbol").notNull(),
    interval: text("interval").$type<"1m" | "5m" | "1h">().notNull(),
    openTime: ts("open_time").notNull(),
    open: price("open").notNull(),
    high: price("high").notNull(),
    low: price("low").notNull(),
    close: price("close").notNull(),
    volume: quantity("volume").notNull(),
  },
  (t) => [primaryKey({ columns: [t.symbol, t.interval, t.openTime] })],
);

/** Last known mid per market and the feed's own state, so a restart resumes where it stopped. */
export const marketState = pgTable("market_state", {
  symbol: text("symbol").primaryKey(),
  mid: price("mid").notNull(),
  feedState: jsonb("feed_state"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * The live kill switch, one row: while `halted`, every live model's open orders are canceled and
 * no new entry goes out. Kept in the database so a restart stays halted.
 */
export const liveControl = pgTable("live_control", {
  id: integer("id").primaryKey(),
  halted: boolean("halted").notNull().default(false),
  reason: text("reason"),
  changedAt: ts("changed_at").notNull().defaultNow(),
});

/**
 * Funding payments, once each (venue and payment id are the key): a live venue's, with its own
 * id, and the simulator's, `sim:<symbol>:<funding time>:<position id>`, so a restart or a replay
 * of the same times never pays a position twice.
 */
export const fundingPayments = pgTable(
  "funding_payments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    venue: text("venue").notNull(),
    paymentId: text("payment_id").notNull(),
    symbol: text("symbol").notNull(),
    amount: money("amount").notNull(),
    paidAt: ts("paid_at").notNull(),
  },
  (t) => [uniqueIndex("funding_payments_venue_id_idx").on(t.venue, t.paymentId)],
);

/**
 * Backtests started from the API: each runs in a child process (`autonome backtest --request`)
 * that writes result.json and report.html into `outDir`; the row follows it (queued, running
 * with its latest progress, then done with a summary of the result, failed with the error, or
 * canceled). Not a trading table: the backtest's own trades live in a database of its own.
 */
export const backtests = pgTable(
  "backtests",
  {
    id: text("id").primaryKey(),
    status: text("status").$type<"queued" | "running" | "done" | "failed" | "canceled">().notNull(),
    /** The request as validated, with its defaults (what request.json holds). */
    request: jsonb("request").$type<Record<string, unknown>>().notNull(),
    /** The child's latest progress line (simulated time reached, fraction, rate, ETA). */
    progress: jsonb("progress").$type<Record<string, unknown>>(),
    /** From result.json once done: the hash, run statistics and each model's metrics. */
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    error: text("error"),
    outDir: text("out_dir").notNull(),
    createdAt: ts("created_at").notNull(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("backtests_created_idx").on(t.createdAt), index("backtests_status_idx").on(t.status)],
);

/**
 * Prediction markets (Polymarket conditions) this system has seen, with the symbols it gave
 * their outcome tokens: positions in those tokens are restored from it at start, and a
 * resolution is recorded here (status, winner) before any position redeems.
 */
export const predictionMarkets = pgTable("prediction_markets", {
  conditionId: text("condition_id").primaryKey(),
  question: text("question").notNull(),
  slug: text("slug").notNull(),
  status: text("status").$type<"open" | "closed" | "resolved">().notNull(),
  winner: text("winner"),
  endDate: ts("end_date").notNull(),
  tickSize: text("tick_size").notNull(),
  minOrderSize: text("min_order_size").notNull(),
  negRisk: boolean("neg_risk").notNull(),
  category: text("category"),
  /** [{outcome, tokenId, symbol}] in the market's order. */
  outcomes: jsonb("outcomes").$type<Array<{ outcome: string; tokenId: string; symbol: string }>>().notNull(),
  source: text("source").$type<"synthetic" | "replay" | "polymarket">().notNull(),
  resolvedAt: ts("resolved_at"),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * A follow model's followed wallets, each with its Data API cursor (src/venues/polymarket/wallet-cursor.ts),
 * stored in the same transaction as the signals it delivered: a restart resumes from it, never
 * from a wall-clock window.
 */
export const followWallets = pgTable(
  "follow_wallets",
  {
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    wallet: text("wallet").notNull(),
    cursor: jsonb("cursor"),
    lastPolledAt: ts("last_polled_at"),
    /** Why the last read failed (both Data API routes down), null after a good one. */
    lastError: text("last_error"),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.wallet] })],
);

/**
 * Every trade of a followed wallet a follow model saw, once (its natural key), with the model's
 * decision: copied (the paper order's client id, fill and position) or skipped with the reason.
 * A signal without a decision is pending: decided next, also after a crash.
 */
export const followSignals = pgTable(
  "follow_signals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    wallet: text("wallet").notNull(),
    tradeKey: text("trade_key").notNull(),
    conditionId: text("condition_id").notNull(),
    tokenId: text("token_id").notNull(),
    outcome: text("outcome"),
    side: text("side").$type<"BUY" | "SELL">().notNull(),
    price: numeric("price", { precision: 38, scale: 12, mode: "string" }).notNull(),
    size: numeric("size", { precision: 38, scale: 12, mode: "string" }).notNull(),
    tradedAt: ts("traded_at").notNull(),
    seenAt: ts("seen_at").notNull(),
    late: boolean("late").notNull().default(false),
    decision: text("decision").$type<"copied" | "skipped">(),
    reason: text("reason"),
    clientOrderId: text("client_order_id"),
    positionId: text("position_id"),
    filledQuantity: numeric("filled_quantity", { precision: 38, scale: 12, mode: "string" }),
    fillPrice: numeric("fill_price", { precision: 38, scale: 12, mode: "string" }),
    decidedAt: ts("decided_at"),
  },
  (t) => [uniqueIndex("follow_signals_model_key_idx").on(t.modelId, t.tradeKey), index("follow_signals_pending_idx").on(t.modelId, t.id)],
);

/**
 * The signed Polymarket order of each client order id, kept before it is posted (see
 * src/venues/polymarket/clob-order-store.ts): a restart, a retry or a reconciliation finds the
 * order by its hash and posts the same bytes again, never a second signature. Never a key.
 */
export const polymarketSignedOrders = pgTable(
  "polymarket_signed_orders",
  {
    clientOrderId: text("client_order_id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    /** The CLOB's order id: the EIP-712 hash of the signed order. */
    orderId: text("order_id").notNull(),
    /** StoredClobOrder: the signed order, its type and the request as placed. */
    record: jsonb("record").$type<Record<string, unknown>>().notNull(),
    signedAt: ts("signed_at").notNull(),
  },
  (t) => [uniqueIndex("polymarket_signed_orders_order_idx").on(t.orderId)],
);
