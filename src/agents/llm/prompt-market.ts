import { parseScaled, formatScaled } from "../../core/decimal.js";
import { lotsToQuantity, type MarketSpec } from "../../core/market.js";
import { formatUsd } from "../../core/money.js";
import { ATR_MEAN_CANDLES } from "../indicators.js";
import { TIMEFRAMES, type DerivativesIntelligence, type IndicatorValue, type MarketIntelligence, type SymbolIntelligence, type TimeframeIntelligence } from "../intelligence.js";

/**
 * The market part of an LLM prompt, one section per symbol: the last price and 24 h change,
 * funding and open interest when the feed reports them, a table of the indicators per timeframe
 * (with ATR14's mean over the last 50 candles beside ATR14), each indicator's readings over the
 * last candles (so that "the MACD histogram growing over several candles" can be read, not
 * guessed), and the recent candles. An undefined value is printed "n/a".
 */

export interface MarketTextOptions {
  /** Recent candles printed per timeframe (default 1m: 15, 5m: 12, 1h: 12). */
  recentCandles?: Partial<Record<"1m" | "5m" | "1h", number>>;
  /** Readings printed per indicator and timeframe (default 8; at most what the intelligence carries, 10 by default). */
  seriesLength?: number;
}

const RECENT_DEFAULT = { "1m": 15, "5m": 12, "1h": 12 } as const;
/** Enough candles to see a histogram grow or an RSI turn; each reading costs tokens in 21 lines per symbol. */
const SERIES_DEFAULT = 8;

export function num(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(decimals);
}

function ind(value: IndicatorValue<number>, decimals: number): string {
  return value.defined ? num(value.value, decimals) : "n/a";
}

export function signedPct(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  return `${value >= 0 ? "+" : ""}${value.toFixed(decimals)}%`;
}

/** A duration as a trader says it: "45 min", "8h", "3h12m", "2.5 d". */
export function durationText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return minutes % 60 === 0 ? `${minutes / 60}h` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
  return `${(minutes / 1440).toFixed(1)} d`;
}

function timeframeRow(tf: TimeframeIntelligence, m: MarketSpec): string {
  const p = m.priceDecimals;
  const macd = tf.macd.defined ? `${num(tf.macd.value.macd, p + 2)} / ${num(tf.macd.value.signal, p + 2)} / ${num(tf.macd.value.histogram, p + 2)}` : "n/a";
  return `| ${tf.interval} | ${tf.candleCount} | ${num(tf.lastClose, p)} | ${ind(tf.ema20, p)} | ${ind(tf.ema50, p)} | ${ind(tf.rsi14, 1)} | ${macd} | ${ind(tf.atr14, p)} | ${ind(tf.atr14Mean, p)} |`;
}

/** The readings of each indicator over the last candles of one timeframe, a line each. */
function seriesLines(tf: TimeframeIntelligence, m: MarketSpec, count: number): string[] {
  const p = m.priceDecimals;
  const s = tf.series;
  const line = (name: string, values: ReadonlyArray<number | null>, decimals: number) =>
    `${tf.interval} ${name}: ${values
      .slice(Math.max(0, values.length - count))
      .map((v) => num(v, decimals))
      .join(" ")}`;
  if (s.ema20.length === 0) return [`${tf.interval}: no readings yet`];
  return [
    line("EMA20", s.ema20, p),
    line("EMA50", s.ema50, p),
    line("RSI14", s.rsi14, 1),
    line("MACD line", s.macdLine, p + 2),
    line("MACD signal", s.macdSignal, p + 2),
    line("MACD histogram", s.macdHistogram, p + 2),
    line("ATR14", s.atr14, p),
  ];
}

function recentCandles(tf: TimeframeIntelligence, m: MarketSpec, count: number): string {
  const bars = tf.recent.slice(-count);
  if (bars.length === 0) return `recent ${tf.interval} candles: none yet`;
  const p = m.priceDecimals;
  const rows = bars.map((c) => `${num(c.open, p)}/${num(c.high, p)}/${num(c.low, p)}/${num(c.close, p)}/${num(c.volume, m.sizeDecimals)}`);
  return `recent ${tf.interval} candles, oldest first (open/high/low/close/volume): ${rows.join(" ")}`;
}

/** Funding rates are fractions of the notional with up to this many decimals. */
const RATE_SCALE = 12;

/** "+0.0100%": the rate (a decimal fraction) as an exact percentage; null when it is not a decimal. */
function ratePct(rate: string): string | null {
  try {
    const scaled = parseScaled(rate, RATE_SCALE, "half-up") * 100n;
    return `${scaled > 0n ? "+" : ""}${formatScaled(scaled, RATE_SCALE, 4)}%`;
  } catch {
    return null;
  }
}

/** The funding and open-interest line, or null when the feed reported nothing usable. */
export function derivativesLine(m: MarketSpec, d: DerivativesIntelligence | undefined, now: number): string | null {
  if (!d) return null;
  const parts: string[] = [];
  const pct = ratePct(d.fundingRate);
  if (pct !== null) {
    const next = d.nextFundingAt > now ? `next payment in ${durationText(d.nextFundingAt - now)}` : "next payment due now";
    parts.push(`funding rate ${pct} per ${durationText(d.fundingIntervalMs)} (positive: longs pay shorts), ${next}`);
  }
  if (d.openInterest !== null) parts.push(`open interest ${d.openInterest} ${m.symbol}`);
  return parts.length === 0 ? null : parts.join("; ");
}

function marketSection(m: MarketSpec, intel: SymbolIntelligence | undefined, generatedAt: number, options: MarketTextOptions): string {
  const header = `### ${m.symbol} (quantity step ${lotsToQuantity(m, 1)}, minimum quantity ${lotsToQuantity(m, m.minBaseLots)}, minimum order $${formatUsd(m.minNotional)}, max leverage ${m.maxLeverage})`;
  if (!intel || intel.lastPrice === null) return `${header}\nno market data yet: do not trade ${m.symbol} this run`;
  const derivatives = derivativesLine(m, intel.derivatives, generatedAt);
  const carried = Math.max(...TIMEFRAMES.map((i) => intel.timeframes[i].series.ema20.length));
  const count = Math.max(0, Math.min(options.seriesLength ?? SERIES_DEFAULT, carried));
  const lines = [
    header,
    `last price ${num(intel.lastPrice, m.priceDecimals)}, 24h change ${signedPct(intel.change24hPct)}`,
    ...(derivatives ? [derivatives] : []),
    `| timeframe | candles | close | EMA20 | EMA50 | RSI14 | MACD 12/26/9 (line / signal / histogram) | ATR14 | ATR14 mean of the last ${ATR_MEAN_CANDLES} candles |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...TIMEFRAMES.map((i) => timeframeRow(intel.timeframes[i], m)),
  ];
  if (count > 0) {
    lines.push(`indicator readings over the last ${count} candles of each timeframe, oldest first, one per candle (the last is the current value above; n/a: not enough candles yet then):`);
    for (const i of TIMEFRAMES) lines.push(...seriesLines(intel.timeframes[i], m, count));
  }
  for (const i of TIMEFRAMES) lines.push(recentCandles(intel.timeframes[i], m, options.recentCandles?.[i] ?? RECENT_DEFAULT[i]));
  return lines.join("\n");
}

/**
 * Every model of a cycle sees the same intelligence object, so its market text is built once
 * per cycle and reused (with a hundred models it was the biggest part of building prompts).
 */
const marketText = new WeakMap<MarketIntelligence, Map<string, string>>();

export function cachedMarketSection(m: MarketSpec, intelligence: MarketIntelligence, options: MarketTextOptions): string {
  if (options.recentCandles || options.seriesLength !== undefined) return marketSection(m, intelligence.symbols[m.symbol], intelligence.generatedAt, options);
  let bySymbol = marketText.get(intelligence);
  if (!bySymbol) marketText.set(intelligence, (bySymbol = new Map()));
  const key = `${m.symbol}:${m.priceDecimals}:${m.sizeDecimals}:${m.minBaseLots}:${m.minNotional}:${m.maxLeverage}`;
  let text = bySymbol.get(key);
  if (text === undefined) bySymbol.set(key, (text = marketSection(m, intelligence.symbols[m.symbol], intelligence.generatedAt, options)));
  return text;
}
