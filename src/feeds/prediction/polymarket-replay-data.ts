import { createHash } from "node:crypto";
import type { Level } from "../../core/book.js";
import { parseScaled } from "../../core/decimal.js";
import { OUTCOME_PAYOUT_TICKS, OUTCOME_PRICE_DECIMALS, OUTCOME_SIZE_DECIMALS, tickSizeOf, type OutcomeTickSize } from "../../core/instrument.js";
import type { PredictionMarketInput } from "../../prediction/prediction-market.js";

/**
 * The recorded Polymarket samples (Marketlens, see ../shared/data/market/PROVENANCE.md §11–12),
 * pure: the two CSV texts in, the markets and one time-ordered list of what happened to them
 * out (each market reported, its tick changes, both tokens' books, its close and its
 * resolution). No I/O and no clock: the feed re-bases the recorded times and plays them.
 */

export const PM_REPLAY_MARKETS_FILE = "polymarket_btc_updown_markets_20260615.csv";
export const PM_REPLAY_BOOKS_FILE = "polymarket_btc_updown_book_snapshots_20260615.csv";

const MARKETS_HEADER = "market_id,condition_id,series,event,subtype,question,outcomes,winning_outcome,open_time,close_time,resolved_at,volume_usd,data_start,data_end,file";
const BOOKS_HEADER = "market_id,time,t_ms,best_bid,best_ask,midpoint,spread,bid_depth,ask_depth,bid_levels,ask_levels";

/**
 * The files carry no minimum order size; 5 shares is what Polymarket's short crypto up/down
 * markets use (and what the synthetic markets use), so paper orders meet the real floor.
 */
export const RECORDED_MIN_ORDER_SIZE = "5";

/** One recorded market: its first outcome is the one the book rows describe (Up), the second its complement. */
export interface RecordedMarket {
  readonly marketId: string;
  readonly conditionId: string;
  readonly series: string;
  readonly question: string;
  readonly outcomes: readonly [string, string];
  readonly winner: string;
  readonly openTime: number;
  readonly closeTime: number;
  readonly resolvedAt: number;
}

export interface OutcomeBookLevels {
  readonly bids: Level[];
  readonly asks: Level[];
}

/** What happens to market `market` (an index into `markets`) at recorded time `at` (epoch ms). */
export type RecordedEvent =
  | { readonly at: number; readonly market: number; readonly kind: "market" }
  | { readonly at: number; readonly market: number; readonly kind: "tick"; readonly tickSize: OutcomeTickSize }
  | { readonly at: number; readonly market: number; readonly kind: "book"; readonly primary: OutcomeBookLevels; readonly complement: OutcomeBookLevels }
  | { readonly at: number; readonly market: number; readonly kind: "closed" }
  | { readonly at: number; readonly market: number; readonly kind: "resolved" };

export interface PolymarketRecording {
  readonly markets: readonly RecordedMarket[];
  /** Ordered by time, then by market (file order), then as they happened to that market. */
  readonly events: readonly RecordedEvent[];
  /** Book rows left out because they came at or after their market's resolution (its books are emptied then). */
  readonly rowsAfterResolution: number;
}

/** A line of the file that cannot be read, with where it is. */
export class RecordingError extends Error {
  override readonly name = "RecordingError";
}

const TICK_001 = 100;
/** Ticks the recording may need, coarsest first (0.01 is the markets' tick, 0.001 near the extremes). */
const TICKS = [TICK_001, 10, 1];

/** Splits one CSV line; fields may be double-quoted (the questions hold commas). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
}

function rowsOf(text: string, header: string, file: string): Array<{ line: number; cells: string[] }> {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const head = (lines[0] ?? "").replace(/\r$/, "").trim();
  if (head !== header) throw new RecordingError(`${file}: header "${head}" is not the expected "${header}"`);
  const width = header.split(",").length;
  const rows: Array<{ line: number; cells: string[] }> = [];
  lines.slice(1).forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const cells = splitCsvLine(line);
    if (cells.length !== width) throw new RecordingError(`${file}:${i + 2}: ${cells.length} fields, expected ${width}`);
    rows.push({ line: i + 2, cells });
  });
  return rows;
}

function time(text: string, where: string, what: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isSafeInteger(ms)) throw new RecordingError(`${where}: ${what} "${text}" is not a UTC time like 2026-06-15T00:05:00Z`);
  return ms;
}

/** Derived ids: the files have no token ids, so each token's is a decimal number from its condition id and outcome (stable, like the CLOB's uint256 ids). */
export function recordedTokenId(conditionId: string, outcome: string): string {
  return BigInt(`0x${createHash("sha256").update(`${conditionId.toLowerCase()}:${outcome}`).digest("hex")}`).toString();
}

/** The condition id of a market in the `pass`-th play of the recording: the file's for the first, a derived one for each loop after (a resolved market never reopens). */
export function passConditionId(conditionId: string, pass: number): string {
  if (pass === 0) return conditionId.toLowerCase();
  return `0x${createHash("sha256").update(`replay-loop:${conditionId.toLowerCase()}:${pass}`).digest("hex")}`;
}

/** The market as the catalog takes it, in play `pass`, with its end date already on the domain clock. */
export function recordedMarketInput(m: RecordedMarket, pass: number, endDate: number): PredictionMarketInput {
  const conditionId = passConditionId(m.conditionId, pass);
  const openSeconds = Math.floor(m.openTime / 1000);
  return {
    conditionId,
    question: m.question,
    // Polymarket's up/down slugs are the series and the window's open time in epoch seconds.
    slug: pass === 0 ? `${m.series}-${openSeconds}` : `${m.series}-${openSeconds}-loop${pass}`,
    status: "open",
    endDate,
    tickSize: "0.01",
    minOrderSize: RECORDED_MIN_ORDER_SIZE,
    negRisk: false,
    category: "crypto",
    outcomes: m.outcomes.map((outcome) => ({ outcome, tokenId: recordedTokenId(conditionId, outcome) })),
    source: "replay",
  };
}

export function parseRecordedMarkets(text: string, file = PM_REPLAY_MARKETS_FILE): RecordedMarket[] {
  const seen = new Set<string>();
  return rowsOf(text, MARKETS_HEADER, file).map(({ line, cells }) => {
    const where = `${file}:${line}`;
    const [marketId = "", conditionId = "", series = "", , , question = "", outcomesText = "", winner = "", open = "", close = "", resolved = ""] = cells;
    if (!marketId || seen.has(marketId)) throw new RecordingError(`${where}: market_id "${marketId}" is empty or repeated`);
    seen.add(marketId);
    if (!/^0x[0-9a-fA-F]{64}$/.test(conditionId)) throw new RecordingError(`${where}: condition_id "${conditionId}" is not 0x and 64 hex digits`);
    if (!/^[a-z0-9-]+$/.test(series)) throw new RecordingError(`${where}: series "${series}" is not a slug`);
    const outcomes = outcomesText.split("|");
    if (outcomes.length !== 2 || outcomes[0] === outcomes[1] || outcomes.some((o) => o.trim() === "")) {
      throw new RecordingError(`${where}: outcomes "${outcomesText}" must be two different names like Up|Down (the book rows are the first's)`);
    }
    if (!outcomes.includes(winner)) throw new RecordingError(`${where}: winning_outcome "${winner}" is not one of ${outcomesText}`);
    const m: RecordedMarket = {
      marketId,
      conditionId: conditionId.toLowerCase(),
      series,
      question: question.trim(),
      outcomes: [outcomes[0]!, outcomes[1]!],
      winner,
      openTime: time(open, where, "open_time"),
      closeTime: time(close, where, "close_time"),
      resolvedAt: time(resolved, where, "resolved_at"),
    };
    if (!(m.openTime <= m.closeTime && m.closeTime <= m.resolvedAt)) throw new RecordingError(`${where}: open_time ≤ close_time ≤ resolved_at does not hold`);
    if (m.question === "") throw new RecordingError(`${where}: the question is empty`);
    return m;
  });
}

/**
 * One side of the recorded (first outcome's) book: `levels` price levels one tick apart from the
 * best price outward, holding `depth` shares between them. Only the touch and the totals were
 * recorded, so the depth is spread evenly in whole lots (0.01 share): each level gets
 * floor(depth / levels) and the levels nearest the touch one lot more until the total is exact.
 * Fewer levels when the range to the edge (tick … 1 − tick) or the lots run out.
 */
export function spreadSide(bestTicks: number, depthLots: bigint, levels: number, tickTicks: number, side: "bid" | "ask"): Level[] {
  const step = side === "bid" ? -tickTicks : tickTicks;
  const room = side === "bid" ? Math.floor((bestTicks - tickTicks) / tickTicks) + 1 : Math.floor((OUTCOME_PAYOUT_TICKS - tickTicks - bestTicks) / tickTicks) + 1;
  const n = BigInt(Math.max(1, Math.min(levels, room)));
  const count = depthLots < n ? depthLots : n;
  const base = depthLots / count;
  const extra = depthLots % count;
  const out: Level[] = [];
  for (let i = 0n; i < count; i++) out.push([bestTicks + Number(i) * step, Number(base + (i < extra ? 1n : 0n))]);
  return out;
}

/** The complement outcome's book: its bids are 1 − the first's asks, its asks 1 − its bids, the same sizes (best first stays best first). */
export function complementBook(book: OutcomeBookLevels): OutcomeBookLevels {
  return {
    bids: book.asks.map(([p, s]) => [OUTCOME_PAYOUT_TICKS - p, s] as const),
    asks: book.bids.map(([p, s]) => [OUTCOME_PAYOUT_TICKS - p, s] as const),
  };
}

interface BookRow {
  line: number;
  at: number;
  bid?: number;
  ask?: number;
  bidDepth: bigint;
  askDepth: bigint;
  bidLevels: number;
  askLevels: number;
}

function parseBookRow(cells: string[], where: string): BookRow {
  const [, , tMs, bestBid, bestAsk, , , bidDepth, askDepth, bidLevels, askLevels] = cells;
  const at = /^\d+$/.test(tMs!) ? Number(tMs) : Number.NaN;
  if (!Number.isSafeInteger(at)) throw new RecordingError(`${where}: t_ms "${tMs}" is not epoch milliseconds`);
  const price = (text: string, what: string): number | undefined => {
    if (text === "") return undefined;
    let ticks: bigint;
    try {
      ticks = parseScaled(text, OUTCOME_PRICE_DECIMALS, "exact");
    } catch {
      throw new RecordingError(`${where}: ${what} "${text}" is not a price with at most ${OUTCOME_PRICE_DECIMALS} decimals`);
    }
    if (ticks <= 0n || ticks >= BigInt(OUTCOME_PAYOUT_TICKS)) throw new RecordingError(`${where}: ${what} ${text} is not strictly between 0 and 1`);
    return Number(ticks);
  };
  const lots = (text: string, what: string): bigint => {
    try {
      const v = parseScaled(text, OUTCOME_SIZE_DECIMALS, "exact");
      if (v >= 0n) return v;
    } catch {
      // reported below
    }
    throw new RecordingError(`${where}: ${what} "${text}" is not a share count with at most ${OUTCOME_SIZE_DECIMALS} decimals`);
  };
  const count = (text: string, what: string): number => {
    if (!/^\d{1,6}$/.test(text)) throw new RecordingError(`${where}: ${what} "${text}" is not a level count`);
    return Number(text);
  };
  const row: BookRow = {
    line: 0,
    at,
    bidDepth: lots(bidDepth!, "bid_depth"),
    askDepth: lots(askDepth!, "ask_depth"),
    bidLevels: count(bidLevels!, "bid_levels"),
    askLevels: count(askLevels!, "ask_levels"),
  };
  const bid = price(bestBid!, "best_bid");
  const ask = price(bestAsk!, "best_ask");
  if (bid !== undefined) row.bid = bid;
  if (ask !== undefined) row.ask = ask;
  if (bid !== undefined && row.bidDepth === 0n) throw new RecordingError(`${where}: a best bid with no bid_depth`);
  if (ask !== undefined && row.askDepth === 0n) throw new RecordingError(`${where}: a best ask with no ask_depth`);
  if (bid !== undefined && ask !== undefined && bid >= ask) throw new RecordingError(`${where}: best_bid ${bestBid} is not below best_ask ${bestAsk} (a crossed book)`);
  return row;
}

/**
 * The tick a row needs, given the market's tick now: a price off the current tick moves it to
 * the coarsest tick that holds every price (0.001 near the extremes, as Polymarket does); back
 * to 0.01 once the prices are on it and away from the extremes (0.04 … 0.96, the CLOB's rule).
 */
function tickFor(row: BookRow, current: number): number {
  const prices = [row.bid, row.ask].filter((p): p is number => p !== undefined);
  if (prices.some((p) => p % current !== 0)) return TICKS.find((t) => prices.every((p) => p % t === 0))!;
  if (current !== TICK_001 && prices.length > 0 && prices.every((p) => p % TICK_001 === 0 && p >= 400 && p <= 9600)) return TICK_001;
  return current;
}

/** Both files' texts → the markets and the events, in the order a replay plays them. */
export function parsePolymarketRecording(marketsText: string, booksText: string): PolymarketRecording {
  const markets = parseRecordedMarkets(marketsText);
  const index = new Map(markets.map((m, i) => [m.marketId, i]));
  const rowsByMarket: BookRow[][] = markets.map(() => []);
  for (const { line, cells } of rowsOf(booksText, BOOKS_HEADER, PM_REPLAY_BOOKS_FILE)) {
    const where = `${PM_REPLAY_BOOKS_FILE}:${line}`;
    const i = index.get(cells[0]!);
    if (i === undefined) throw new RecordingError(`${where}: market_id "${cells[0]}" is not in ${PM_REPLAY_MARKETS_FILE}`);
    rowsByMarket[i]!.push({ ...parseBookRow(cells, where), line });
  }
  let rowsAfterResolution = 0;
  const keyed: Array<{ event: RecordedEvent; seq: number }> = [];
  markets.forEach((m, market) => {
    // Rows in time order (the file lists them so; stable for equal times). A row at or after the
    // resolution is dropped: the resolved market's books are emptied and must stay so.
    const rows = rowsByMarket[market]!.slice().sort((a, b) => a.at - b.at || a.line - b.line);
    const kept = rows.filter((r) => r.at < m.resolvedAt);
    rowsAfterResolution += rows.length - kept.length;
    const firstAt = Math.min(kept[0]?.at ?? m.openTime, m.closeTime);
    const own: RecordedEvent[] = [{ at: firstAt, market, kind: "market" }];
    let tick = TICK_001;
    let closed = false;
    for (const row of kept) {
      if (!closed && row.at >= m.closeTime) {
        own.push({ at: m.closeTime, market, kind: "closed" });
        closed = true;
      }
      const wanted = tickFor(row, tick);
      if (wanted !== tick) {
        tick = wanted;
        own.push({ at: row.at, market, kind: "tick", tickSize: tickSizeOf(tick) });
      }
      const primary: OutcomeBookLevels = {
        bids: row.bid === undefined ? [] : spreadSide(row.bid, row.bidDepth, row.bidLevels, tick, "bid"),
        asks: row.ask === undefined ? [] : spreadSide(row.ask, row.askDepth, row.askLevels, tick, "ask"),
      };
      own.push({ at: row.at, market, kind: "book", primary, complement: complementBook(primary) });
    }
    if (!closed) own.push({ at: m.closeTime, market, kind: "closed" });
    own.push({ at: m.resolvedAt, market, kind: "resolved" });
    own.forEach((event, seq) => keyed.push({ event, seq }));
  });
  keyed.sort((a, b) => a.event.at - b.event.at || a.event.market - b.event.market || a.seq - b.seq);
  return { markets, events: keyed.map((k) => k.event), rowsAfterResolution };
}
