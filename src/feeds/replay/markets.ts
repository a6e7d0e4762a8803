import { DEFAULT_MARKETS, findMarket, MIN_NOTIONAL_USD, type MarketSpec } from "../../core/market.js";

/**
 * Which of our markets a recorded file plays into. A recorded file names the venue's symbol
 * (BTCUSDT, XBTUSDT, BTC-PERP); the replay config names ours (BTC), and the book is kept in our
 * market's ticks and lots so the simulator trades a replay exactly as it trades the synthetic feed.
 */

/**
 * XRP is not one of the default markets but the Bybit capture is XRPUSDT. Bybit quotes it with a
 * 0.0001 tick and whole-coin sizes; 4 price + 1 size decimals keeps every recorded price exact,
 * allows 0.1 XRP orders and stays within the 6 decimals a notional may have in micro-dollars.
 * marketId -1: no venue lists it under our ids; the replay never sends it anywhere.
 */
export const XRP_MARKET: MarketSpec = {
  symbol: "XRP",
  marketId: -1,
  sizeDecimals: 1,
  priceDecimals: 4,
  minBaseLots: 10,
  minNotional: MIN_NOTIONAL_USD,
  maxLeverage: 20,
  maintenanceMarginBps: 150,
};

export const REPLAY_MARKETS: readonly MarketSpec[] = [...DEFAULT_MARKETS, XRP_MARKET];

/** Venue symbols in the recorded files and the market they stand for. */
export const RECORDED_SYMBOLS: Readonly<Record<string, string>> = {
  BTCUSDT: "BTC",
  BTCUSD: "BTC",
  BTCBUSD: "BTC",
  XBTUSDT: "BTC",
  "BTC-PERP": "BTC",
  ETHUSDT: "ETH",
  ETHUSD: "ETH",
  SOLUSDT: "SOL",
  XRPUSDT: "XRP",
};

/** Our symbol for a venue symbol, or the input upper-cased when it already is one of ours. */
export function ourSymbol(recorded: string): string {
  const upper = recorded.toUpperCase();
  return RECORDED_SYMBOLS[upper] ?? upper;
}

/** The market spec a replay file plays into: the one given, else a known one by symbol. */
export function replayMarket(symbol: string, given?: MarketSpec): MarketSpec {
  if (given) {
    if (given.symbol !== symbol) throw new Error(`replay file for ${symbol} was given the market spec of ${given.symbol}`);
    return given;
  }
  const found = findMarket(REPLAY_MARKETS, symbol);
  if (!found) {
    const known = REPLAY_MARKETS.map((m) => m.symbol).join(", ");
    throw new Error(`no market spec for ${symbol} (known: ${known}): pass \`market\` for this file`);
  }
  return found;
}
