import { createReadStream } from "node:fs";
import { type CsvLayout, parseFixed } from "./csv.js";
import { RAW_DECIMALS } from "./tick-book.js";
import type { ReplayFileStats } from "./types.js";

/**
 * The rows of a recorded L2 file, grouped into venue messages, read from the file's bytes.
 *
 * Splitting 300,000 lines into strings and each line into six more cost most of a replay. Rows
 * are read here straight from the bytes when every field is in the plain form the recorded files
 * use (digits, at most one point, the side as a word); anything else (a sign, an exponent, spaces,
 * too few fields, a bad side) goes through the same code on the line's text, so every row gives
 * the numbers, messages and errors (with the line number) that reading the text gives.
 */

export type L2Layout = Extract<CsvLayout, "binance-spot-l2" | "binance-usdm-l2" | "bybit-l2">;

/** Column positions per layout (see README.md). */
export const COLUMNS: Record<L2Layout, { ts: number; id: number; prev?: number; snapshot: number; side: number; price: number; qty: number }> = {
  "binance-spot-l2": { ts: 0, id: 1, snapshot: 2, side: 3, price: 4, qty: 5 },
  "binance-usdm-l2": { ts: 0, id: 1, prev: 2, snapshot: 3, side: 4, price: 5, qty: 6 },
  "bybit-l2": { ts: 0, id: 2, snapshot: 4, side: 5, price: 6, qty: 7 },
};

/** One venue message: its levels in parallel arrays (300k rows: one object per row is GC-heavy). */
export interface Message {
  ts: number;
  id: number;
  idText: string;
  prev?: number;
  snapshot: boolean;
  asks: boolean[];
  prices: number[];
  sizes: number[];
}

type Columns = (typeof COLUMNS)[L2Layout];

/** true for the ask side. */
function parseSide(text: string | undefined): boolean {
  if (text === "ask" || text === "sell" || text === "a" || text === "Sell") return true;
  if (text === "bid" || text === "buy" || text === "b" || text === "Buy") return false;
  throw new Error(`side must be bid/ask (or buy/sell), got "${text}"`);
}

function parseId(text: string | undefined): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`update id "${text}" is not a non-negative integer`);
  return value;
}

function startMessage(fields: string[], col: Columns): Message {
  const ts = Number(fields[col.ts]);
  if (!Number.isSafeInteger(ts)) throw new Error(`timestamp "${fields[col.ts]}" is not integer milliseconds`);
  const idText = fields[col.id] ?? "";
  const message: Message = { ts, id: parseId(idText), idText, snapshot: fields[col.snapshot] === "1", asks: [], prices: [], sizes: [] };
  const prevText = col.prev === undefined ? "" : (fields[col.prev] ?? "");
  if (prevText !== "") message.prev = parseId(prevText);
  return message;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const ONE = 49;
/** 10 ** k for the scale arithmetic, the very doubles `10 ** k` gives. */
const POW10 = Array.from({ length: RAW_DECIMALS + 1 }, (_, k) => 10 ** k);
/** Fields a fast row may have (the widest layout has 8). */
const MAX_FIELDS = 16;

/** The side words, as bytes: [bytes, is ask]. */
const SIDES: ReadonlyArray<readonly [Buffer, boolean]> = [
  [Buffer.from("ask"), true],
  [Buffer.from("sell"), true],
  [Buffer.from("a"), true],
  [Buffer.from("Sell"), true],
  [Buffer.from("bid"), false],
  [Buffer.from("buy"), false],
  [Buffer.from("b"), false],
  [Buffer.from("Buy"), false],
];

function sameBytes(buf: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word[i]) return false;
  return true;
}

/** 1 ask, 0 bid, -1 not a side word. */
function sideAt(buf: Buffer, start: number, end: number): number {
  for (let i = 0; i < SIDES.length; i++) {
    const [word, ask] = SIDES[i]!;
    if (sameBytes(buf, start, end, word)) return ask ? 1 : 0;
  }
  return -1;
}

/** A field of 1 to 15 digits (always a safe integer, what Number() gives for it), else -1. */
function digitsAt(buf: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/**
 * parseFixed(text, RAW_DECIMALS) for a field of digits with at most one point, by the same
 * arithmetic; -1 for anything parseFixed would read another way or refuse (the text path decides).
 */
function fixedAt(buf: Buffer, start: number, end: number): number {
  if (end <= start) return -1;
  let digits = 0;
  let decimals = -1;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= ZERO && c <= NINE) {
      digits = digits * 10 + (c - ZERO);
      if (decimals >= 0) decimals++;
    } else if (c === DOT && decimals < 0) {
      decimals = 0;
    } else {
      return -1;
    }
  }
  if (decimals > RAW_DECIMALS || !Number.isSafeInteger(digits)) return -1;
  const value = digits * POW10[RAW_DECIMALS - Math.max(0, decimals)]!;
  return Number.isSafeInteger(value) ? value : -1;
}

/**
 * Reads rows of one message (same update id and snapshot flag) into Message objects, in file
 * order. The recorded files write each message's rows together, snapshot first.
 */
export async function* l2Messages(path: string, layout: L2Layout, stats: ReplayFileStats, chunkBytes = 1 << 20): AsyncGenerator<Message, void, undefined> {
  const col = COLUMNS[layout];
  const needed = Math.max(col.ts, col.id, col.snapshot, col.side, col.price, col.qty, col.prev ?? 0) + 1;
  const starts = new Int32Array(MAX_FIELDS);
  const ends = new Int32Array(MAX_FIELDS);
  let current: Message | undefined;
  /** current.idText as bytes, to find a message's end without making a string per row. */
  let currentId = Buffer.alloc(0);
  let done: Message[] = [];

  /** The row from its text: what every row went through before bytes were read. */
  const textRow = (text: string): void => {
    const fields = text.split(",");
    // Comparing the id's text is enough to find message boundaries; parse only new ones.
    if (!current || current.idText !== fields[col.id] || current.snapshot !== (fields[col.snapshot] === "1")) {
      if (current) done.push(current);
      current = startMessage(fields, col);
      currentId = Buffer.from(current.idText);
    }
    current.asks.push(parseSide(fields[col.side]));
    current.prices.push(parseFixed(fields[col.price] ?? "", RAW_DECIMALS));
    current.sizes.push(parseFixed(fields[col.qty] ?? "", RAW_DECIMALS));
  };

  /** A row in the plain form, straight from the bytes; false (nothing done) for any other. */
  const byteRow = (buf: Buffer, start: number, end: number): boolean => {
    // Field k spans [starts[k], ends[k]).
    let n = 0;
    starts[0] = start;
    for (let i = start; i < end; i++) {
      if (buf[i] === COMMA) {
        if (n === MAX_FIELDS - 1) return false;
        ends[n++] = i;
        starts[n] = i + 1;
      }
    }
    ends[n] = end;
    if (n + 1 < needed) return false;
    const side = sideAt(buf, starts[col.side]!, ends[col.side]!);
    const price = fixedAt(buf, starts[col.price]!, ends[col.price]!);
    const size = fixedAt(buf, starts[col.qty]!, ends[col.qty]!);
    if (side < 0 || price < 0 || size < 0) return false;
    const snapshot = ends[col.snapshot]! - starts[col.snapshot]! === 1 && buf[starts[col.snapshot]!] === ONE;
    const idStart = starts[col.id]!;
    const idEnd = ends[col.id]!;
    // Digits only: then equal bytes are equal text, what the text path compares.
    const id = digitsAt(buf, idStart, idEnd);
    if (id < 0) return false;
    if (!current || current.snapshot !== snapshot || !sameBytes(buf, idStart, idEnd, currentId)) {
      const ts = digitsAt(buf, starts[col.ts]!, ends[col.ts]!);
      let prev: number | undefined;
      if (col.prev !== undefined && ends[col.prev]! > starts[col.prev]!) {
        prev = digitsAt(buf, starts[col.prev]!, ends[col.prev]!);
        if (prev < 0) return false;
      }
      if (ts < 0) return false;
      if (current) done.push(current);
      current = { ts, id, idText: buf.toString("latin1", idStart, idEnd), snapshot, asks: [], prices: [], sizes: [] };
      if (prev !== undefined) current.prev = prev;
      currentId = Buffer.from(buf.subarray(idStart, idEnd));
    }
    current.asks.push(side === 1);
    current.prices.push(price);
    current.sizes.push(size);
    return true;
  };

  const row = (buf: Buffer, start: number, end: number, line: number): void => {
    if (end > start && buf[end - 1] === CR) end--; // a CRLF file: one \r dropped, as the text reader does
    if (end === start) return; // empty lines keep their number and nothing else
    stats.rows++;
    try {
      if (!byteRow(buf, start, end)) textRow(buf.toString("utf8", start, end));
    } catch (error) {
      throw new Error(`${path}:${line}: ${(error as Error).message}`);
    }
  };

  const input = createReadStream(path, { highWaterMark: chunkBytes });
  let rest: Buffer | undefined;
  let line = 1; // the header is line 1, skipped below
  let header = true;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const buf = chunk;
      let start = 0;
      if (rest) {
        // The line the last chunk cut: joined with its end alone, not the whole chunk.
        const nl = chunk.indexOf(LF);
        if (nl < 0) {
          rest = Buffer.concat([rest, chunk]);
          continue;
        }
        const joined = Buffer.concat([rest, chunk.subarray(0, nl)]);
        if (header) header = false;
        else row(joined, 0, joined.length, ++line);
        start = nl + 1;
        rest = undefined;
      }
      for (let nl = buf.indexOf(LF, start); nl >= 0; nl = buf.indexOf(LF, start)) {
        if (header) header = false;
        else row(buf, start, nl, ++line);
        start = nl + 1;
      }
      rest = start < buf.length ? buf.subarray(start) : undefined;
      // A chunk holds many messages: collected synchronously, then handed on.
      const ready = done;
      done = [];
      yield* ready;
    }
    if (!header && rest) row(rest, 0, rest.length, ++line);
  } finally {
    // A replay stopped early must not leak the file descriptor.
    input.destroy();
  }
  yield* done;
  if (current) yield current;
}
