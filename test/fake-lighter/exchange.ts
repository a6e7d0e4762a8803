import { createHash } from "node:crypto";
import { absLots, type Account } from "./accounts.js";
import { parseFixed, parseRatio, pow10 } from "./decimal.js";
import { E } from "./errors.js";
import { rawToMicro, type PerpMarketSpec } from "./markets.js";
import type { OrderRecord, TxRecord } from "./records.js";
import { cancelAllNow, execute, finish, placeOrder, precheck, runTriggers, sweep, type SequencerConfig } from "./sequencer.js";
import { ExchangeState } from "./state.js";
import { ATTR, parseTxInfo, TIF, type ParsedTx } from "./txinfo.js";

/**
 * The fake exchange behind the HTTP and WebSocket faces: accepts signed txs (API-level checks,
 * nonces), hands them to the sequencer (at once, or after a delay), and offers the control calls
 * tests drive it with.
 */

export interface ExchangeConfig extends SequencerConfig {
  now: () => number;
  markets: readonly PerpMarketSpec[];
  marketMakerAccountIndex: number;
  /** How far ahead predicted_execution_time_ms lies (ms). */
  predictedLatencyMs: number;
  /** Real-time delay before the sequencer runs an accepted tx; 0 = before sendTx answers. */
  executionDelayMs: number;
  /** The next nonce of a newly registered API key. */
  initialNonce: number;
  volumeQuota: number;
  verifySignature?: (txType: number, txInfo: string, publicKeyHex: string) => boolean;
  txHash?: (txType: number, txInfo: string) => string;
}

export interface Accepted {
  hash: string;
  predictedAt: number;
  volumeQuotaRemaining: number;
}

/** The default tx hash: the first 40 bytes of SHA-512 of the tx_info string, 80 lowercase hex. */
export function defaultTxHash(_txType: number, txInfo: string): string {
  return createHash("sha512").update(txInfo).digest("hex").slice(0, 80);
}

const MM_EXPIRY_MS = 28 * 24 * 3_600_000;

export class Exchange {
  readonly state: ExchangeState;
  private offsetMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly usedSkipNonces = new Map<string, Set<number>>();

  constructor(readonly config: ExchangeConfig) {
    this.state = new ExchangeState(() => this.now(), config.markets);
    this.state.ensureAccount(config.marketMakerAccountIndex, true).collateralMicro = 10n ** 18n;
  }

  now(): number {
    return this.config.now() + this.offsetMs;
  }

  /** Moves the clock forward: GTT orders and scheduled cancel-alls that fall due are run. */
  advance(ms: number): void {
    this.offsetMs += ms;
    this.tick();
  }

  /** Runs what the passing of time does (expiries) and publishes it. */
  tick(): void {
    if (sweep(this.state)) {
      runTriggers(this.state, this.config);
      this.state.flush();
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- transactions ------------------------------------------------------------------------

  /** Parses and checks one tx at the API level; `expectedNonce` overrides the key's (for batches). */
  private check(txType: number, txInfo: string, expectedNonce?: Map<string, number>): { tx: ParsedTx; account: Account; hash: string } {
    const tx = parseTxInfo(txType, txInfo);
    const account = this.state.account(tx.accountIndex);
    if (!account) throw E.invalidTxInfo("account not found");
    const key = account.apiKeys.get(tx.apiKeyIndex);
    if (!key) throw E.invalidTxInfo("api key not found");
    if (this.config.verifySignature && !this.config.verifySignature(txType, txInfo, key.publicKey)) throw E.badSignature();
    if (tx.expiredAt <= this.now()) throw E.invalidTxInfo("tx expired");
    const keyId = `${tx.accountIndex}:${tx.apiKeyIndex}`;
    if (tx.attributes.get(ATTR.skipNonce) === 1) {
      if (this.usedSkipNonces.get(keyId)?.has(tx.nonce)) throw E.invalidNonce(key.nextNonce, tx.nonce);
    } else {
      const expected = expectedNonce?.get(keyId) ?? key.nextNonce;
      if (tx.nonce !== expected) throw E.invalidNonce(expected, tx.nonce);
      expectedNonce?.set(keyId, expected + 1);
    }
    const hash = (this.config.txHash ?? defaultTxHash)(txType, txInfo);
    if (this.state.txs.has(hash)) throw E.invalidTxInfo("duplicate tx");
    precheck(this.state, this.config, tx, account);
    return { tx, account, hash };
  }

  private accept(txType: number, txInfo: string, tx: ParsedTx, account: Account, hash: string): TxRecord {
    const key = account.apiKeys.get(tx.apiKeyIndex)!;
    if (tx.attributes.get(ATTR.skipNonce) === 1) {
      const keyId = `${tx.accountIndex}:${tx.apiKeyIndex}`;
      const used = this.usedSkipNonces.get(keyId) ?? new Set<number>();
      used.add(tx.nonce);
      this.usedSkipNonces.set(keyId, used);
    } else key.nextNonce = tx.nonce + 1;
    const now = this.now();
    const rec: TxRecord = {
      hash,
      type: txType,
      info: txInfo,
      eventInfo: "{}",
      accountIndex: tx.accountIndex,
      apiKeyIndex: tx.apiKeyIndex,
      nonce: tx.nonce,
      expireAt: tx.expiredAt,
      queuedAt: now,
      predictedAt: now + Math.max(this.config.predictedLatencyMs, this.config.executionDelayMs),
      executed: false,
      failed: false,
      blockHeight: 0,
      sequenceIndex: this.state.nextSequence++,
      transactionTimeUs: this.state.nowUs(),
    };
    this.state.txs.set(hash, rec);
    this.state.txList.push(rec);
    return rec;
  }

  private schedule(tx: ParsedTx, rec: TxRecord): void {
    const run = () => {
      this.tick();
      execute(this.state, this.config, tx, rec);
    };
    if (this.config.executionDelayMs <= 0) return run();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, this.config.executionDelayMs);
    this.timers.add(timer);
  }

  /** sendTx: throws a LighterError when refused (no nonce consumed); else the tx is queued and runs. */
  submit(txType: number, txInfo: string): Accepted {
    this.tick();
    const { tx, account, hash } = this.check(txType, txInfo);
    const rec = this.accept(txType, txInfo, tx, account, hash);
    this.schedule(tx, rec);
    return { hash, predictedAt: rec.predictedAt, volumeQuotaRemaining: this.config.volumeQuota };
  }

  /**
   * sendTxBatch: every tx is checked first (nonces chained through the batch); one refusal refuses
   * the whole batch. Later txs that an earlier one invalidates fail in the sequencer (status 0).
   */
  submitBatch(txTypes: number[], txInfos: string[]): Accepted[] {
    this.tick();
    if (txTypes.length !== txInfos.length || txTypes.length === 0 || txTypes.length > 50) throw E.invalidParam();
    const nonces = new Map<string, number>();
    const hashes = new Set<string>();
    const checked = txTypes.map((t, i) => {
      const c = this.check(t, txInfos[i]!, nonces);
      if (hashes.has(c.hash)) throw E.invalidTxInfo("duplicate tx");
      hashes.add(c.hash);
      return c;
    });
    return checked.map(({ tx, account, hash }, i) => {
      const rec = this.accept(txTypes[i]!, txInfos[i]!, tx, account, hash);
      this.schedule(tx, rec);
      return { hash, predictedAt: rec.predictedAt, volumeQuotaRemaining: this.config.volumeQuota };
    });
  }

  // ---- control -----------------------------------------------------------------------------

  market(marketId: number) {
    const m = this.state.market(marketId);
    if (!m) throw new Error(`no market ${marketId}`);
    return m;
  }

  fund(accountIndex: number, usdc: string): void {
    const a = this.state.ensureAccount(accountIndex);
    a.collateralMicro = parseFixed(usdc, 6);
    this.state.touchAccount(accountIndex);
    this.state.flush();
  }

  registerApiKey(accountIndex: number, apiKeyIndex: number, publicKeyHex: string, nextNonce = this.config.initialNonce): void {
    if (!Number.isInteger(apiKeyIndex) || apiKeyIndex < 0 || apiKeyIndex > 254) throw new Error("API key index must be 0..254");
    const a = this.state.ensureAccount(accountIndex);
    a.apiKeys.set(apiKeyIndex, { publicKey: publicKeyHex.replace(/^0x/, "").toLowerCase(), nextNonce, registeredAt: this.now() });
  }

  /**
   * Replaces the market maker's orders in `marketId` with one GTT order per level. Levels that
   * cross resting orders of other accounts trade against them first (the maker takes).
   */
  setBook(marketId: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): void {
    this.tick();
    const m = this.market(marketId);
    const mm = this.state.account(this.config.marketMakerAccountIndex)!;
    cancelAllNow(this.state, mm, marketId);
    const now = this.now();
    for (const [isAsk, levels] of [
      [false, bids],
      [true, asks],
    ] as const) {
      for (const [priceTicks, lots] of levels) {
        if (!Number.isInteger(priceTicks) || priceTicks < 1 || !Number.isInteger(lots) || lots < 1) throw new Error(`bad level [${priceTicks}, ${lots}]`);
        const o: OrderRecord = {
          orderIndex: this.state.nextOrderIndex++,
          clientOrderIndex: 0,
          marketId,
          accountIndex: mm.index,
          nonce: 0,
          isAsk,
          type: 0,
          timeInForce: TIF.gtt,
          reduceOnly: false,
          price: priceTicks,
          triggerPrice: 0,
          orderExpiry: now + MM_EXPIRY_MS,
          initial: BigInt(lots),
          remaining: BigInt(lots),
          filled: 0n,
          filledQuoteRaw: 0n,
          status: "open",
          triggerStatus: "na",
          triggerTime: 0,
          createdAt: now,
          updatedAt: now,
          transactionTimeUs: this.state.nowUs(),
          blockHeight: this.state.blockHeight,
          txHash: "0".repeat(80),
        };
        mm.totalOrderCount += 1;
        this.state.addOrder(o);
        placeOrder(this.state, this.config, o);
      }
    }
    this.state.touchMarket(m.spec.marketId);
    runTriggers(this.state, this.config);
    this.state.flush();
  }

  /** Overrides the mark price (null returns to mid of the book) and fires trigger orders. */
  setMarkPrice(marketId: number, priceTicks: number | null): void {
    this.tick();
    this.market(marketId).markOverride = priceTicks ?? undefined;
    this.state.touchMarket(marketId);
    for (const a of this.state.accounts.values()) if (a.positions.get(marketId)?.lots) this.state.touchPosition(a.index, marketId);
    runTriggers(this.state, this.config);
    this.state.flush();
  }

  /**
   * Settles funding at `rate` (a decimal fraction, e.g. "0.0001"): longs pay shorts rate × notional
   * at mark when positive, shorts pay longs when negative.
   */
  payFunding(marketId: number, rate: string): void {
    this.tick();
    const m = this.market(marketId);
    const { numerator, scale } = parseRatio(rate);
    const mark = BigInt(this.state.markOf(marketId));
    const now = this.now();
    // One funding round: the same id on every account's payment.
    const fundingId = this.state.nextFundingId++;
    for (const a of this.state.accounts.values()) {
      const p = a.positions.get(marketId);
      if (!p || p.lots === 0n) continue;
      const notional = rawToMicro(m.spec, mark * absLots(p.lots));
      const amount = (notional * (numerator < 0n ? -numerator : numerator)) / pow10(scale);
      const pays = numerator > 0n === p.lots > 0n;
      const change = pays ? -amount : amount;
      a.collateralMicro += change;
      p.fundingPaidMicro -= change;
      this.state.recordFunding({ fundingId, accountIndex: a.index, marketId, timestamp: now, changeMicro: change, rate, lots: absLots(p.lots), side: p.lots > 0n ? "long" : "short" });
    }
    this.state.fundingRounds.push({ marketId, timestamp: now, rate });
    m.fundingRate = rate;
    m.fundingTimestamp = now;
    this.state.touchMarket(marketId);
    this.state.flush();
  }

  /**
   * Sets the coming payment's estimated rate (a fraction per hour, e.g. "0.000012"), as Lighter
   * recomputes it through the hour: market_stats subscribers get an update. Nothing is paid.
   */
  setFundingRate(marketId: number, rate: string): void {
    parseRatio(rate);
    this.market(marketId).currentFundingRate = rate;
    this.state.touchMarket(marketId);
    this.state.flush();
  }

  /** Cancels an order by the exchange's hand (as an admin would), e.g. to test unsolicited cancels. */
  cancelOrder(orderIndex: number): void {
    const o = this.state.orders.get(orderIndex);
    if (!o) throw new Error(`no order ${orderIndex}`);
    finish(this.state, o, "canceled");
    this.state.flush();
  }
}
