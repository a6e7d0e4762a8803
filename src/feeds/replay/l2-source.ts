import type { BookUpdate } from "../../core/book.js";
import type { MarketSpec } from "../../core/market.js";
import { l2Messages, type L2Layout, type Message } from "./l2-rows.js";
import { TickBook } from "./tick-book.js";
import { type ReplayFileStats, type ReplaySource, resetStats } from "./types.js";

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
      for await (const message of l2Messages(path, layout, stats)) {
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
          book.commit();
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
        for (let i = 0; i < message.prices.length; i++) book.set(message.asks[i] ? "asks" : "bids", message.prices[i]!, message.sizes[i]!);
        const update: BookUpdate = { symbol: market.symbol, ts, kind: "delta", bids: book.changes("bids"), asks: book.changes("asks") };
        book.commit();
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
