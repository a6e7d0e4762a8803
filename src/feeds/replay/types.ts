import type { BookUpdate } from "../../core/book.js";
import type { MarketSpec } from "../../core/market.js";
import type { DerivativesSnapshot } from "../../market/derivatives.js";
import type { TradePrint } from "../feed.js";
import type { CsvLayout } from "./csv.js";

/** One step of a replay: a book update and the volume that traded with it (candle replays only). */
export interface ReplayItem {
  update: BookUpdate;
  trades: TradePrint[];
  /** The funding rate and open interest of the step, when the file has them (candle files with a funding_rate column). */
  derivatives?: DerivativesSnapshot;
}

/** What a replay source counted while reading one file; shown by describe() and the benchmark. */
export interface ReplayFileStats {
  path: string;
  symbol: string;
  layout: CsvLayout;
  /** Data rows read (header excluded). */
  rows: number;
  /** L2: venue messages (rows grouped by update id), snapshot included. Candles: candles read. */
  messages: number;
  /** Book updates emitted. */
  updates: number;
  /** L2 diffs dropped by the sequence rule (at or before the snapshot), or candles filtered out. */
  dropped: number;
  /** L2 diffs that broke the sequence (a gap or a reordering); the replay applies them anyway. */
  sequenceErrors: number;
  /** L2: the snapshot's update id. */
  snapshotId?: number;
  /** L2: the first diff applied after the snapshot. */
  firstApplied?: { updateId: number; prevUpdateId?: number };
}

/** A source of replay items for one file; a fresh call of open() starts from the top. */
export interface ReplaySource {
  readonly path: string;
  readonly market: MarketSpec;
  readonly stats: ReplayFileStats;
  open(): AsyncGenerator<ReplayItem, void, undefined>;
}

/** Counts describe one pass over the file: a looping replay starts them again. */
export function resetStats(stats: ReplayFileStats): void {
  stats.rows = 0;
  stats.messages = 0;
  stats.updates = 0;
  stats.dropped = 0;
  stats.sequenceErrors = 0;
  delete stats.snapshotId;
  delete stats.firstApplied;
}
