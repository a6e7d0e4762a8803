import { AssetType, ClobClient, OrderType, type ApiKeyCreds, type SignedOrder } from "@polymarket/clob-client-v2";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { polygon } from "viem/chains";
import type { BookSnapshot } from "../../core/book.js";
import type { Cancel, Clock } from "../../core/clock.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { isOutcome, type MarketSpec } from "../../core/market.js";
import { tryParseScaled } from "../../core/decimal.js";
import type { Micro } from "../../core/money.js";
import { TERMINAL_ORDER_STATUSES } from "../../core/types.js";
import { refusedReport, type OrderReport, type PlaceOrder, type Venue, type VenueFill, type VenuePosition } from "../venue.js";
import { classify, PolymarketOutcomeUnknown } from "./clob-errors.js";
import { MICRO_PER_LOT, planOrder, saltOf, signingKey, type SigningKey } from "./clob-order.js";
import { MemorySignedOrderStore, type SignedOrderStore, type StoredClobOrder } from "./clob-order-store.js";
import { RulesCache } from "./clob-rules.js";
import { complete, fillsOf, reportOf, statusOf, type ClobOrderRow, type ClobTradeRow, type TrackedClobOrder } from "./clob-tracker.js";
import { ClobUserSocket } from "./clob-user-socket.js";

/** A model's Polymarket account. The private key is handed to the signer and kept nowhere else. */
export interface PolymarketAccountBinding {
  /** Our model id. */
  accountId: string;
  /** The EOA key's value (read from the environment by the caller); never logged nor returned. */
  privateKey: Hex;
  /** 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE (deposit wallets, 3, are not supported). */
  signatureType: 0 | 1 | 2;
  /** The proxy or safe wallet holding the funds (types 1 and 2). */
  funder?: string;
  /** L2 API credentials; derived from the key (L1) when absent. */
  creds?: ApiKeyCreds;
  /** Where signed orders are kept before posting (see SignedOrderStore); default in memory. */
  store?: SignedOrderStore;
}

export interface PolymarketClobVenueOptions {
  /** POLYMARKET_CLOB_URL. */
  host: string;
  /** POLYMARKET_CLOB_WS_URL: the WebSocket base, `/user` is appended. */
  wsUrl: string;
  /** 137 (Polygon) or 80002 (Amoy): the chain orders are signed for. */
  chainId: number;
  /** The outcome-token markets traded (the prediction-market registry's specs). */
  markets: () => readonly MarketSpec[];
  book: (symbol: string, depth: number) => BookSnapshot | undefined;
  /** Domain time: GTD expiry, record ages. Heartbeats run on its timers. */
  clock: Clock;
  logger?: Logger;
  /**
   * What each held token cost the wallet on average (dollars a share, by token id): the CLOB
   * knows balances, not cost, and adopting the exchange's state needs a cost basis. Polymarket's
   * Data API positions in the app; without it (or when it fails) positions report cost 0.
   */
  averagePrices?: (wallet: string) => Promise<ReadonlyMap<string, string>>;
  /** A request without an answer after this long counts as lost (wall ms). Default 10 000. */
  requestTimeoutMs?: number;
  /** Heartbeat period while orders rest (the CLOB cancels after ~10 s without one). Default 5 000. */
  heartbeatMs?: number;
  /** How long a token's tick, minimum size and neg-risk flag are trusted. Default 30 000. */
  rulesTtlMs?: number;
  /** Posts of one signed order on 429 / 5xx / no answer, and the first pause (doubling). Default 3, 200 ms. */
  postAttempts?: number;
  postBackoffMs?: number;
  /** Retries of a SELL refused for balance (settlement lag), and the first pause (doubling). Default 4, 500 ms. */
  settlementAttempts?: number;
  settlementBackoffMs?: number;
}

/** A record the CLOB still does not know after this long was never received: it is not posted again. */
const REPOST_WINDOW_MS = 5 * 60_000;
/** …and an order row whose record is older than this, unknown to the CLOB, never executed. */
const LOST_AFTER_MS = REPOST_WINDOW_MS + 60_000;

interface Linked {
  binding: PolymarketAccountBinding;
  key: SigningKey;
  client: ClobClient;
  store: SignedOrderStore;
  /** Tracked orders by CLOB order id (hash) and by our client id. */
  byHash: Map<string, TrackedClobOrder>;
  byClient: Map<string, TrackedClobOrder>;
  socket: ClobUserSocket;
  heartbeat?: { stop: Cancel; id: string };
}

/**
 * Polymarket's CLOB V2 behind the Venue port, on @polymarket/clob-client-v2 for transport and
 * authentication. Orders are signed here exactly once per client order id (clob-order.ts,
 * clob-order-store.ts), posted with the same bytes on every retry, and never assumed: their
 * fate comes from the user channel (order and trade events) with REST behind it after every
 * (re)connection, and an order whose fate cannot be learned is thrown back as unknown.
 */
export class PolymarketClobVenue implements Venue {
  readonly name = "polymarket";
  private readonly accounts = new Map<string, Linked>();
  private readonly listeners = new Set<(r: OrderReport) => void>();
  private readonly reversalListeners = new Set<(fill: VenueFill, tradeId: string) => void>();
  private readonly logger: Logger;
  private readonly rules: RulesCache;

  constructor(private readonly options: PolymarketClobVenueOptions) {
    this.logger = options.logger ?? silentLogger;
    this.rules = new RulesCache(new ClobClient({ host: options.host, chain: options.chainId, throwOnError: true }), options.clock, options.rulesTtlMs ?? 30_000);
  }

  markets(): readonly MarketSpec[] {
    return this.options.markets();
  }

  book(symbol: string, depth: number): BookSnapshot | undefined {
    return this.options.book(symbol, depth);
  }

  onOrderUpdate(listener: (report: OrderReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A fill already reported whose trade FAILED on chain (MATCHED → RETRYING → FAILED: the CLOB
   * reverted both sides). The Venue port has no negative fill, so a reversal is told here, and
   * also as an order update without fills and with reason `trade_failed` (its filledLots no
   * longer count the reversed fill): whoever records fills books the reversal.
   */
  onFillReversed(listener: (fill: VenueFill, tradeId: string) => void): () => void {
    this.reversalListeners.add(listener);
    return () => this.reversalListeners.delete(listener);
  }

  /** Starts trading an account: API credentials (derived when not given) and its user channel. */
  async link(binding: PolymarketAccountBinding): Promise<void> {
    if (this.accounts.has(binding.accountId)) return;
    const { key, client, creds } = await this.connect(binding);
    const linked = { binding, key, client, store: binding.store ?? new MemorySignedOrderStore(), byHash: new Map(), byClient: new Map() } as unknown as Linked;
    linked.socket = new ClobUserSocket(`${this.options.wsUrl}/user`, creds, { onEvent: (e) => this.onEvent(linked, e), onOpen: () => void this.resync(linked) }, this.logger);
    this.accounts.set(binding.accountId, linked);
  }

  /** An account's pUSD before it is linked (a new live model's capital): proves the key and credentials work. */
  async probe(binding: PolymarketAccountBinding): Promise<Micro> {
    const { client } = await this.connect(binding);
    const { balance } = await this.timed(client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }));
    return BigInt(balance);
  }

  private async connect(binding: PolymarketAccountBinding): Promise<{ key: SigningKey; client: ClobClient; creds: ApiKeyCreds }> {
    const key = signingKey(binding.privateKey, binding.signatureType, binding.funder);
    // The SDK signs L1/L2 headers with a wallet; a local account never touches the transport.
    const wallet = createWalletClient({ account: privateKeyToAccount(binding.privateKey), chain: polygon, transport: http("http://127.0.0.1:9") });
    const base = { host: this.options.host, chain: this.options.chainId, signer: wallet, signatureType: binding.signatureType, funderAddress: key.maker, throwOnError: true };
    let creds = binding.creds;
    if (!creds) {
      // Derive first: after the first start the key exists, and with throwOnError the SDK's
      // createOrDeriveApiKey throws on "Could not create api key" instead of deriving.
      const l1 = new ClobClient(base);
      const derived = await this.timed(l1.deriveApiKey())
        .catch(() => this.timed(l1.createApiKey()))
        .catch((error: unknown) => {
          throw new Error(`could not derive Polymarket API credentials at ${this.options.host}: ${error instanceof Error ? error.message : String(error)}`);
        });
      if (!derived?.key) throw new Error(`could not derive Polymarket API credentials at ${this.options.host}`);
      creds = derived;
    }
    return { key, client: new ClobClient({ ...base, creds }), creds };
  }

  unlink(accountId: string): void {
    const linked = this.accounts.get(accountId);
    if (!linked) return;
    linked.socket.close();
    linked.heartbeat?.stop();
    this.accounts.delete(accountId);
  }

  close(): void {
    for (const id of [...this.accounts.keys()]) this.unlink(id);
  }

  /** Follows an order placed before a restart (a resting row of the database), so its fills are reported. */
  async track(accountId: string, clientOrderId: string): Promise<boolean> {
    const linked = this.accounts.get(accountId);
    const record = linked && (await linked.store.get(clientOrderId));
    if (!linked || !record) return false;
    this.tracked(linked, record);
    return true;
  }

  async placeOrder(req: PlaceOrder): Promise<OrderReport> {
    const linked = this.accounts.get(req.accountId);
    if (!linked) return this.refuse(req, "account_not_linked");
    if (req.redeem) return this.redeemed(req);
    const market = this.options.markets().find((m) => m.symbol === req.symbol);
    if (!market || !isOutcome(market)) return this.refuse(req, "unknown_symbol");

    // The same client id again (a retry, a second round of a mirror): that order, never a second one.
    const existing = linked.byClient.get(req.clientOrderId)?.record ?? (await linked.store.get(req.clientOrderId));
    if (existing) return this.resume(linked, this.tracked(linked, existing), req);

    let rules = await this.rules.get(market);
    if (rules.tickTicks !== market.instrument.tickTicks) rules = await this.rules.get(market, true);
    const plan = planOrder(req, rules, this.options.clock.now());
    if (typeof plan === "string") return this.refuse(req, plan);

    const now = this.options.clock.now();
    const { order, orderId } = await linked.key.sign(plan, saltOf(linked.key.maker, req.clientOrderId), now, this.options.chainId);
    const record: StoredClobOrder = {
      clientOrderId: req.clientOrderId,
      accountId: req.accountId,
      orderId,
      orderType: plan.orderType,
      postOnly: plan.postOnly,
      order,
      request: {
        symbol: req.symbol,
        side: req.side,
        type: req.type,
        timeInForce: req.timeInForce,
        lots: req.lots,
        priceTicks: req.priceTicks,
        ...(req.expiresAt !== undefined ? { expiresAt: req.expiresAt } : {}),
      },
      signedAt: now,
    };
    // Kept before it leaves: from here on this client id has exactly this signed order.
    await linked.store.put(record);
    return this.post(linked, this.tracked(linked, record), req);
  }

  /**
   * A resolved market's shares, booked at their payout. The CLOB has no redemption: the winning
   * shares become pUSD when the wallet redeems them on chain (Polymarket's site, or the CTF
   * contract's redeemPositions), which autonome does not send. The position is settled here so
   * the account's books show what the resolution paid, and the log says what is left to do.
   */
  private redeemed(req: PlaceOrder): OrderReport {
    const now = this.options.clock.now();
    const payout = req.priceTicks ?? 0;
    if (payout > 0)
      this.logger.warn(
        { modelId: req.accountId, symbol: req.symbol, lots: req.lots },
        "resolved winning Polymarket shares booked at $1; redeem them on chain (polymarket.com or the CTF contract) to turn them into pUSD",
      );
    const fill: VenueFill = {
      venue: this.name,
      accountId: req.accountId,
      clientOrderId: req.clientOrderId,
      tradeId: `redeem-${req.clientOrderId}`,
      symbol: req.symbol,
      side: req.side,
      priceTicks: payout,
      lots: req.lots,
      fee: 0n,
      liquidity: "TAKER",
      ts: now,
    };
    return {
      clientOrderId: req.clientOrderId,
      venueOrderId: fill.tradeId,
      accountId: req.accountId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      timeInForce: req.timeInForce,
      priceTicks: payout,
      lots: req.lots,
      filledLots: req.lots,
      status: "FILLED",
      fills: [fill],
      ts: now,
    };
  }

  /** A client id signed before: its order as the CLOB knows it, or the same signed order posted again. */
  private async resume(linked: Linked, t: TrackedClobOrder, req: PlaceOrder): Promise<OrderReport> {
    const known = await this.refresh(linked, t);
    if (known) return this.answer(linked, t);
    if (this.options.clock.now() - t.record.signedAt >= REPOST_WINDOW_MS) return this.refuse(req, "lost_before_execution", "CANCELED");
    return this.post(linked, t, req);
  }

  /**
   * Posts the stored signed order: the same bytes on every attempt. 429, 5xx and lost answers are
   * retried (a copy that landed answers "Duplicated" and is looked up by its hash); a SELL refused
   * for balance right after a buy waits for settlement (balance refresh, retry); any other
   * refusal is the answer. Unknown after all attempts: thrown, the order stays UNKNOWN.
   */
  private async post(linked: Linked, t: TrackedClobOrder, req: PlaceOrder): Promise<OrderReport> {
    const { record } = t;
    const attempts = this.options.postAttempts ?? 3;
    const settlementAttempts = this.options.settlementAttempts ?? 4;
    let backoff = this.options.postBackoffMs ?? 200;
    let settleBackoff = this.options.settlementBackoffMs ?? 500;
    let tries = 0;
    let settles = 0;
    let uncertain = false;
    t.placing = true;
    try {
      for (;;) {
        tries += 1;
        try {
          await this.timed(linked.client.postOrder(record.order as unknown as SignedOrder, OrderType[record.orderType], record.postOnly));
          break;
        } catch (error) {
          const failure = classify(error);
          if (failure.kind === "duplicate") break;
          if (failure.kind === "balance") {
            if (record.order.side === "SELL" && settles < settlementAttempts) {
              settles += 1;
              tries -= 1;
              this.logger.info({ clientOrderId: record.clientOrderId, attempt: settles }, "Polymarket sell refused for balance; refreshing the token balance (settlement lag)");
              await this.timed(linked.client.updateBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: record.order.tokenId })).catch(() => undefined);
              await sleep(settleBackoff);
              settleBackoff *= 2;
              continue;
            }
            return this.dropRefused(linked, t, req, "invalid_order_not_enough_balance", "REJECTED");
          }
          if (failure.kind === "refused") {
            if (failure.reason === "order_version_mismatch")
              this.logger.error({ clientOrderId: record.clientOrderId }, "the CLOB refused the order as the wrong version (order_version_mismatch): the SDK or the exchange contracts are out of date");
            else this.logger.info({ clientOrderId: record.clientOrderId, message: failure.message }, "the CLOB refused the order");
            if (failure.reason === "invalid_order_min_tick_size") this.rules.invalidate(record.order.tokenId);
            return this.dropRefused(linked, t, req, failure.reason, failure.status);
          }
          // retryable or transport: it may have landed; the same bytes again are safe.
          uncertain = true;
          this.logger.warn({ clientOrderId: record.clientOrderId, attempt: tries, message: failure.message }, "Polymarket order post failed; posting the same signed order again");
          if (tries >= attempts) break;
          await sleep(backoff);
          backoff *= 2;
        }
      }
      const found = await this.refresh(linked, t).catch(() => undefined);
      if (!found) {
        throw new PolymarketOutcomeUnknown(
          uncertain
            ? `order ${record.clientOrderId} (${record.orderId}) was posted without a usable answer and the CLOB does not show it yet; it stays UNKNOWN until reconciled`
            : `order ${record.clientOrderId} (${record.orderId}) was accepted but cannot be read back; it stays UNKNOWN until reconciled`,
        );
      }
      return this.answer(linked, t);
    } finally {
      t.placing = false;
    }
  }

  /** Refused: nothing rests, nothing to follow; the record stays (a retry finds the same refusal). */
  private dropRefused(linked: Linked, t: TrackedClobOrder, req: PlaceOrder, reason: string, status: "REJECTED" | "CANCELED"): OrderReport {
    linked.byHash.delete(t.record.orderId);
    linked.byClient.delete(t.record.clientOrderId);
    return this.refuse(req, reason, status);
  }

  /** The placement's answer: every fill not handed out yet. */
  private answer(linked: Linked, t: TrackedClobOrder): OrderReport {
    const fresh = [...t.fills.values()].filter((f) => !t.reported.has(f.tradeId) && !t.failed.has(f.tradeId));
    const report = reportOf(t, fresh, this.options.clock.now());
    this.markReported(t, report);
    this.heartbeats(linked);
    return report;
  }

  async cancelOrder(accountId: string, clientOrderId: string): Promise<OrderReport> {
    const linked = this.linked(accountId);
    const record = linked.byClient.get(clientOrderId)?.record ?? (await linked.store.get(clientOrderId));
    if (!record) return unknownOrder(accountId, clientOrderId, this.options.clock.now());
    const t = this.tracked(linked, record);
    const before = await this.refresh(linked, t);
    if (!before) return unknownOrder(accountId, clientOrderId, this.options.clock.now());
    if (!TERMINAL_ORDER_STATUSES.has(statusOf(t, this.options.clock.now()).status)) {
      const answer = (await this.timed(linked.client.cancelOrder({ orderID: record.orderId }))) as { not_canceled?: Record<string, string> };
      const why = answer?.not_canceled?.[record.orderId];
      if (why) this.logger.info({ clientOrderId, why }, "the CLOB did not cancel the order");
      await this.refresh(linked, t);
    }
    return this.answer(linked, t);
  }

  async openOrders(accountId: string): Promise<OrderReport[]> {
    const linked = this.linked(accountId);
    const rows = (await this.timed(linked.client.getOpenOrders())) as ClobOrderRow[];
    const out: OrderReport[] = [];
    for (const row of rows) {
      const t = linked.byHash.get(row.id);
      if (!t) continue; // not ours to report by client id (placed elsewhere or before a restart without track())
      t.row = row;
      out.push(reportOf(t, [], this.options.clock.now()));
    }
    return out;
  }

  async orderStatus(accountId: string, clientOrderId: string): Promise<OrderReport | undefined> {
    const linked = this.linked(accountId);
    const record = linked.byClient.get(clientOrderId)?.record ?? (await linked.store.get(clientOrderId));
    if (!record) return undefined;
    const t = this.tracked(linked, record);
    if (!(await this.refresh(linked, t))) return undefined;
    const report = reportOf(
      t,
      [...t.fills.values()].filter((f) => !t.failed.has(f.tradeId)),
      this.options.clock.now(),
    );
    this.markReported(t, report);
    this.heartbeats(linked);
    return report;
  }

  /**
   * An order the CLOB does not know never executes once its signed order is too old to be posted
   * again (see resume) and no post of it is in flight; with a durable store, an order row without
   * a record was never signed at all.
   */
  async lostForGood(accountId: string, clientOrderId: string, writtenAt: number): Promise<boolean> {
    const linked = this.accounts.get(accountId);
    if (!linked) return false;
    const record = await linked.store.get(clientOrderId);
    if (!record) return linked.store.durable && this.options.clock.now() - writtenAt >= LOST_AFTER_MS;
    if (this.options.clock.now() - record.signedAt < LOST_AFTER_MS) return false;
    const row = (await this.timed(linked.client.getOrder(record.orderId))) as ClobOrderRow | null;
    return !row?.id;
  }

  /**
   * Outcome tokens held: the CLOB's balance of each traded token after a refresh, in lots. The
   * cost is the Data API's average price × the shares (the CLOB does not know it), 0 when unknown.
   */
  async positions(accountId: string): Promise<VenuePosition[]> {
    const linked = this.linked(accountId);
    const averages = await (this.options.averagePrices?.(linked.key.maker) ?? Promise.resolve(new Map<string, string>())).catch((error: unknown) => {
      this.logger.warn({ err: error, modelId: accountId }, "could not read the wallet's average prices; positions are reported at cost 0");
      return new Map<string, string>();
    });
    const out: VenuePosition[] = [];
    for (const m of this.options.markets()) {
      if (!isOutcome(m)) continue;
      const params = { asset_type: AssetType.CONDITIONAL, token_id: m.instrument.tokenId };
      await this.timed(linked.client.updateBalanceAllowance(params));
      const { balance } = await this.timed(linked.client.getBalanceAllowance(params));
      const micro = BigInt(balance);
      if (micro <= 0n) continue;
      if (micro % MICRO_PER_LOT !== 0n) this.logger.warn({ symbol: m.symbol, balance }, "Polymarket token balance finer than a lot; the dust is not reported");
      const lots = micro / MICRO_PER_LOT;
      if (lots > 0n) out.push({ symbol: m.symbol, side: "LONG", lots, cost: costOf(lots, averages.get(m.instrument.tokenId)), leverage: 100 });
    }
    return out;
  }

  /** pUSD the CLOB sees for the account, in micro-dollars (pUSD has 6 decimals: exact). */
  async collateral(accountId: string): Promise<Micro> {
    const linked = this.linked(accountId);
    const { balance } = await this.timed(linked.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }));
    return BigInt(balance);
  }

  private tracked(linked: Linked, record: StoredClobOrder): TrackedClobOrder {
    let t = linked.byHash.get(record.orderId);
    if (!t) {
      t = { record, fills: new Map(), failed: new Set(), reported: new Set(), placing: false };
      linked.byHash.set(record.orderId, t);
      linked.byClient.set(record.clientOrderId, t);
    }
    return t;
  }

  /** Reads the order and its trades over REST into the tracker; false when the CLOB does not know it. */
  private async refresh(linked: Linked, t: TrackedClobOrder): Promise<boolean> {
    const row = (await this.timed(linked.client.getOrder(t.record.orderId))) as ClobOrderRow | null;
    if (!row?.id) return false;
    for (const id of row.associate_trades ?? []) {
      const trades = (await this.timed(linked.client.getTrades({ id }, true))) as ClobTradeRow[];
      for (const trade of trades) this.onTrade(linked, trade);
    }
    this.onOrderRow(t, row);
    return true;
  }

  private onEvent(linked: Linked, e: Record<string, unknown>): void {
    if (e.event_type === "trade") this.onTrade(linked, e as unknown as ClobTradeRow);
    else if (e.event_type === "order") {
      const t = linked.byHash.get(String(e.id));
      if (t) this.onOrderRow(t, e as unknown as ClobOrderRow);
    } else return;
    this.heartbeats(linked);
  }

  private onOrderRow(t: TrackedClobOrder, row: ClobOrderRow): void {
    // Events can overtake each other across reconnects: never go back to a less-matched state.
    if (t.row && Number(t.row.size_matched) > Number(row.size_matched)) return;
    t.row = { id: row.id, status: row.status, original_size: row.original_size, size_matched: row.size_matched, associate_trades: row.associate_trades ?? t.row?.associate_trades ?? [] };
    this.settle(t);
  }

  private onTrade(linked: Linked, trade: ClobTradeRow): void {
    const ids = new Set([trade.taker_order_id, ...trade.maker_orders.map((m) => m.order_id)]);
    for (const id of ids) {
      const t = linked.byHash.get(id);
      if (!t) continue;
      let fills: VenueFill[];
      try {
        fills = fillsOf(trade, t, this.name, this.options.clock.now());
      } catch (error) {
        this.logger.error({ err: error, clientOrderId: t.record.clientOrderId }, "unreadable Polymarket trade");
        continue;
      }
      if (trade.status.toUpperCase() === "FAILED") {
        for (const f of fills) {
          if (t.failed.has(f.tradeId)) continue;
          t.failed.add(f.tradeId);
          if (t.reported.has(f.tradeId)) this.reverse(t, f, trade.id);
        }
      } else {
        for (const f of fills) if (!t.fills.has(f.tradeId)) t.fills.set(f.tradeId, f);
      }
      this.settle(t);
    }
  }

  private reverse(t: TrackedClobOrder, fill: VenueFill, tradeId: string): void {
    this.logger.error({ clientOrderId: t.record.clientOrderId, tradeId }, "a Polymarket trade FAILED on chain after its fill was reported: reversing it");
    for (const l of this.reversalListeners) l(fill, tradeId);
    if (t.placing) return;
    const report = { ...reportOf(t, [], this.options.clock.now()), reason: "trade_failed" };
    t.reportedStatus = report.status;
    this.publish(report);
  }

  /** Hands out what changed once the fills seen cover what the CLOB says matched; nothing while a placement answers for it. */
  private settle(t: TrackedClobOrder): void {
    if (t.placing || !t.row || !complete(t)) return;
    const fresh = [...t.fills.values()].filter((f) => !t.reported.has(f.tradeId) && !t.failed.has(f.tradeId));
    const report = reportOf(t, fresh, this.options.clock.now());
    if (fresh.length === 0 && report.status === t.reportedStatus) return;
    if (t.reportedStatus === undefined && report.status === "UNKNOWN") return;
    this.markReported(t, report);
    this.publish(report);
  }

  private markReported(t: TrackedClobOrder, report: OrderReport): void {
    for (const f of report.fills) t.reported.add(f.tradeId);
    t.reportedStatus = report.status;
  }

  /** Whatever happened while the user channel was down was not seen: ask REST about every order not settled. */
  private async resync(linked: Linked): Promise<void> {
    for (const t of [...linked.byHash.values()]) {
      if (t.placing) continue;
      const status = t.reportedStatus;
      if (status && TERMINAL_ORDER_STATUSES.has(status) && complete(t)) continue;
      await this.refresh(linked, t).catch((error: unknown) => this.logger.warn({ err: error, clientOrderId: t.record.clientOrderId }, "Polymarket resync failed"));
    }
    this.heartbeats(linked);
  }

  /**
   * The dead-man switch: while the account has a GTC/GTD order resting, a heartbeat goes out every
   * heartbeatMs (the CLOB cancels all its orders when they stop); none when nothing rests.
   */
  private heartbeats(linked: Linked): void {
    const now = this.options.clock.now();
    const resting = [...linked.byHash.values()].some((t) => {
      if (t.record.orderType !== "GTC" && t.record.orderType !== "GTD") return false;
      const s = statusOf(t, now).status;
      return s === "OPEN" || s === "PARTIALLY_FILLED";
    });
    if (resting && !linked.heartbeat) {
      const hb = { id: "", stop: (() => undefined) as Cancel };
      const beat = () =>
        void this.timed(linked.client.postHeartbeat(hb.id)).then(
          (r) => {
            if (typeof r?.heartbeat_id === "string") hb.id = r.heartbeat_id;
          },
          (error: unknown) => this.logger.warn({ err: error, accountId: linked.binding.accountId }, "Polymarket heartbeat failed"),
        );
      linked.heartbeat = hb;
      beat();
      hb.stop = this.options.clock.every(this.options.heartbeatMs ?? 5_000, beat);
    } else if (!resting && linked.heartbeat) {
      linked.heartbeat.stop();
      linked.heartbeat = undefined;
    }
  }

  /** Whether heartbeats are being sent for an account (tests, health). */
  heartbeating(accountId: string): boolean {
    return this.accounts.get(accountId)?.heartbeat !== undefined;
  }

  private timed<T>(p: Promise<T>): Promise<T> {
    const ms = this.options.requestTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the CLOB within ${ms} ms`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private linked(accountId: string): Linked {
    const l = this.accounts.get(accountId);
    if (!l) throw new Error(`no Polymarket account is linked to ${accountId}`);
    return l;
  }

  private refuse(req: PlaceOrder, reason: string, status: "REJECTED" | "CANCELED" = "REJECTED"): OrderReport {
    return refusedReport(req, reason, this.options.clock.now(), status);
  }

  private publish(report: OrderReport): void {
    for (const l of this.listeners) l(report);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function unknownOrder(accountId: string, clientOrderId: string, ts: number): OrderReport {
  return {
    clientOrderId,
    venueOrderId: "",
    accountId,
    symbol: "",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: null,
    lots: 0,
    filledLots: 0,
    status: "REJECTED",
    fills: [],
    reason: "unknown_order",
    ts,
  };
}

/** Micro-dollars of `lots` (10^-2 shares) at an average price in dollars a share, rounded once; 0 when unknown or unreadable. */
export function costOf(lots: bigint, averagePrice: string | undefined): Micro {
  const price = averagePrice === undefined ? null : tryParseScaled(averagePrice.trim(), 12, "half-up");
  if (price === null || price < 0n) return 0n;
  // lots × price is in 10^-14 dollars (10^-2 shares × 10^-12 dollars): 10^8 of them make a micro-dollar.
  return (lots * price + 50_000_000n) / 100_000_000n;
}
