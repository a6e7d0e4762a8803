import { randomBytes, randomUUID } from "node:crypto";
import { COLLATERAL, type Accounts } from "./accounts.js";
import type { MakerFill, OrderRecord, TradeRecord } from "./records.js";

/**
 * A trade's life after the match, as the user channel reports it: MATCHED → MINED → CONFIRMED,
 * or MATCHED → RETRYING → FAILED. At the match the buyer's pUSD and the seller's shares are
 * spent (both views); when the trade is MINED the buyer's shares and the seller's pUSD land on
 * chain (the CLOB sees them after a balance-allowance update); a FAILED trade gives the spends
 * back. Unverified: the exact moment the real CLOB credits (MINED here).
 */

export interface LifecycleOptions {
  minedDelayMs: number;
  confirmedDelayMs: number;
  asyncTxHashes: boolean;
  now: () => number;
}

type Emit = (e: { kind: "trade"; trade: TradeRecord }) => void;

export class TradeLifecycle {
  readonly trades: TradeRecord[] = [];
  /** Fault: this many next trades fail. */
  failNext = 0;

  constructor(
    private readonly accounts: Accounts,
    private readonly options: LifecycleOptions,
    private readonly emit: Emit,
  ) {}

  open(taker: OrderRecord, maker: MakerFill, dollars: bigint, seq: number): TradeRecord {
    const nowMs = this.options.now();
    const failing = this.failNext > 0;
    if (failing) this.failNext -= 1;
    const trade: TradeRecord = {
      id: randomUUID(),
      taker,
      maker,
      shares: maker.shares,
      dollars,
      status: "MATCHED",
      matchTime: Math.floor(nowMs / 1000),
      lastUpdate: Math.floor(nowMs / 1000),
      transactionHash: this.options.asyncTxHashes ? "" : txHash(),
      matchedAtMs: nowMs,
      failing,
      settled: false,
      seq,
    };
    const { buyer, seller } = parties(trade);
    this.accounts.debit(buyer, COLLATERAL, dollars);
    this.accounts.debit(seller, taker.tokenId, maker.shares);
    this.trades.push(trade);
    return trade;
  }

  tick(nowMs: number): void {
    for (const trade of this.trades) {
      if (trade.settled) continue;
      const age = nowMs - trade.matchedAtMs;
      if (trade.status === "MATCHED" && age >= this.options.minedDelayMs) {
        if (trade.failing) this.move(trade, "RETRYING", nowMs);
        else {
          if (!trade.transactionHash) trade.transactionHash = txHash();
          const { buyer, seller } = parties(trade);
          this.accounts.creditOnChain(buyer, trade.taker.tokenId, trade.shares);
          this.accounts.creditOnChain(seller, COLLATERAL, trade.dollars);
          this.move(trade, "MINED", nowMs);
        }
      }
      if (age < this.options.confirmedDelayMs) continue;
      if (trade.status === "MINED") {
        trade.settled = true;
        this.move(trade, "CONFIRMED", nowMs);
      } else if (trade.status === "RETRYING") {
        trade.settled = true;
        const { buyer, seller } = parties(trade);
        this.accounts.refund(buyer, COLLATERAL, trade.dollars);
        this.accounts.refund(seller, trade.taker.tokenId, trade.shares);
        this.move(trade, "FAILED", nowMs);
      }
    }
  }

  private move(trade: TradeRecord, status: TradeRecord["status"], nowMs: number): void {
    trade.status = status;
    trade.lastUpdate = Math.floor(nowMs / 1000);
    this.emit({ kind: "trade", trade });
  }
}

function parties(trade: TradeRecord): { buyer: string; seller: string } {
  return trade.taker.side === "BUY" ? { buyer: trade.taker.address, seller: trade.maker.order.address } : { buyer: trade.maker.order.address, seller: trade.taker.address };
}

const txHash = (): string => `0x${randomBytes(32).toString("hex")}`;
