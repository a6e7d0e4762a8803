import type { BookUpdate } from "../../core/book.js";
import type { MarketSpec } from "../../core/market.js";
import { type CsvLayout, parseFixed, readCsv } from "./csv.js";
import { RAW_DECIMALS, TickBook } from "./tick-book.js";
import { type ReplayFileStats, type ReplaySource, resetStats } from "./types.js";

type L2Layout = Extract<CsvLayout, "binance-spot-l2" | "binance-usdm-l2" | "bybit-l2">;

/** Column positions per layout (see README.md). */
const COLUMNS: Record<L2Layout, { ts: number; id: number; prev?: number; snapshot: number; side: number; price: number; qty: number }> = {
  "binance-spot-l2": { ts: 0, id: 1, snapshot: 2, side: 3, price: 4, qty: 5 },
  "binance-usdm-l2": { ts: 0, id: 1, prev: 2, snapshot: 3, side: 4, price: 5, qty: 6 },
  "bybit-l2": { ts: 0, id: 2, snapshot: 4, side: 5, price: 6, qty: 7 },
};

/** One venue message: its levels in parallel arrays (300k rows: one object per row is GC-heavy). */
interface Message {
  ts: number;
  id: number;
  idText: string;
  prev?: number;
  snapshot: boolean;
  asks: boolean[];
  prices: number[];
  sizes: number[];
}

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

function startMessage(fields: string[], col: (typeof COLUMNS)[L2Layout]): Message {
  const ts = Number(fields[col.ts]);
  if (!Number.isSafeInteger(ts)) throw new Error(`timestamp "${fields[col.ts]}" is not integer milliseconds`);
  const idText = fields[col.id] ?? "";
  const message: Message = { ts, id: parseId(idText), idText, snapshot: fields[col.snapshot] === "1", asks: [], prices: [], sizes: [] };
  const prevText = col.prev === undefined ? "" : (fields[col.prev] ?? "");
  if (prevText !== "") message.prev = parseId(prevText);
  return message;
}

/**
 * Reads rows of one message (same update id and snapshot flag) into Message objects, in file
 * order. The recorded files write each message's rows together, snapshot first.
 */
async function* messages(path: string, layout: L2Layout, stats: ReplayFileStats): AsyncGenerator<Message, void, undefined> {
  const col = COLUMNS[layout];
  let current: Message | undefined;
  for await (const { firstLine, lines } of readCsv(path)) {
    // A chunk holds many messages: collect them synchronously, then hand them on.
    const done: Message[] = [];
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i]!;
      if (text.length === 0) continue;
      stats.rows++;
      try {
        const fields = text.split(",");
        // Comparing the id's text is enough to find message boundaries; parse only new ones.
        if (!current || current.idText !== fields[col.id] || current.snapshot !== (fields[col.snapshot] === "1")) {
          if (current) done.push(current);
          current = startMessage(fields, col);
        }
        current.asks.push(parseSide(fields[col.side]));
        current.prices.push(parseFixed(fields[col.price] ?? "", RAW_DECIMALS));
        current.sizes.push(parseFixed(fields[col.qty] ?? "", RAW_DECIMALS));
      } catch (error) {
        throw new Error(`${path}:${firstLine + i}: ${(error as Error).message}`);
      }
    }
    yield* done;
  }
  if (current) yield current;
}

/**
 * An L2 file as book updates, applying the venue's sequence rules (PROVENANCE.md, "How to
 * replay"): the snapshot first; Binance spot drops diffs with update_id ≤ the snapshot's id,
 * USDⓈ-M drops update_id < id, Bybit drops update_id ≤ id. After that each message becomes one
 * delta. Continuity is checked where the file allows (USDⓈ-M: prev_update_id = last update_id;
 * Bybit: update_id = last + 1; spot stores no first id, so only increasing ids) and breaks are
 * counted in stats.sequenceErrors. Timestamps never go backwards: the USDⓈ-M snapshot carries
 * its REST time, later than the first diffs, and downstream clocks must not run back.
 */
export function createL2Source(path: string, layout: L2Layout, market: MarketSpec, stats: ReplayFileStats): ReplaySource {
  return {
    path,
    market,
    stats,
    async *open() {
      resetStats(stats);
      const book = new TickBook(market);
      let snapshotId: number | undefined;
      let lastId: number | undefined;
      let lastTs = -Infinity;
      for await (const message of messages(path, layout, stats)) {
        stats.messages++;
        const ts = Math.max(lastTs, message.ts);
        lastTs = ts;
        if (message.snapshot) {
          // A second snapshot (Bybit after a service restart) replaces the book entirely.
          book.clear();
          for (let i = 0; i < message.prices.length; i++) book.set(message.asks[i] ? "asks" : "bids", message.prices[i]!, message.sizes[i]!);
          snapshotId = message.id;
          stats.snapshotId = message.id;
          lastId = undefined;
          const update: BookUpdate = { symbol: market.symbol, ts, kind: "snapshot", bids: book.levels("bids"), asks: book.levels("asks") };
          stats.updates++;
          yield { update, trades: [] };
          continue;
        }
        const stale = snapshotId === undefined || (layout === "binance-usdm-l2" ? message.id < snapshotId : message.id <= snapshotId);
        if (stale) {
          stats.dropped++;
          continue;
        }
        if (lastId === undefined) {
          stats.firstApplied = { updateId: message.id, ...(message.prev === undefined ? {} : { prevUpdateId: message.prev }) };
          if (!firstDiffFits(layout, message, snapshotId!)) stats.sequenceErrors++;
        } else if (!followsOn(layout, message, lastId)) {
          stats.sequenceErrors++;
        }
        lastId = message.id;
        const touched = { bids: new Set<number>(), asks: new Set<number>() };
        for (let i = 0; i < message.prices.length; i++) {
          const side = message.asks[i] ? "asks" : "bids";
          touched[side].add(book.set(side, message.prices[i]!, message.sizes[i]!));
        }
        const update: BookUpdate = {
          symbol: market.symbol,
          ts,
          kind: "delta",
          bids: book.changes("bids", touched.bids),
          asks: book.changes("asks", touched.asks),
        };
        stats.updates++;
        yield { update, trades: [] };
      }
    },
  };
}

/** The first diff after snapshot L must bridge it: spot u ≥ L+1 (U is not stored), USDⓈ-M pu < L ≤ u, Bybit u = L+1. */
function firstDiffFits(layout: L2Layout, m: Message, snapshotId: number): boolean {
  if (layout === "binance-usdm-l2") return m.prev !== undefined && m.prev < snapshotId && snapshotId <= m.id;
  if (layout === "bybit-l2") return m.id === snapshotId + 1;
  return m.id >= snapshotId + 1;
}

function followsOn(layout: L2Layout, m: Message, lastId: number): boolean {
  if (layout === "binance-usdm-l2") return m.prev === lastId;
  if (layout === "bybit-l2") return m.id === lastId + 1;
  return m.id > lastId;
}
