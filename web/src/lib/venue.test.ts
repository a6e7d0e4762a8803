import { describe, expect, it } from "vitest";
import type { HealthView, LiveStatusView } from "../api/types.ts";
import { feedMarketRows, lighterFeed, liveVenues, PAPER, venueLabel, venueOf, venueTitle } from "./venue.ts";

const status = (accounts: LiveStatusView["accounts"] = []): LiveStatusView => ({ mode: "live", halted: false, reason: null, changedAt: null, accounts });
const account = (modelId: string, accountIndex: number): LiveStatusView["accounts"][number] => ({
  modelId,
  venue: "lighter",
  account: `Lighter account ${accountIndex}`,
  accountIndex,
  apiKeyIndex: 3,
  linked: true,
  problem: null,
});

describe("venueLabel and venueTitle", () => {
  it("says paper for the simulator and Lighter with the account index", () => {
    expect(venueLabel({ kind: "sim" })).toBe("paper");
    expect(venueLabel({ kind: "lighter", accountIndex: 281 })).toBe("Lighter #281");
  });
  it("names the key's variable, never a key", () => {
    expect(venueTitle({ kind: "lighter", accountIndex: 281, apiKeyIndex: 3, privateKeyEnv: "LIGHTER_KEY" })).toBe(
      "Live: real orders on Lighter, account 281, API key 3 (key read from $LIGHTER_KEY on the server)",
    );
    expect(venueTitle({ kind: "sim" })).toMatch(/simulator/);
  });
  it("says Polymarket with the wallet and its signature type, and the key's variable", () => {
    const v = { kind: "polymarket" as const, signatureType: 2, funder: "0x00000000000000000000000000000000000000aa", privateKeyEnv: "PM_KEY" };
    expect(venueLabel(v)).toBe("Polymarket");
    expect(venueTitle(v)).toBe("Live: real orders on Polymarket's CLOB, wallet 0x00000000000000000000000000000000000000aa, POLY_GNOSIS_SAFE (key read from $PM_KEY on the server)");
    expect(venueTitle({ kind: "polymarket", account: "Polymarket wallet 0xbb" })).toBe("Live: real orders on Polymarket's CLOB, wallet 0xbb");
  });
});

describe("venueOf", () => {
  it("is unknown until live trading's status is, then Lighter for listed models and paper for the others", () => {
    expect(venueOf("a", undefined, new Map())).toBeUndefined();
    const s = status([account("a", 7)]);
    const venues = liveVenues(s);
    expect(venueOf("a", s, venues)).toEqual({ kind: "lighter", accountIndex: 7, apiKeyIndex: 3 });
    expect(venueOf("b", s, venues)).toBe(PAPER);
    const pm = status([{ modelId: "c", venue: "polymarket", account: "Polymarket wallet 0xcc", linked: true, problem: null }]);
    expect(venueOf("c", pm, liveVenues(pm))).toEqual({ kind: "polymarket", account: "Polymarket wallet 0xcc" });
  });
});

describe("lighterFeed and feedMarketRows", () => {
  const feed = (over: Record<string, unknown>): HealthView["feed"] => ({ kind: "lighter", connected: true, staleAfterMs: 30_000, markets: {}, ...over });

  it("is null for another feed", () => {
    expect(lighterFeed({ kind: "synthetic", markets: { BTC: { mid: "1" } } })).toBeNull();
    expect(lighterFeed(undefined)).toBeNull();
  });

  it("lists the markets A to Z with their state: not synced before stale before live", () => {
    const f = lighterFeed(
      feed({
        markets: {
          SOL: { synced: true, stale: false, lastUpdateAgeMs: 120, updates: 50, gaps: 0 },
          BTC: { synced: false, stale: true, lastUpdateAgeMs: null, updates: 0, gaps: 2 },
          ETH: { synced: true, stale: true, lastUpdateAgeMs: 45_000, updates: 9, gaps: 0 },
        },
      }),
    )!;
    expect(f).toMatchObject({ connected: true, staleAfterMs: 30_000 });
    expect(feedMarketRows(f).map((r) => [r.symbol, r.state])).toEqual([
      ["BTC", "unsynced"],
      ["ETH", "stale"],
      ["SOL", "ok"],
    ]);
  });

  it("survives a feed without its figures", () => {
    const f = lighterFeed({ kind: "lighter" })!;
    expect(f).toEqual({ kind: "lighter", connected: false, staleAfterMs: 0, markets: {} });
    expect(feedMarketRows(f)).toEqual([]);
  });
});
