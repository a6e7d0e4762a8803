import type { BookUpdate, Level } from "../../core/book.js";
import { divRound, parseScaled } from "../../core/decimal.js";
import { type MarketSpec, priceToTicks } from "../../core/market.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import { DEFAULT_FUNDING_INTERVAL_MS, nextFundingTime, parseFundingRate } from "../../market/funding.js";
import type { TradePrint } from "../feed.js";
import { type CsvLayout, type DerivativesColumns, readCsv } from "./csv.js";
import { type ReplayFileStats, type ReplaySource, resetStats } from "./types.js";

type CandleLayout = Extract<CsvLayout, "ftx-candles" | "kraken-candles" | "lean-candles">;

/** Which instrument of a multi-instrument file (LEAN) to play; compared case-insensitively. */
export interface CandleFilter {
  venue: string;
  symbol: string;
  /** "spot" or "perp"; needed when a venue has both for the symbol (Bybit BTCUSDT). */
  instrumentType?: string;
}

/** Where a candle file keeps its funding rate and open interest, and the funding interval they mean. */
export interface CandleDerivatives extends DerivativesColumns {
  /** Default 8 h. */
  fundingIntervalMs?: number;
}

export interface CandleBookOptions {
  /** Levels per side of the synthesised book (default 10). */
  levels?: number;
  /** Notional at the touch, USD (default 50,000); deeper levels grow by half of it per level. */
  touchNotionalUsd?: number;
}

const COLUMNS: Record<CandleLayout, { ts: number; o: number; volume: number; volumeIn: "base" | "usd" }> = {
  "ftx-candles": { ts: 0, o: 2, volume: 6, volumeIn: "usd" },
  "kraken-candles": { ts: 0, o: 2, volume: 7, volumeIn: "base" },
  // LEAN volume is in base units for spot and linear perps, contracts for inverse perps (README.md).
  "lean-candles": { ts: 0, o: 5, volume: 9, volumeIn: "base" },
};

/** Four points a quarter-minute apart: a rising candle dips first, a falling one rallies first. */
const PATH_OFFSETS_MS = [0, 15_000, 30_000, 45_000];

/**
 * A 1-minute candle file as a market to trade on: each candle becomes four small books whose
 * mids walk open → low → high → close (close ≥ open) or open → high → low → close, so every
 * candle's OHLC is reproduced exactly by the mids, and the candle's volume is printed as trades
 * at those points. Prices finer than the market's tick round half-up. The bid and ask sit one
 * tick either side of the path price, so midTicks(bid, ask) is the price itself.
 */
export function createCandleSource(
  path: string,
  layout: CandleLayout,
  market: MarketSpec,
  stats: ReplayFileStats,
  filter?: CandleFilter,
  bookOptions: CandleBookOptions = {},
  derivatives?: CandleDerivatives,
): ReplaySource {
  if (layout === "lean-candles" && (!filter?.venue || !filter.symbol)) {
    throw new Error(`${path}: a LEAN candle file holds several instruments; give filter { venue, symbol, instrumentType? }`);
  }
  const col = COLUMNS[layout];
  const levels = bookOptions.levels ?? 10;
  const touchUsd = bookOptions.touchNotionalUsd ?? 50_000;
  return {
    path,
    market,
    stats,
    async *open() {
      resetStats(stats);
      let lastOpen = -Infinity;
      for await (const { firstLine, lines } of readCsv(path)) {
        for (let n = 0; n < lines.length; n++) {
          if (lines[n]!.length === 0) continue;
          const fields = lines[n]!.split(",");
          const where = `${path}:${firstLine + n}`;
          stats.rows++;
          if (layout === "lean-candles" && !matches(fields, filter!)) {
            stats.dropped++;
            continue;
          }
          stats.messages++;
          const openTime = Number(fields[col.ts]);
          if (!Number.isSafeInteger(openTime)) throw new Error(`${where}: timestamp "${fields[col.ts]}" is not integer milliseconds`);
          if (openTime <= lastOpen) {
            throw new Error(`${where}: candles out of order (${openTime} after ${lastOpen}); in a LEAN file, set filter.instrumentType`);
          }
          lastOpen = openTime;
          const [open, high, low, close] = [0, 1, 2, 3].map((i) => toTicks(market, fields[col.o + i], where)) as [number, number, number, number];
          if (low > Math.min(open, close) || high < Math.max(open, close)) throw new Error(`${where}: OHLC inconsistent`);
          const route = close >= open ? [open, low, high, close] : [open, high, low, close];
          const volume = volumeLots(market, fields[col.volume] ?? "0", col.volumeIn, close, where);
          const share = Math.floor(volume / route.length);
          const reported = derivatives ? derivativesOf(market, fields, derivatives, openTime, where) : undefined;
          for (let i = 0; i < route.length; i++) {
            const ts = openTime + PATH_OFFSETS_MS[i]!;
            const price = route[i]!;
            const lots = i === route.length - 1 ? volume - share * (route.length - 1) : share;
            const trades: TradePrint[] = lots > 0 ? [{ symbol: market.symbol, ts, priceTicks: price, sizeLots: lots }] : [];
            stats.updates++;
            // The minute's funding rate and open interest come with its first book.
            yield { update: bookAround(market, price, ts, levels, touchUsd), trades, ...(i === 0 && reported ? { derivatives: reported } : {}) };
          }
        }
      }
    },
  };
}

/** A row's funding rate and open interest; an empty funding_rate cell reports nothing for that minute. */
function derivativesOf(market: MarketSpec, fields: string[], columns: CandleDerivatives, ts: number, where: string): DerivativesSnapshot | undefined {
  const rate = (fields[columns.fundingRate] ?? "").trim();
  if (rate === "") return undefined;
  const intervalMs = columns.fundingIntervalMs ?? DEFAULT_FUNDING_INTERVAL_MS;
  try {
    parseFundingRate(rate);
  } catch (error) {
    throw new Error(`${where}: funding_rate: ${(error as Error).message}`);
  }
  const snapshot: DerivativesSnapshot = { symbol: market.symbol, ts, fundingRate: rate, fundingIntervalMs: intervalMs, nextFundingAt: nextFundingTime(ts, intervalMs) };
  const oi = columns.openInterest === undefined ? "" : (fields[columns.openInterest] ?? "").trim();
  if (oi !== "") {
    try {
      const lots = Number(parseScaled(oi, market.sizeDecimals, "half-up"));
      if (!Number.isSafeInteger(lots) || lots < 0) throw new Error(`${oi} is not a size of at least 0 that fits`);
      snapshot.openInterestLots = lots;
    } catch (error) {
      throw new Error(`${where}: open_interest: ${(error as Error).message}`);
    }
  }
  return snapshot;
}

function matches(fields: string[], filter: CandleFilter): boolean {
  const same = (a: string | undefined, b: string): boolean => (a ?? "").toLowerCase() === b.toLowerCase();
  return same(fields[2], filter.venue) && same(fields[4], filter.symbol) && (!filter.instrumentType || same(fields[3], filter.instrumentType));
}

function toTicks(market: MarketSpec, text: string | undefined, where: string): number {
  try {
    const ticks = priceToTicks(market, text ?? "", "half-up");
    if (ticks < 2) throw new Error(`price ${text} is under two ticks of ${market.symbol}`);
    return ticks;
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}

/** Candle volume in lots; USD notional is converted at the close (exact integer division, half-up). */
function volumeLots(market: MarketSpec, text: string, unit: "base" | "usd", closeTicks: number, where: string): number {
  try {
    if (unit === "base") return Number(parseScaled(text, market.sizeDecimals, "half-up"));
    const usd8 = parseScaled(text, 8, "half-up");
    return Number(divRound(usd8 * 10n ** BigInt(market.priceDecimals + market.sizeDecimals), BigInt(closeTicks) * 10n ** 8n));
  } catch (error) {
    throw new Error(`${where}: volume ${(error as Error).message}`);
  }
}

/** A small book centred on price: one tick either side, levels half a basis point apart, growing sizes. */
function bookAround(market: MarketSpec, price: number, ts: number, levels: number, touchUsd: number): BookUpdate {
  const gap = Math.max(1, Math.round(price / 20_000));
  const touchLots = (touchUsd / (price * 10 ** -market.priceDecimals)) * 10 ** market.sizeDecimals;
  const side = (best: number, direction: 1 | -1): Level[] => {
    const out: Level[] = [];
    let previous = 0;
    for (let i = 0, p = best; i < levels && p >= 1; i++, p += direction * gap) {
      previous = Math.max(previous + 1, Math.round(touchLots * (1 + 0.5 * i)));
      out.push([p, previous]);
    }
    return out;
  };
  return { symbol: market.symbol, ts, kind: "snapshot", bids: side(price - 1, -1), asks: side(price + 1, 1) };
}
