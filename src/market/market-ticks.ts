import { ticksToPrice, type MarketSpec } from "../core/market.js";
import type { BookListener } from "./market-room.js";

/** What the `market` event carries: the touch in decimal strings. */
export interface MarketTick {
  symbol: string;
  bid: string | null;
  ask: string | null;
  mid: string;
  ts: string;
}

export interface MarketTicksOptions {
  markets: readonly MarketSpec[];
  /** The domain clock: at most one tick per symbol per `everyMs` of it. */
  now: () => number;
  publish: (tick: MarketTick) => void;
  everyMs?: number;
}

/**
 * The room listener behind the dashboard's `market` event: the quote after an update, at most
 * once a second per symbol (in the domain clock's time), and only while the market has a mid.
 */
export function marketTicks(options: MarketTicksOptions): BookListener {
  const markets = new Map(options.markets.map((m) => [m.symbol, m]));
  const everyMs = options.everyMs ?? 1000;
  const last = new Map<string, number>();
  return (u, q) => {
    if (q.mid === undefined) return;
    const now = options.now();
    if (now - (last.get(u.symbol) ?? 0) < everyMs) return;
    const m = markets.get(u.symbol);
    if (!m) return;
    last.set(u.symbol, now);
    options.publish({
      symbol: u.symbol,
      bid: q.bid === undefined ? null : ticksToPrice(m, q.bid),
      ask: q.ask === undefined ? null : ticksToPrice(m, q.ask),
      mid: ticksToPrice(m, q.mid),
      ts: new Date(u.ts).toISOString(),
    });
  };
}
