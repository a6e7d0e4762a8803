import { lotsToQuantity, type MarketSpec } from "../core/market.js";
import type { Side } from "../core/types.js";

export interface HeldPosition {
  symbol: string;
  side: Side;
  lots: bigint;
}

/** What the exchange and the database each say an account holds, compared by the reconciler. */
export interface AccountSides {
  database: { positions: HeldPosition[]; openOrders: ReadonlySet<string> };
  exchange: { positions: HeldPosition[]; openOrders: ReadonlySet<string> };
}

/**
 * Every difference between the database and the exchange, in words a person acts on (empty
 * when they agree). Positions are compared by symbol, side and size; open orders by client id
 * (an order on the exchange the database does not know, or one the database thinks is open that
 * the exchange no longer has).
 */
export function differences(sides: AccountSides, markets: ReadonlyMap<string, MarketSpec>): string[] {
  const out: string[] = [];
  const qty = (p: HeldPosition) => {
    const m = markets.get(p.symbol);
    return `${p.side} ${m ? lotsToQuantity(m, p.lots) : `${p.lots} lots`} ${p.symbol}`;
  };
  const ours = new Map(sides.database.positions.map((p) => [p.symbol, p]));
  const theirs = new Map(sides.exchange.positions.map((p) => [p.symbol, p]));
  for (const symbol of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(symbol);
    const b = theirs.get(symbol);
    if (a && !b) out.push(`the database holds ${qty(a)}; the exchange holds no ${symbol} position`);
    else if (!a && b) out.push(`the exchange holds ${qty(b)} that the database does not know`);
    else if (a && b && (a.side !== b.side || a.lots !== b.lots)) out.push(`${symbol}: the database holds ${qty(a)}, the exchange ${qty(b)}`);
  }
  for (const id of [...sides.exchange.openOrders].sort()) {
    if (!sides.database.openOrders.has(id)) out.push(`an open order on the exchange (${id}) that the database does not know`);
  }
  for (const id of [...sides.database.openOrders].sort()) {
    if (!sides.exchange.openOrders.has(id)) out.push(`order ${id} is open in the database but not on the exchange`);
  }
  return out;
}
