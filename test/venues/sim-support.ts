import fc from "fast-check";
import type { Level } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import type { Micro } from "../../src/core/money.js";
import type { OrderSide, TimeInForce } from "../../src/core/types.js";
import type { SimOptions } from "../../src/venues/sim/options.js";
import { SimVenue } from "../../src/venues/sim/sim-venue.js";
import type { OrderReport, PlaceOrder } from "../../src/venues/venue.js";

/**
 * Helpers of the simulator's own tests. Markets are the defaults: on BTC (1 price decimal,
 * 5 size decimals) and ETH (2 and 4) one tick times one lot is exactly one micro-dollar, so a
 * fill's notional in micro-dollars is ticks x lots and the expected values stay readable.
 */
export const T0 = Date.parse("2026-01-01T00:00:00Z");

export function sim(options: Partial<SimOptions> = {}): { venue: SimVenue; clock: ManualClock; updates: OrderReport[] } {
  const clock = new ManualClock(T0);
  const venue = new SimVenue({ clock, ...options });
  const updates: OrderReport[] = [];
  venue.onOrderUpdate((r) => updates.push(r));
  return { venue, clock, updates };
}

export function snapshot(venue: SimVenue, clock: ManualClock, bids: Level[], asks: Level[], symbol = "BTC"): void {
  venue.applyBookUpdate({ symbol, ts: clock.now(), kind: "snapshot", bids, asks });
}

export function delta(venue: SimVenue, clock: ManualClock, bids: Level[], asks: Level[], symbol = "BTC"): void {
  venue.applyBookUpdate({ symbol, ts: clock.now(), kind: "delta", bids, asks });
}

let orderCounter = 0;

/** A 1x market IOC order on BTC unless told otherwise, with a fresh client id. */
export function order(o: Partial<PlaceOrder> & { accountId: string; side: OrderSide; lots: number }): PlaceOrder {
  return { clientOrderId: `o-${++orderCounter}`, symbol: "BTC", type: "MARKET", timeInForce: "IOC", leverage: 100, ...o };
}

export function limit(accountId: string, side: OrderSide, priceTicks: number, lots: number, timeInForce: TimeInForce = "GTC", extra: Partial<PlaceOrder> = {}): PlaceOrder {
  return order({ accountId, side, lots, type: "LIMIT", priceTicks, timeInForce, ...extra });
}

/**
 * An account's cash. It is not on the Venue port (the database holds the ledger), so the test
 * reads the simulator's derived account state directly.
 */
export function cashOf(venue: SimVenue, accountId: string): Micro {
  const accounts = (venue as unknown as { accounts: Map<string, { cash: Micro }> }).accounts;
  const account = accounts.get(accountId);
  if (!account) throw new Error(`no simulator account ${accountId}`);
  return account.cash;
}

/** JSON with bigints spelled out, for bit-for-bit comparisons of reports. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

// ---- random streams of market and order events (fast-check) ----

export type SimOp =
  | { kind: "book"; symbol: string; snapshot: boolean; bids: Level[]; asks: Level[] }
  | {
      kind: "place";
      account: string;
      symbol: string;
      side: OrderSide;
      type: "MARKET" | "LIMIT";
      tif: TimeInForce;
      price: number;
      lots: number;
      postOnly: boolean;
      reduceOnly: boolean;
      leverage: number;
      ttlMs: number;
      /** Index of an earlier client id to send again (a retry), or null for a new order. */
      reuse: number | null;
      /** Sent without waiting for the previous placements: with latency, the drawn delays decide which executes first. */
      burst: boolean;
    }
  | { kind: "cancel"; account: string; pick: number }
  | { kind: "advance"; ms: number };

/**
 * Each update quotes around a center that wanders within ±30 ticks of 100 000, so resting
 * orders placed away from the touch are crossed by later updates and fill as makers. Limit
 * prices straddle the whole range. A delta may leave the feed crossed for a while, as a bad
 * feed would: the invariants must hold anyway.
 */
const levelsAround = (center: number, sign: 1 | -1): fc.Arbitrary<Level[]> =>
  fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 6 }).map((ls) => ls.map(([offset, size]) => [center + sign * offset, size] as const));

const SYMBOLS = ["BTC", "ETH"] as const;

const bookArb = (symbol: fc.Arbitrary<string>, snapshot: fc.Arbitrary<boolean>): fc.Arbitrary<SimOp> =>
  fc.integer({ min: 99_970, max: 100_030 }).chain((center) =>
    fc.record({
      kind: fc.constant("book" as const),
      symbol,
      snapshot,
      bids: levelsAround(center, -1),
      asks: levelsAround(center, 1),
    }),
  );

/** A stream that starts with a snapshot of every market (orders before any book are only rejections). */
export function streamArb(accounts: readonly string[], maxLength: number): fc.Arbitrary<SimOp[]> {
  return fc
    .tuple(bookArb(fc.constant("BTC"), fc.constant(true)), bookArb(fc.constant("ETH"), fc.constant(true)), fc.array(opArb(accounts), { minLength: 1, maxLength, size: "max" }))
    .map(([btc, eth, rest]) => [btc, eth, ...rest]);
}

export function opArb(accounts: readonly string[]): fc.Arbitrary<SimOp> {
  const symbol = fc.constantFrom(...SYMBOLS);
  return fc.oneof(
    { weight: 4, arbitrary: bookArb(symbol, fc.boolean()) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant("place" as const),
        account: fc.constantFrom(...accounts),
        symbol,
        side: fc.constantFrom<OrderSide>("BUY", "SELL"),
        type: fc.constantFrom("MARKET" as const, "LIMIT" as const),
        tif: fc.constantFrom<TimeInForce>("GTC", "GTT", "IOC", "FOK"),
        price: fc.integer({ min: 99_940, max: 100_060 }),
        lots: fc.integer({ min: 1, max: 120 }),
        postOnly: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
        reduceOnly: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
        leverage: fc.constantFrom(100, 300, 1000),
        ttlMs: fc.integer({ min: 1, max: 5_000 }),
        reuse: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
        burst: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), account: fc.constantFrom(...accounts), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 3_000 }) }) },
  );
}

/**
 * Runs a stream on a venue and hands every report it produced to `onReport`, in the order they
 * arrive: the answers to placeOrder / cancelOrder and the updates pushed through onOrderUpdate.
 * `wait` lets a caller drive fake timers while placements wait out their latency; `afterOp` runs
 * once an event has been fully handled and nothing is in flight (a book update may fill several
 * resting orders before it reports any of them).
 */
export async function runOps(
  venue: SimVenue,
  clock: ManualClock,
  ops: readonly SimOp[],
  onReport: (r: OrderReport) => void,
  wait: <T>(p: Promise<T>) => Promise<T> = (p) => p,
  afterOp: () => void = () => {},
): Promise<void> {
  const unsubscribe = venue.onOrderUpdate(onReport);
  const sent: string[] = [];
  let inFlight: Promise<void>[] = [];
  const settle = async () => {
    if (inFlight.length === 0) return;
    await wait(Promise.all(inFlight));
    inFlight = [];
  };
  try {
    for (const op of ops) {
      if (op.kind !== "place" || !op.burst) await settle();
      if (op.kind === "book") {
        venue.applyBookUpdate({ symbol: op.symbol, ts: clock.now(), kind: op.snapshot ? "snapshot" : "delta", bids: op.bids, asks: op.asks });
      } else if (op.kind === "advance") {
        clock.advance(op.ms);
      } else if (op.kind === "cancel") {
        if (sent.length > 0) onReport(await venue.cancelOrder(op.account, sent[op.pick % sent.length]!));
      } else {
        // A retry reuses an earlier client id (same request again): it must never place twice.
        const clientOrderId = op.reuse !== null && sent.length > 0 ? sent[op.reuse % sent.length]! : `c-${sent.length + 1}`;
        if (!sent.includes(clientOrderId)) sent.push(clientOrderId);
        const req: PlaceOrder = {
          clientOrderId,
          accountId: op.account,
          symbol: op.symbol,
          side: op.side,
          type: op.type,
          lots: op.lots,
          timeInForce: op.type === "MARKET" ? "IOC" : op.tif,
          leverage: op.leverage,
          ...(op.type === "LIMIT" ? { priceTicks: op.price } : {}),
          ...(op.type === "LIMIT" && op.tif === "GTT" ? { expiresAt: clock.now() + op.ttlMs } : {}),
          ...(op.postOnly && op.type === "LIMIT" ? { postOnly: true } : {}),
          ...(op.reduceOnly ? { reduceOnly: true } : {}),
        };
        const placed = venue.placeOrder(req);
        if (op.burst) inFlight.push(placed.then(onReport));
        else onReport(await wait(placed));
      }
      if (inFlight.length === 0) afterOp();
    }
    await settle();
    afterOp();
  } finally {
    unsubscribe();
  }
}
