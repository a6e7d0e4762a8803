import { describe, expect, it } from "vitest";
import type { MarketSpec } from "../../../src/core/market.js";
import { BookStream, type OrderBookFrame } from "../../../src/feeds/lighter/book-stream.js";

/** Lighter's BTC perp: prices to 0.1 (ticks), sizes to 0.00001 (lots). */
const BTC: MarketSpec = { symbol: "BTC", marketId: 1, sizeDecimals: 5, priceDecimals: 1, minBaseLots: 10, minNotional: 10_000_000n, maxLeverage: 50, maintenanceMarginBps: 120 };

const level = (price: string, size: string) => ({ price, size });

function snapshot(nonce: number, asks: { price: string; size: string }[], bids: { price: string; size: string }[], timestamp = 1_766_000_000_000): OrderBookFrame {
  return { type: "subscribed/order_book", timestamp, order_book: { asks, bids, nonce, begin_nonce: 0 } };
}

function diff(beginNonce: number | undefined, nonce: number, asks: { price: string; size: string }[], bids: { price: string; size: string }[], timestamp = 1_766_000_000_050): OrderBookFrame {
  return { type: "update/order_book", timestamp, order_book: { asks, bids, nonce, ...(beginNonce === undefined ? {} : { begin_nonce: beginNonce }) } };
}

describe("BookStream (Lighter order_book channel)", () => {
  it("a snapshot becomes a snapshot update with exact integer ticks and lots", () => {
    const stream = new BookStream(BTC);
    expect(stream.isSynced).toBe(false);
    const step = stream.step(snapshot(36_956_919, [level("64022.8", "3.12552"), level("64023.0", "0.00010")], [level("64020.1", "0.17551"), level("64000.0", "12.00000")]), 1);
    // "64022.8" x 10^1 = 640228 ticks; "3.12552" x 10^5 = 312552 lots; "0.00010" = 10 lots;
    // "64023.0" = 640230; "64020.1" = 640201; "0.17551" = 17551; "64000.0" = 640000; "12.00000" = 1200000.
    expect(step).toEqual({
      kind: "update",
      update: {
        symbol: "BTC",
        ts: 1_766_000_000_000,
        kind: "snapshot",
        asks: [
          [640_228, 312_552],
          [640_230, 10],
        ],
        bids: [
          [640_201, 17_551],
          [640_000, 1_200_000],
        ],
      },
    });
    expect(stream.isSynced).toBe(true);
  });

  it("uses the caller's time when the frame carries none", () => {
    const stream = new BookStream(BTC);
    const frame: OrderBookFrame = { type: "subscribed/order_book", order_book: { asks: [], bids: [], nonce: 1, begin_nonce: 0 } };
    const step = stream.step(frame, 42);
    expect(step.kind === "update" && step.update.ts).toBe(42);
  });

  it("diffs chained by begin_nonce == previous nonce become deltas; a zero size deletes the level (lots 0)", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [level("64022.8", "3.12552")], [level("64020.1", "0.17551")]), 0);

    const d1 = stream.step(diff(100, 103, [level("64022.8", "0.00000")], [level("64020.5", "1.50000")]), 0);
    expect(d1).toEqual({
      kind: "update",
      update: { symbol: "BTC", ts: 1_766_000_000_050, kind: "delta", asks: [[640_228, 0]], bids: [[640_205, 150_000]] },
    });

    const d2 = stream.step(diff(103, 107, [], [level("64020.1", "0.00000"), level("64019.9", "0.00001")], 1_766_000_000_100), 0);
    expect(d2).toEqual({
      kind: "update",
      update: {
        symbol: "BTC",
        ts: 1_766_000_000_100,
        kind: "delta",
        asks: [],
        bids: [
          [640_201, 0],
          [640_199, 1],
        ],
      },
    });
    expect(stream.isSynced).toBe(true);
  });

  it("reads sides that a frame leaves out as no change", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(1, [], []), 0);
    const frame: OrderBookFrame = { type: "update/order_book", timestamp: 5, order_book: { nonce: 2, begin_nonce: 1, asks: [level("1.0", "0.00100")] } };
    expect(stream.step(frame, 0)).toEqual({ kind: "update", update: { symbol: "BTC", ts: 5, kind: "delta", asks: [[10, 100]], bids: [] } });
  });

  it("a broken chain is a gap with the expected and the received nonce, then diffs are ignored until the next snapshot", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [level("64022.8", "3.12552")], []), 0);
    expect(stream.step(diff(100, 103, [], []), 0).kind).toBe("update");

    // The frame 103 -> 105 was lost: the next one begins at 105.
    expect(stream.step(diff(105, 109, [level("64030.0", "1.00000")], []), 0)).toEqual({ kind: "gap", expected: 103, got: 105 });
    expect(stream.isSynced).toBe(false);

    // Nothing until a fresh snapshot, not even a diff that would chain on either nonce.
    expect(stream.step(diff(109, 112, [level("64031.0", "1.00000")], []), 0)).toEqual({ kind: "ignored" });
    expect(stream.step(diff(103, 105, [], []), 0)).toEqual({ kind: "ignored" });

    const again = stream.step(snapshot(200, [level("64040.0", "2.00000")], []), 0);
    expect(again).toMatchObject({ kind: "update", update: { kind: "snapshot", asks: [[640_400, 200_000]], bids: [] } });
    expect(stream.isSynced).toBe(true);
    // The chain continues from the new snapshot's nonce.
    expect(stream.step(diff(200, 201, [], []), 0).kind).toBe("update");
    expect(stream.step(diff(200, 202, [], []), 0)).toEqual({ kind: "gap", expected: 201, got: 200 });
  });

  it("a diff that repeats an older begin_nonce is a gap too (the chain must match exactly)", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [], []), 0);
    stream.step(diff(100, 103, [], []), 0);
    expect(stream.step(diff(100, 103, [], []), 0)).toEqual({ kind: "gap", expected: 103, got: 100 });
  });

  it("a diff without begin_nonce after a snapshot is a gap (got -1)", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [], []), 0);
    expect(stream.step(diff(undefined, 103, [], []), 0)).toEqual({ kind: "gap", expected: 100, got: -1 });
  });

  it("diffs before the first snapshot are ignored", () => {
    const stream = new BookStream(BTC);
    expect(stream.step(diff(100, 103, [level("64022.8", "1.00000")], []), 0)).toEqual({ kind: "ignored" });
    expect(stream.isSynced).toBe(false);
  });

  it("frames without an order book are ignored and change nothing", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [], []), 0);
    expect(stream.step({ type: "update/order_book", timestamp: 1 }, 0)).toEqual({ kind: "ignored" });
    expect(stream.step(diff(100, 101, [], []), 0).kind).toBe("update");
  });

  it("reset() drops the sync: diffs are ignored until a snapshot comes", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [], []), 0);
    stream.step(diff(100, 103, [], []), 0);
    stream.reset();
    expect(stream.isSynced).toBe(false);
    expect(stream.step(diff(103, 104, [level("64022.8", "1.00000")], []), 0)).toEqual({ kind: "ignored" });
    expect(stream.step(snapshot(500, [], [level("64000.0", "0.50000")]), 0)).toMatchObject({ kind: "update", update: { kind: "snapshot", bids: [[640_000, 50_000]] } });
    expect(stream.step(diff(500, 501, [], []), 0).kind).toBe("update");
  });

  it("a size finer than the market's lots is refused, never rounded", () => {
    const stream = new BookStream(BTC);
    expect(() => stream.step(snapshot(1, [level("64022.8", "0.000015")], []), 0)).toThrow();
  });

  // A frame that cannot be read (here a size with 6 decimals on a 5-decimal market, as after
  // Lighter changes a market's decimals) never reached the book: the chain must not move past it,
  // or the book would silently miss a diff, which is what the nonce chain exists to prevent.
  it("a diff that could not be read breaks the chain: the next diff is not applied as a delta", () => {
    const stream = new BookStream(BTC);
    stream.step(snapshot(100, [], []), 0);
    expect(() => stream.step(diff(100, 103, [level("64022.8", "0.000015")], []), 0)).toThrow();
    expect(stream.step(diff(103, 104, [], []), 0).kind).not.toBe("update");
  });

  // Nor may a snapshot that could not be read count as synced.
  it("a snapshot that could not be read leaves the stream unsynced", () => {
    const stream = new BookStream(BTC);
    expect(() => stream.step(snapshot(100, [level("64022.8", "0.000015")], []), 0)).toThrow();
    expect(stream.isSynced).toBe(false);
  });
});
