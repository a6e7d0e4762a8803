import { createReadStream } from "node:fs";
import { parseScaled } from "../../core/decimal.js";

/**
 * Reading the recorded CSV files: a streaming line reader (files reach tens of MB), the layouts
 * the replay accepts, recognised by their exact header, and a fast exact decimal parser.
 */

export type CsvLayout = "binance-spot-l2" | "binance-usdm-l2" | "bybit-l2" | "ftx-candles" | "kraken-candles" | "lean-candles";

export const LAYOUT_HEADERS: Readonly<Record<CsvLayout, string>> = {
  "binance-spot-l2": "exchange_ts_ms,update_id,is_snapshot,side,price,qty",
  "binance-usdm-l2": "exchange_ts_ms,update_id,prev_update_id,is_snapshot,side,price,qty",
  "bybit-l2": "exchange_ts_ms,cts_ms,update_id,seq,is_snapshot,side,price,qty",
  "ftx-candles": "timestamp_ms,timestamp_utc,open,high,low,close,volume_usd",
  "kraken-candles": "open_time_ms,open_time_utc,open,high,low,close,vwap,volume_btc,trade_count",
  "lean-candles": "open_time_ms,open_time_utc,venue,instrument_type,symbol,open,high,low,close,volume",
};

export function isL2Layout(layout: CsvLayout): layout is "binance-spot-l2" | "binance-usdm-l2" | "bybit-l2" {
  return layout.endsWith("-l2");
}

/**
 * What a candle file may carry after its layout's columns: the perp's funding rate of that
 * minute (a fraction per funding interval, e.g. 0.0001), optionally followed by its open interest
 * in base units. A file without them reports no funding.
 */
export const DERIVATIVES_SUFFIXES = [",funding_rate", ",funding_rate,open_interest"] as const;

/** Column indexes of the funding rate and open interest in a candle file's rows, when it has them. */
export interface DerivativesColumns {
  fundingRate: number;
  openInterest?: number;
}

function cleanHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, "")
    .trim()
    .replace(/\s*,\s*/g, ",");
}

export function detectLayout(header: string, path: string): CsvLayout {
  const clean = cleanHeader(header);
  for (const [layout, expected] of Object.entries(LAYOUT_HEADERS) as [CsvLayout, string][]) {
    if (clean === expected) return layout;
    if (!isL2Layout(layout) && DERIVATIVES_SUFFIXES.some((suffix) => clean === expected + suffix)) return layout;
  }
  const accepted = Object.values(LAYOUT_HEADERS)
    .map((h) => `  ${h}`)
    .join("\n");
  throw new Error(`${path}: unrecognised CSV header "${clean}"; accepted headers:\n${accepted}\n(a candle header may end with ${DERIVATIVES_SUFFIXES.map((s) => `"${s}"`).join(" or ")})`);
}

/** Where a candle file's funding rate and open interest are, or undefined when it has none. */
export function derivativesColumns(header: string, layout: CsvLayout): DerivativesColumns | undefined {
  const names = cleanHeader(header).split(",");
  const base = LAYOUT_HEADERS[layout].split(",").length;
  if (isL2Layout(layout) || names[base] !== "funding_rate") return undefined;
  return names[base + 1] === "open_interest" ? { fundingRate: base, openInterest: base + 1 } : { fundingRate: base };
}

/** Data lines of one chunk of the file: lines[i] is line number firstLine + i (1-based). */
export interface CsvBatch {
  firstLine: number;
  lines: string[];
}

/**
 * Streams a CSV's data lines in batches, one per chunk read: per-line async iteration (readline)
 * costs more than parsing does on a 300k-row file. No quoting: none of the accepted layouts quote.
 * Empty lines are kept (callers skip them) so line numbers stay true.
 */
export async function* readCsv(path: string): AsyncGenerator<CsvBatch, void, undefined> {
  const input = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  let rest = "";
  let line = 1; // the header is line 1, skipped below
  let header = true;
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      if (header && lines.length > 0) {
        lines.shift();
        header = false;
      }
      yield { firstLine: line + 1, lines: lines.map(stripCr) };
      line += lines.length;
    }
    if (!header && rest.length > 0) yield { firstLine: line + 1, lines: [stripCr(rest)] };
  } finally {
    // A replay stopped early must not leak the file descriptor.
    input.destroy();
  }
}

function stripCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

/** Reads just the header line. */
export async function readHeader(path: string): Promise<string> {
  const input = createReadStream(path, { encoding: "utf8", highWaterMark: 64 * 1024 });
  let text = "";
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) return stripCr(text.slice(0, end));
    }
    if (text.length === 0) throw new Error(`${path}: empty file`);
    return stripCr(text);
  } finally {
    input.destroy();
  }
}

/**
 * A decimal string as an integer scaled by 10^scale, as a number. Plain "123.45" (what the files
 * hold) is read digit by digit, exactly (the digits and the power of ten are both exact integers
 * below 2^53); anything else, or more decimals than `scale`, goes through parseScaled with
 * half-up rounding. Throws (without a location: callers add it) when it is not a number or
 * not a safe integer.
 */
export function parseFixed(text: string, scale: number): number {
  let digits = 0;
  let decimals = -1;
  let plain = text.length > 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) {
      decimals = 0;
    } else {
      plain = false;
      break;
    }
  }
  let value: number;
  if (plain && decimals <= scale && Number.isSafeInteger(digits)) {
    value = digits * 10 ** (scale - Math.max(0, decimals));
  } else {
    value = Number(parseScaled(text, scale, "half-up"));
  }
  if (!Number.isSafeInteger(value)) throw new Error(`${text} is too large to hold exactly`);
  return value;
}
