import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DataApiTrade } from "../../../src/venues/polymarket/data-api-wire.js";
import { naturalKey, toSourceTrade } from "../../../src/venues/polymarket/source-trade.js";
import { absorbPage, isWalletCursor, nextWalk, startFollowing } from "../../../src/venues/polymarket/wallet-cursor.js";
import { wireDecimal } from "../../../src/venues/polymarket/wire-decimal.js";
import { CONDITION, T0, WALLET, YES_TOKEN } from "./support.js";

/** The pure pieces: exact decimals from JSON numbers, the natural key, the cursor's first steps, the endpoints. */

const row = (patch: Partial<DataApiTrade> = {}): DataApiTrade => ({
  wallet: WALLET,
  side: "BUY",
  tokenId: YES_TOKEN,
  conditionId: CONDITION,
  size: "10",
  price: "0.5",
  timestamp: T0,
  transactionHash: `0x${"ab".repeat(32)}`,
  outcome: "Yes",
  outcomeIndex: 0,
  title: null,
  slug: null,
  eventSlug: null,
  ...patch,
});

describe("wireDecimal", () => {
  it("recovers the wire text of any price or size with up to 15 significant digits", () => {
    // Prices on a 0.0001 grid and sizes on a 0.000001 grid below a billion shares.
    const decimal = (units: bigint, scale: number) => {
      const s = units.toString().padStart(scale + 1, "0");
      return `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, "") || "0";
    };
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000n }), fc.bigInt({ min: 0n, max: 999_999_999_999_999n }), (priceUnits, sizeUnits) => {
        const price = decimal(priceUnits, 4);
        const size = decimal(sizeUnits, 6);
        expect(wireDecimal(JSON.parse(price) as number)).toBe(price);
        expect(wireDecimal(JSON.parse(size) as number)).toBe(size);
      }),
    );
  });

  it("canonicalizes strings and exponents, and refuses what it cannot prove exact", () => {
    expect(wireDecimal("0.50")).toBe("0.5");
    expect(wireDecimal(1e-7)).toBe("0.0000001");
    expect(wireDecimal(" 12 ")).toBe("12");
    expect(() => wireDecimal(0.1 + 0.2)).toThrow(/significant digits/);
    expect(() => wireDecimal("12abc")).toThrow(/not a decimal/);
    expect(() => wireDecimal(Number.NaN)).toThrow(/not a finite number/);
  });
});

describe("naturalKey", () => {
  it("tells apart fills of one transaction that differ in token, side, size or price", () => {
    const keys = [row(), row({ tokenId: "1" }), row({ side: "SELL" }), row({ size: "11" }), row({ price: "0.51" })].map(naturalKey);
    expect(new Set(keys).size).toBe(5);
  });

  it("is the same for a fill served by v1 and by v2, whatever the case of its hex", () => {
    expect(naturalKey(row({ wallet: WALLET.toUpperCase().replace("0X", "0x") }))).toBe(naturalKey(row()));
    expect(toSourceTrade(row(), "data-api-v1").key).toBe(toSourceTrade(row(), "data-api-v2").key);
  });

  it("adds the log index when the row carries one", () => {
    expect(naturalKey(row({ logIndex: 3 }))).not.toBe(naturalKey(row({ logIndex: 4 })));
    expect(naturalKey(row({ logIndex: 3 }))).toMatch(/:3$/);
  });

  it("maps a row to a SourceTrade with the time in epoch ms", () => {
    expect(toSourceTrade(row(), "data-api-v2")).toMatchObject({ wallet: WALLET, tokenId: YES_TOKEN, price: "0.5", size: "10", tradedAt: T0 * 1000, source: "data-api-v2" });
  });
});

describe("wallet cursor", () => {
  it("reads from `since` first, then from the overlap behind the newest fill time", () => {
    const cursor = startFollowing(WALLET.toUpperCase().replace("0X", "0x"), T0);
    expect(cursor.wallet).toBe(WALLET);
    expect(nextWalk(cursor, 600)).toMatchObject({ start: T0, end: null, cursor: null, baseline: null });
    const after = absorbPage(cursor, nextWalk(cursor, 600), [toSourceTrade(row({ timestamp: T0 + 5000 }), "data-api-v2")], { more: false }, { overlapSeconds: 600, seenAt: 1 });
    expect(after.cursor.watermark).toBe(T0 + 5000);
    expect(nextWalk(after.cursor, 600)).toMatchObject({ start: T0 + 4400, baseline: T0 + 5000 });
  });

  it("forgets delivered keys once no later read can serve them", () => {
    const c0 = startFollowing(WALLET, T0);
    const a = toSourceTrade(row({ timestamp: T0 + 10 }), "data-api-v2");
    const b = toSourceTrade(row({ timestamp: T0 + 2000, size: "2" }), "data-api-v2");
    const c1 = absorbPage(c0, nextWalk(c0, 600), [a], { more: false }, { overlapSeconds: 600, seenAt: 1 }).cursor;
    expect(Object.keys(c1.recent)).toHaveLength(1);
    const c2 = absorbPage(c1, nextWalk(c1, 600), [b], { more: false }, { overlapSeconds: 600, seenAt: 2 }).cursor;
    expect(Object.values(c2.recent)).toEqual([T0 + 2000]);
  });

  it("recognizes a cursor read back from storage, and refuses anything else", () => {
    const c0 = startFollowing(WALLET, T0);
    const c1 = absorbPage(c0, nextWalk(c0), [toSourceTrade(row(), "data-api-v2")], { more: true, cursor: "abc" }, { seenAt: 1 }).cursor;
    expect(isWalletCursor(JSON.parse(JSON.stringify(c1)))).toBe(true);
    expect(isWalletCursor({ ...c1, v: 2 })).toBe(false);
    expect(isWalletCursor({ ...c1, recent: { x: "1" } })).toBe(false);
    expect(isWalletCursor(null)).toBe(false);
  });

  it("a fill time beyond now does not move the watermark past now", () => {
    const c0 = startFollowing(WALLET, T0);
    const future = toSourceTrade(row({ timestamp: T0 + 1_000_000 }), "data-api-v2");
    const c1 = absorbPage(c0, nextWalk(c0), [future], { more: false }, { seenAt: 1, nowSeconds: T0 + 100 }).cursor;
    expect(c1.watermark).toBe(T0 + 100);
  });
});
