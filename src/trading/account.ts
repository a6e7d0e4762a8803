import { initialMargin } from "../core/leverage.js";
import type { MarketSpec } from "../core/market.js";
import type { Micro } from "../core/money.js";
import { unrealizedPnl, type PositionState } from "../core/position.js";
import type { Side } from "../core/types.js";
import type { ExitPlan } from "./exit-plan.js";

export interface OpenPosition {
  /** Id of the OPEN row in the orders table. */
  id: string;
  modelId: string;
  state: PositionState;
  plan: ExitPlan;
  openedAt: number;
  entryClientOrderId: string | null;
}

/** An entry order resting on the venue: the margin it holds, and what it adds to the exposure when it fills. */
export interface RestingEntry {
  symbol: string;
  notional: Micro;
  margin: Micro;
}

export interface AccountFigures {
  cash: Micro;
  equity: Micro;
  unrealizedPnl: Micro;
  realizedPnl: Micro;
  fees: Micro;
  /** Funding received (positive) or paid (negative) since the last reset. */
  funding: Micro;
  marginUsed: Micro;
  available: Micro;
}

/**
 * A model's account as the trading service keeps it in memory: derived from the ledger and
 * the OPEN rows, rebuilt at every start, changed only after the transaction that changed
 * the database has committed.
 */
export class ModelAccount {
  readonly positions = new Map<string, OpenPosition>();
  /** Resting entry orders by client order id (they hold margin until they fill, expire or are canceled). */
  readonly resting = new Map<string, RestingEntry>();
  /** No new position on a symbol before this time (epoch ms): the closed position's exit-plan cooldown. */
  readonly cooldowns = new Map<string, number>();
  /** The side and time (epoch ms) of the last position closed on each symbol: the risk engine's flip cooldown. */
  readonly lastClosed = new Map<string, { side: Side; closedAt: number }>();
  /** Equity at the first look of a UTC day (day = epoch ms / 86,400,000): the daily loss breaker's reference. */
  dayStart: { day: number; equity: Micro } | null = null;

  constructor(
    readonly modelId: string,
    /** Capital at creation or at the last reset. */
    public initialCapital: Micro,
    /** Gross realized P&L since the last reset. */
    public realizedPnl: Micro = 0n,
    /** Fees paid since the last reset. */
    public fees: Micro = 0n,
  ) {}

  /**
   * Funding since the last reset (ledger FUNDING entries): a live venue's payments and the
   * simulator's at each funding time. Its own term of the ledger identity, never in realizedPnl:
   * cash = initial capital + realized P&L - fees + funding (+ adjustments).
   */
  funding: Micro = 0n;

  /** Funding booked on each open position (by its row id): what its `funding` column holds. */
  readonly positionFunding = new Map<string, Micro>();

  /**
   * Cash a person booked when adopting a live exchange's state as the truth (ledger
   * RECONCILIATION entries): moved outside our trades and outside funding.
   */
  adjustments: Micro = 0n;

  get cash(): Micro {
    return this.initialCapital + this.realizedPnl - this.fees + this.funding + this.adjustments;
  }

  figures(markets: ReadonlyMap<string, MarketSpec>, mark: (symbol: string) => number | undefined): AccountFigures {
    let unrealized = 0n;
    let marginUsed = 0n;
    for (const p of this.positions.values()) {
      const m = markets.get(p.state.symbol);
      const px = mark(p.state.symbol);
      if (m && px !== undefined) unrealized += unrealizedPnl(m, p.state, px);
      marginUsed += initialMargin(p.state.cost, p.state.leverage);
    }
    for (const r of this.resting.values()) marginUsed += r.margin;
    const cash = this.cash;
    const equity = cash + unrealized;
    return { cash, equity, unrealizedPnl: unrealized, realizedPnl: this.realizedPnl, fees: this.fees, funding: this.funding, marginUsed, available: equity - marginUsed };
  }
}
