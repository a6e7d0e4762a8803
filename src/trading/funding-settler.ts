import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import type { MarketSpec } from "../core/market.js";
import type { DerivativesSource } from "../market/derivatives.js";
import { nextFundingTime } from "../market/funding.js";
import type { TradingService } from "./trading-service.js";

export interface FundingSettlerDeps {
  markets: readonly MarketSpec[];
  /** Where the rate and the next funding time come from (the feed's reports). */
  derivatives: DerivativesSource;
  /** The mark a position pays funding at: the feed's mid, in ticks. */
  mark: (symbol: string) => number | undefined;
  service: Pick<TradingService, "accounts" | "settleFunding">;
  /** Domain time. */
  now: () => number;
  logger?: Logger;
}

/** One funding time of one market, as it fell due. */
interface Due {
  symbol: string;
  fundingTime: number;
  rate: string;
  markTicks: number;
}

/**
 * The simulator's funding payments: at every funding time a market's feed announced (its
 * derivatives snapshot's `nextFundingAt`), each paper position on that market pays or receives
 * quantity × mark × rate (TradingService.settleFunding, once per position and time). Driven by
 * tick() on the domain clock, so a backtest pays exactly at the same simulated moments on every
 * run; accounts are settled one after the other in a fixed order. A market whose feed reports no
 * funding never pays any.
 */
export class FundingSettler {
  private readonly logger: Logger;
  /** Per market, the funding time it waits for. */
  private readonly waiting = new Map<string, number>();

  constructor(private readonly deps: FundingSettlerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /**
   * Settles every funding time that has come (null when none has): call it often on the clock.
   * Each time is taken once, before anything is paid, so overlapping calls never pay it twice.
   */
  tick(): Promise<void> | null {
    const now = this.deps.now();
    const due: Due[] = [];
    for (const m of this.deps.markets) {
      const s = this.deps.derivatives.derivatives(m.symbol);
      if (!s) continue;
      const at = this.waiting.get(m.symbol) ?? s.nextFundingAt;
      if (now < at) {
        // Not yet: follow the feed when it announces a time still to come (its interval may have
        // changed), never a report older than the time just paid.
        if (s.nextFundingAt > now) this.waiting.set(m.symbol, s.nextFundingAt);
        continue;
      }
      // The snapshot may still be the one from before the funding time (the clock moved first).
      this.waiting.set(m.symbol, s.nextFundingAt > at ? s.nextFundingAt : nextFundingTime(at, s.fundingIntervalMs));
      const markTicks = this.deps.mark(m.symbol);
      if (markTicks === undefined) {
        this.logger.warn({ symbol: m.symbol, fundingTime: new Date(at).toISOString() }, "no mark price at a funding time: nothing paid");
        continue;
      }
      due.push({ symbol: m.symbol, fundingTime: at, rate: s.fundingRate, markTicks });
    }
    return due.length === 0 ? null : this.settle(due);
  }

  private async settle(due: readonly Due[]): Promise<void> {
    for (const d of due) {
      for (const account of [...this.deps.service.accounts.values()]) {
        if (!account.positions.has(d.symbol)) continue;
        try {
          await this.deps.service.settleFunding(account.modelId, d.symbol, d.fundingTime, d.rate, d.markTicks);
        } catch (error) {
          // One account's failure never costs another its payment; the id makes a retry safe.
          this.logger.error({ err: error, modelId: account.modelId, symbol: d.symbol, fundingTime: new Date(d.fundingTime).toISOString() }, "could not book a funding payment");
        }
      }
    }
  }
}
