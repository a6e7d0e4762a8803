import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { AppError } from "../core/errors.js";
import { formatRatio, parseScaled } from "../core/decimal.js";
import { OUTCOME_SIZE_DECIMALS } from "../core/instrument.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { isOutcome, lotsToQuantity, ticksToPrice } from "../core/market.js";
import { AVERAGE_PRICE_DECIMALS, averagePrice } from "../core/position.js";
import type { Clock, Cancel } from "../core/clock.js";
import { TERMINAL_ORDER_STATUSES, type VenueOrderStatus } from "../core/types.js";
import type { Db, Tx } from "../db/client.js";
import { fills, followSignals, followWallets, ledger, models, venueOrders } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { events } from "../events/events.js";
import type { PredictionCatalog } from "../prediction/prediction-catalog.js";
import type { TradingService } from "../trading/trading-service.js";
import { decide, needsTraderRecord, type Decision, type TraderRecord } from "./follow-decision.js";
import { followSettingsSchema, type FollowSettings } from "./follow-settings.js";
import { signalView, type SignalRow } from "./follow-signals.js";
import { WalletHealth } from "./wallet-health.js";
import type { WalletSource } from "./wallet-source.js";

export interface FollowEngineDeps {
  db: Db;
  service: TradingService;
  catalog: PredictionCatalog;
  source: WalletSource;
  clock: Clock;
  /** Time between two reads of every followed wallet. */
  pollMs: number;
  /**
   * Brings a token's market into the catalog when the feed can (the live feed looks it up on
   * Gamma and waits for its first book): a wallet may trade any market, not only those streamed.
   */
  discover?: (tokenId: string) => Promise<boolean>;
  logger?: Logger;
  /**
   * Records each decision with its `signal` event in one transaction, published after commit.
   * Without it (a test harness) decisions are recorded without their event.
   */
  uow?: UnitOfWork;
}

/**
 * Runs follow models (FT): reads each followed wallet's new trades, stores each once with the
 * wallet's cursor in one transaction (nothing read is lost, nothing is stored twice), then
 * decides every pending signal in order: copy it on paper (a FAK at the trader's price plus the
 * allowed slippage, against the book as it is now) or skip it with the reason. A signal's order
 * carries a client id made from the signal's id, so a crash between the order and the decision
 * is settled from the order row, never placed twice.
 */
export class FollowEngine {
  private readonly logger: Logger;
  private cancel: Cancel | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** When each model began following: its opening deposit, on the domain clock (it never changes). */
  private readonly since = new Map<string, number>();
  /** How the reads of each followed wallet go (the wallets' page and the health check read it). */
  readonly wallets = new WalletHealth();

  constructor(private readonly deps: FollowEngineDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  start(): void {
    this.stopped = false;
    this.cancel = this.deps.clock.every(this.deps.pollMs, () => void this.tick());
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  /** One round over every active follow model; a round still running is not started twice. */
  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.round()
      .catch((error: unknown) => this.logger.error({ err: error }, "follow round failed"))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const rows = await this.deps.db
      .select()
      .from(models)
      .where(and(eq(models.kind, "follow"), eq(models.status, "active")));
    const read = new Map<string, Set<string>>();
    for (const row of rows) {
      if (this.stopped) return;
      if (!this.deps.service.accounts.has(row.id)) continue;
      const parsed = followSettingsSchema.safeParse((row.config as { follow?: unknown }).follow);
      if (!parsed.success) {
        this.logger.error({ modelId: row.id, problem: parsed.error.message }, "a follow model's stored settings are invalid; it is skipped");
        continue;
      }
      read.set(row.id, new Set(parsed.data.wallets));
      await this.runModel(row.id, parsed.data, await this.followingSince(row.id));
    }
    this.wallets.roundRead(read);
  }

  /** The model's opening deposit: when it was created, as the kernel's clock told it (a wallet is followed from then). */
  private async followingSince(modelId: string): Promise<number> {
    let since = this.since.get(modelId);
    if (since === undefined) {
      const [first] = await this.deps.db
        .select({ at: ledger.createdAt })
        .from(ledger)
        .where(and(eq(ledger.modelId, modelId), eq(ledger.kind, "DEPOSIT")))
        .orderBy(asc(ledger.id))
        .limit(1);
      since = first?.at.getTime() ?? this.deps.clock.now();
      this.since.set(modelId, since);
    }
    return since;
  }

  /**
   * Reads the model's wallets and decides what is pending (older signals first). A wallet not read
   * before is followed from `since` (the model's creation: trades made before its first read count).
   */
  async runModel(modelId: string, settings: FollowSettings, since: number = this.deps.clock.now()): Promise<void> {
    for (const wallet of settings.wallets) await this.read(modelId, wallet, since);
    const pending = await this.deps.db
      .select()
      .from(followSignals)
      .where(and(eq(followSignals.modelId, modelId), isNull(followSignals.decision)))
      .orderBy(asc(followSignals.id));
    for (const s of pending) await this.decideSignal(modelId, settings, s);
  }

  private async read(modelId: string, wallet: string, since: number): Promise<void> {
    const [state] = await this.deps.db
      .select()
      .from(followWallets)
      .where(and(eq(followWallets.modelId, modelId), eq(followWallets.wallet, wallet)));
    const now = new Date(this.deps.clock.now());
    let polled: Awaited<ReturnType<WalletSource["poll"]>>;
    try {
      polled = await this.deps.source.poll(wallet, state?.cursor ?? null, since);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.wallets.failed(modelId, wallet, message, now.getTime());
      this.logger.warn({ modelId, wallet, err: error }, "could not read a followed wallet; the next poll retries from the same cursor");
      await this.deps.db
        .insert(followWallets)
        .values({ modelId, wallet, cursor: state?.cursor ?? null, lastPolledAt: now, lastError: message })
        .onConflictDoUpdate({ target: [followWallets.modelId, followWallets.wallet], set: { lastPolledAt: now, lastError: message } });
      return;
    }
    await this.deps.db.transaction(async (tx) => {
      for (const t of polled.trades) {
        await tx
          .insert(followSignals)
          .values({
            modelId,
            wallet,
            tradeKey: t.key,
            conditionId: t.conditionId.toLowerCase(),
            tokenId: t.tokenId,
            outcome: t.outcome,
            side: t.side,
            price: t.price,
            size: t.size,
            tradedAt: new Date(t.tradedAt),
            seenAt: new Date(t.seenAt),
            late: t.late,
          })
          .onConflictDoNothing();
      }
      await tx
        .insert(followWallets)
        .values({ modelId, wallet, cursor: polled.cursor, lastPolledAt: now, lastError: null })
        .onConflictDoUpdate({ target: [followWallets.modelId, followWallets.wallet], set: { cursor: polled.cursor, lastPolledAt: now, lastError: null } });
    });
    this.wallets.ok(modelId, wallet, now.getTime());
  }

  private async decideSignal(modelId: string, settings: FollowSettings, s: SignalRow): Promise<void> {
    const clientOrderId = `follow-${s.id}`;
    // Placed before a crash took the decision with it: the order row says what happened.
    const [placed] = await this.deps.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, clientOrderId));
    if (placed) return this.settleFromOrder(s.id, placed);
    if (!this.deps.catalog.symbolOf(s.tokenId) && this.deps.discover) {
      await this.deps.discover(s.tokenId).catch((error: unknown) => this.logger.warn({ modelId, tokenId: s.tokenId, err: error }, "could not look up the market of a followed trade"));
    }
    const symbol = this.deps.catalog.symbolOf(s.tokenId);
    const pm = symbol ? this.deps.catalog.marketOf(symbol) : undefined;
    const spec = symbol ? this.deps.service.market(symbol) : undefined;
    const account = this.deps.service.account(modelId);
    const figures = this.deps.service.figures(account);
    let trader: TraderRecord | undefined;
    if (s.side === "BUY" && (needsTraderRecord(settings.filters) || settings.sizing.mode === "kelly")) {
      trader = await this.deps.source.traderRecord(s.wallet).catch((error: unknown) => {
        this.logger.warn({ modelId, wallet: s.wallet, err: error }, "could not read the trader's record");
        return undefined;
      });
    }
    const held = symbol ? account.positions.get(symbol) : undefined;
    const decision: Decision = decide(
      { side: s.side, price: s.price, size: s.size, tradedAt: s.tradedAt.getTime() },
      {
        settings,
        now: this.deps.clock.now(),
        market:
          pm && spec && isOutcome(spec)
            ? { status: pm.status, question: pm.question, ...(pm.category ? { category: pm.category } : {}), endDate: pm.endDate, tickTicks: spec.instrument.tickTicks, minLots: spec.minBaseLots }
            : null,
        equity: figures.equity,
        available: figures.available,
        heldLots: held ? Number(held.state.lots) : 0,
        traderHeldLots: await this.traderHeld(modelId, s),
        ...(trader ? { trader } : {}),
      },
    );
    if (decision.action === "skip") {
      this.logger.info({ modelId, signal: s.id, reason: decision.reason }, `follow signal skipped: ${decision.detail}`);
      await this.record(s.id, { decision: "skipped", reason: decision.reason });
      return;
    }
    try {
      if (decision.action === "buy") {
        const r = await this.deps.service.openPosition(
          modelId,
          { symbol: symbol!, side: "LONG", quantity: lotsToQuantity(spec!, decision.lots), type: "LIMIT", price: ticksToPrice(spec!, decision.worstPriceTicks), timeInForce: "IOC" },
          { clientOrderId, origin: { source: "mirror" } },
        );
        const fillPrice = r.filledLots > 0 ? averagePrice(spec!, r.notional, BigInt(r.filledLots)) : null;
        await this.record(s.id, { decision: "copied", clientOrderId, positionId: r.position?.id ?? null, filledQuantity: lotsToQuantity(spec!, r.filledLots), fillPrice });
      } else {
        const r = decision.all
          ? await this.deps.service.closePosition(modelId, symbol!, "MIRROR", clientOrderId)
          : await this.deps.service.reducePosition(modelId, symbol!, decision.lots, "MIRROR", clientOrderId);
        if (r.status === "rejected") await this.record(s.id, { decision: "skipped", reason: reasonOf(r.reason ?? "not_filled"), clientOrderId });
        else {
          // The sale's shares and average price are its order's: read them as a restart would.
          const [row] = await this.deps.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, clientOrderId));
          if (row) return this.settleFromOrder(s.id, row);
          await this.record(s.id, { decision: "copied", clientOrderId, positionId: held?.id ?? null, fillPrice: r.exitPrice ?? null });
        }
      }
    } catch (error) {
      // Another round (another process) placed this signal's order first: its row is the answer.
      const [row] = await this.deps.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, clientOrderId));
      if (row) return this.settleFromOrder(s.id, row);
      const code = error instanceof AppError ? error.code : "venue_error";
      this.logger.info({ modelId, signal: s.id, code, err: error }, "a copied signal's order was refused");
      await this.record(s.id, { decision: "skipped", reason: reasonOf(code), clientOrderId });
    }
  }

  /**
   * A signal whose order exists already: what the order did is the decision, with its shares
   * and average price from its fills. An order still working (resting, or its outcome unknown)
   * decides nothing yet: the signal stays pending and is looked at again next round.
   */
  private async settleFromOrder(signalId: number, order: typeof venueOrders.$inferSelect): Promise<void> {
    if (!TERMINAL_ORDER_STATUSES.has(order.status as VenueOrderStatus)) return;
    const filled = parseScaled(order.filledQuantity, OUTCOME_SIZE_DECIMALS, "floor") > 0n;
    if (!filled) return this.record(signalId, { decision: "skipped", reason: reasonOf(order.reason ?? "not_filled"), clientOrderId: order.clientOrderId });
    // Summed exactly by the database, divided here as an order's result is (averagePrice): the
    // same figure whether the decision was taken at once or after a restart.
    const [sum] = await this.deps.db
      .select({ notional: sql<string | null>`sum(${fills.price} * ${fills.quantity})::text`, quantity: sql<string | null>`sum(${fills.quantity})::text` })
      .from(fills)
      .where(eq(fills.clientOrderId, order.clientOrderId));
    const quantity = sum?.quantity ? parseScaled(sum.quantity, FILL_SCALE) : 0n;
    return this.record(signalId, {
      decision: "copied",
      clientOrderId: order.clientOrderId,
      positionId: order.positionId,
      filledQuantity: order.filledQuantity,
      fillPrice: quantity > 0n ? formatRatio(parseScaled(sum!.notional!, FILL_SCALE * 2), quantity * 10n ** BigInt(FILL_SCALE), AVERAGE_PRICE_DECIMALS) : null,
    });
  }

  /** The trader's shares of the token before this signal, from the signals this model saw (lots). */
  private async traderHeld(modelId: string, s: SignalRow): Promise<number> {
    const [row] = await this.deps.db
      .select({ net: sql<string | null>`sum(case when ${followSignals.side} = 'BUY' then ${followSignals.size} else -${followSignals.size} end)::text` })
      .from(followSignals)
      .where(and(eq(followSignals.modelId, modelId), eq(followSignals.wallet, s.wallet), eq(followSignals.tokenId, s.tokenId), lt(followSignals.id, s.id)));
    if (!row?.net) return 0;
    return Number(parseScaled(row.net, OUTCOME_SIZE_DECIMALS, "floor"));
  }

  private async record(
    id: number,
    d: { decision: "copied" | "skipped"; reason?: string; clientOrderId?: string; positionId?: string | null; filledQuantity?: string | null; fillPrice?: string | null },
  ): Promise<void> {
    const decide = (db: Db | Tx) =>
      db
        .update(followSignals)
        .set({
          decision: d.decision,
          reason: d.reason ?? null,
          clientOrderId: d.clientOrderId ?? null,
          positionId: d.positionId ?? null,
          filledQuantity: d.filledQuantity ?? null,
          fillPrice: d.fillPrice ?? null,
          decidedAt: new Date(this.deps.clock.now()),
        })
        .where(and(eq(followSignals.id, id), isNull(followSignals.decision)))
        .returning();
    const uow = this.deps.uow;
    if (!uow) {
      await decide(this.deps.db);
      return;
    }
    // Only the round that decided it emits (another engine may have been first).
    await uow.run(async (tx, ctx) => {
      const [row] = await decide(tx);
      if (row) ctx.emit(events.followSignalDecided({ modelId: row.modelId, signal: { ...signalView(row) } }));
    });
  }
}

/** Decimals of the fills table's prices and quantities (numeric(38, 12)); a price times a quantity has twice as many. */
const FILL_SCALE = 12;

/** A refusal's code as a skip reason: the copy-trading vocabulary where one fits. */
function reasonOf(code: string): string {
  if (code.startsWith("risk_")) return `risk_rejected:${code}`;
  if (code === "no_liquidity_within_bound" || code === "not_filled" || code === "ioc_remainder_canceled") return "slippage_exceeded";
  if (code === "insufficient_margin" || code === "risk_min_cash_reserve") return "insufficient_capital";
  if (code === "invalid_order_min_size" || code === "below_min_size") return "below_min_size";
  return code;
}
