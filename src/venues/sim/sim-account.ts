import { initialMargin, type LeverageCenti } from "../../core/leverage.js";
import { notional, type MarketSpec } from "../../core/market.js";
import type { Micro } from "../../core/money.js";
import { applyNettingFill, unrealizedPnl, type ClosedSlice, type FillAmount, type PositionState } from "../../core/position.js";
import type { OrderSide } from "../../core/types.js";

/**
 * One account as the simulated exchange sees it: collateral, positions and the margin held
 * by resting orders. Derived state: rebuilt from the database at every start.
 */
export class SimAccount {
  readonly positions = new Map<string, PositionState>();
  /** Margin reserved by resting orders, by client order id. */
  readonly orderMargin = new Map<string, Micro>();

  constructor(
    readonly id: string,
    public cash: Micro,
  ) {}

  applyFill(market: MarketSpec, side: OrderSide, leverage: LeverageCenti, fill: FillAmount): ClosedSlice | null {
    const r = applyNettingFill(market, this.positions.get(market.symbol) ?? null, side, leverage, fill);
    if (r.position) this.positions.set(market.symbol, r.position);
    else this.positions.delete(market.symbol);
    this.cash -= fill.fee;
    if (r.closed) this.cash += r.closed.grossPnl;
    return r.closed;
  }

  /** Equity minus the initial margin of positions and resting orders, at the given marks. */
  available(markets: ReadonlyMap<string, MarketSpec>, mark: (symbol: string) => number | undefined): Micro {
    let equity = this.cash;
    let used = 0n;
    for (const p of this.positions.values()) {
      const m = markets.get(p.symbol);
      const price = mark(p.symbol);
      if (!m) continue;
      if (price !== undefined) equity += unrealizedPnl(m, p, price);
      used += initialMargin(p.cost, p.leverage);
    }
    for (const margin of this.orderMargin.values()) used += margin;
    return equity - used;
  }

  /** Lots an order on `side` would take off an opposite position (the rest opens new exposure). */
  reducibleLots(symbol: string, side: OrderSide): number {
    const p = this.positions.get(symbol);
    if (!p) return 0;
    const opposite = side === "BUY" ? "SHORT" : "LONG";
    return p.side === opposite ? Number(p.lots) : 0;
  }

  /** Margin a new exposure of `lots` at `priceTicks` needs. */
  static marginFor(market: MarketSpec, priceTicks: number, lots: number, leverage: LeverageCenti): Micro {
    return initialMargin(notional(market, priceTicks, lots), leverage);
  }
}
