/**
 * Matching-engine throughput: our OrderBook against the `nodejs-order-book` package on the
 * same pre-generated streams. Run with `npx tsx bench/matching.ts`.
 *
 * Streams (seeded, generated before any timing):
 *  a. no cancels: GTC limit orders within 10 ticks of a drifting mid (about 40% of them cross)
 *     plus 10% market orders: matching dominates;
 *  b. cancel-heavy, shaped like a real venue's message flow: 54–59% limits near the touch (8%
 *     of them aggressive), 35–40% cancels of orders live at that point (the share adapts so the
 *     book holds about 2,000 orders, as a real book's size is stable), 6% market orders.
 * "Orders/s" counts every message (limit, market or cancel) processed.
 *
 * Semantics are the same in both engines for these streams (price-time priority, unbounded
 * market orders, GTC limits, cancel of an unknown id is a no-op), so after each stream both
 * books must hold exactly the same resting orders; this is checked outside the timed part.
 */
import { pathToFileURL } from "node:url";
import { OrderBook as PeerBook, Side as PeerSide } from "nodejs-order-book";
import { type LimitRequest, type MarketRequest, OrderBook } from "../src/book/order-book.js";
import { createRng, type Rng } from "../src/core/rng.js";

const LIMIT = 0;
const MARKET = 1;
const CANCEL = 2;

export interface Stream {
  name: string;
  /** Realised shares of limit/cancel/market messages and the average number of resting orders. */
  mix: string;
  kinds: Uint8Array;
  ours: Array<LimitRequest | MarketRequest | string>;
  peer: Array<{ id: string; side: PeerSide; size: number; price: number } | { side: PeerSide; size: number } | string>;
}

export interface StreamShape {
  /** Share of cancels given how many orders are live: real books keep a roughly stable size. */
  cancelShare: (live: number) => number;
  marketShare: number;
  /** Price of a limit order, given the book as it stands and a drifting reference mid. */
  price: (rng: Rng, buy: boolean, book: OrderBook, mid: number) => number;
  marketLots: [min: number, max: number];
}

export const NO_CANCELS: StreamShape = {
  cancelShare: () => 0,
  marketShare: 0.1,
  price: (rng, buy, _book, mid) => mid + (buy ? 1 : -1) * rng.int(-10, 10),
  marketLots: [1, 20],
};

export const CANCEL_HEAVY: StreamShape = {
  // 35% while the book is thinner than ~2,000 orders, 40% above: it settles around that size.
  cancelShare: (live) => (live > 2_000 ? 0.4 : 0.35),
  marketShare: 0.06,
  // Quotes placed relative to the touch, as market makers do: mostly joining it or a few ticks
  // behind, sometimes improving the spread; 8% aggressive, through the far touch.
  price: (rng, buy, book, mid) => {
    const sign = buy ? 1 : -1;
    const near = (buy ? book.bestBid() : book.bestAsk()) ?? mid - sign;
    const far = (buy ? book.bestAsk() : book.bestBid()) ?? mid + sign;
    const roll = rng.next();
    if (roll < 0.08) return far + sign * rng.int(0, 2);
    if (roll < 0.15 && near + sign !== far) return near + sign;
    return near - sign * Math.floor(Math.abs(rng.normal()) * 3);
  },
  marketLots: [1, 10],
};

/**
 * Generates a stream. Picking cancels of LIVE orders needs to know which orders are live, so the
 * generator runs the stream through a reference OrderBook as it goes (untimed).
 */
export function generate(name: string, shape: StreamShape, count: number, seed: number): Stream {
  const rng = createRng(seed);
  const oracle = new OrderBook();
  const live: string[] = [];
  const liveAt = new Map<string, number>();
  const drop = (id: string): void => {
    const i = liveAt.get(id);
    if (i === undefined) return;
    const last = live.pop()!;
    if (last !== id) {
      live[i] = last;
      liveAt.set(last, i);
    }
    liveAt.delete(id);
  };
  const stream: Stream = { name, mix: "", kinds: new Uint8Array(count), ours: [], peer: [] };
  let liveSum = 0;
  let mid = 100_000;
  for (let n = 0; n < count; n++) {
    liveSum += live.length;
    if (rng.next() < 0.05) mid += rng.next() < 0.5 ? -1 : 1;
    const id = `o${n}`;
    const roll = rng.next();
    const cancelShare = shape.cancelShare(live.length);
    if (roll < cancelShare && live.length > 0) {
      const target = live[rng.int(0, live.length - 1)]!;
      oracle.cancel(target);
      drop(target);
      stream.kinds[n] = CANCEL;
      stream.ours.push(target);
      stream.peer.push(target);
      continue;
    }
    const buy = rng.next() < 0.5;
    const side = buy ? "BUY" : "SELL";
    const peerSide = buy ? PeerSide.BUY : PeerSide.SELL;
    let matchedIds: string[];
    if (roll < 1 - shape.marketShare || live.length === 0) {
      const price = shape.price(rng, buy, oracle, mid);
      const lots = rng.int(1, 10);
      const req: LimitRequest = { id, side, price, lots, owner: "bench", tif: "GTC" };
      const r = oracle.limit(req);
      if (r.rested) {
        liveAt.set(id, live.length);
        live.push(id);
      }
      matchedIds = r.matches.map((m) => m.makerId);
      stream.kinds[n] = LIMIT;
      stream.ours.push(req);
      stream.peer.push({ id, side: peerSide, size: lots, price });
    } else {
      const lots = rng.int(shape.marketLots[0], shape.marketLots[1]);
      const req: MarketRequest = { id, side, lots, owner: "bench" };
      matchedIds = oracle.market(req).matches.map((m) => m.makerId);
      stream.kinds[n] = MARKET;
      stream.ours.push(req);
      stream.peer.push({ side: peerSide, size: lots });
    }
    for (const maker of matchedIds) if (oracle.get(maker) === undefined) drop(maker);
  }
  const share = (kind: number): string => `${Math.round((100 * stream.kinds.filter((k) => k === kind).length) / count)}%`;
  stream.mix = `${share(LIMIT)} limit / ${share(CANCEL)} cancel / ${share(MARKET)} market, ~${Math.round(liveSum / count)} resting`;
  return stream;
}

export function runOurs(stream: Stream): OrderBook {
  const book = new OrderBook();
  const { kinds, ours } = stream;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === LIMIT) book.limit(ours[i] as LimitRequest);
    else if (kind === MARKET) book.market(ours[i] as MarketRequest);
    else book.cancel(ours[i] as string);
  }
  return book;
}

export function runPeer(stream: Stream): PeerBook {
  const book = new PeerBook();
  const { kinds, peer } = stream;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === LIMIT) book.limit(peer[i] as { id: string; side: PeerSide; size: number; price: number });
    else if (kind === MARKET) book.market(peer[i] as { side: PeerSide; size: number });
    else book.cancel(peer[i] as string);
  }
  return book;
}

/** Median orders/s over `repeats` runs, each on a fresh book. */
function measure<B>(stream: Stream, run: (s: Stream) => B, repeats: number): { perSecond: number; book: B } {
  const rates: number[] = [];
  let book!: B;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    book = run(stream);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(stream.kinds.length / seconds);
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(rates.length / 2)]!, book };
}

/** Resting lots, order count and touch of each engine, compared outside the timed part. */
function sameResting(ours: OrderBook, peer: PeerBook): { same: boolean; ours: string; peer: string } {
  const total = (levels: Array<[number, number]>): number => levels.reduce((s, [, lots]) => s + lots, 0);
  const oursBids = ours.depth("BUY", Number.MAX_SAFE_INTEGER);
  const oursAsks = ours.depth("SELL", Number.MAX_SAFE_INTEGER);
  const [peerAsks, peerBids] = peer.depth() as [Array<[number, number]>, Array<[number, number]>];
  const describe = (bids: Array<[number, number]>, asks: Array<[number, number]>): string =>
    `${total(bids) + total(asks)} lots, ${bids.length}+${asks.length} levels, touch ${bids[0]?.[0]}/${asks[0]?.[0]}`;
  const a = describe(oursBids, oursAsks);
  const b = describe(peerBids, peerAsks);
  const same = a === b && JSON.stringify(oursBids) === JSON.stringify(peerBids) && JSON.stringify(oursAsks) === JSON.stringify(peerAsks);
  return { same, ours: `${a}, ${ours.size()} orders`, peer: b };
}

export interface MatchingResult {
  stream: string;
  oursPerSecond: number;
  peerPerSecond: number;
  /** Both engines ended with the same resting book. */
  sameBook: boolean;
}

export async function runMatchingBench(options: { orders?: number; repeats?: number } = {}): Promise<MatchingResult[]> {
  // Sized so the whole run takes about half a minute: the peer's cancel scans its price level's
  // queue (O(orders at that price)), which makes it slow on the cancel-heavy stream.
  const orders = options.orders ?? 300_000;
  const repeats = options.repeats ?? 3;

  // Warm-up on separate streams, so both engines are optimised before anything is timed.
  for (const warm of [generate("warm-a", NO_CANCELS, 50_000, 11), generate("warm-b", CANCEL_HEAVY, 50_000, 12)]) {
    for (let i = 0; i < 3; i++) {
      runOurs(warm);
      runPeer(warm);
    }
  }

  const rows: Array<Record<string, string>> = [];
  const checks: string[] = [];
  const results: MatchingResult[] = [];
  const shapes: Array<[string, StreamShape, number]> = [
    ["a. no cancels", NO_CANCELS, 1],
    ["b. cancel-heavy", CANCEL_HEAVY, 2],
  ];
  for (const [name, shape, seed] of shapes) {
    const stream = generate(name, shape, orders, seed);
    const ours = measure(stream, runOurs, repeats);
    const peer = measure(stream, runPeer, repeats);
    const check = sameResting(ours.book, peer.book);
    rows.push({
      stream: name,
      mix: stream.mix,
      orders: String(orders),
      "ours (orders/s)": Math.round(ours.perSecond).toLocaleString("en-US"),
      "peer (orders/s)": Math.round(peer.perSecond).toLocaleString("en-US"),
      "ours/peer": `${(ours.perSecond / peer.perSecond).toFixed(2)}x`,
    });
    results.push({ stream: name, oursPerSecond: ours.perSecond, peerPerSecond: peer.perSecond, sameBook: check.same });
    checks.push(`${name}: ${check.same ? "same resting book" : "DIFFERENT resting book"} (ours ${check.ours}; peer ${check.peer})`);
    if (!check.same) process.exitCode = 1;
  }

  console.log(`matching engine, median of ${repeats} runs, nodejs-order-book as peer`);
  console.table(rows);
  for (const line of checks) console.log(line);
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMatchingBench();
}
