import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/core/clock.js";
import { PolymarketDataApi } from "../../../src/venues/polymarket/data-api.js";
import { startFollowing, type WalletCursor } from "../../../src/venues/polymarket/wallet-cursor.js";
import { pollWalletTrades } from "../../../src/venues/polymarket/wallet-trades.js";
import { FakeDataStore, type StoredFill } from "../../fake-polymarket/data-api/store.js";
import { v1Activity } from "../../fake-polymarket/data-api/v1.js";
import { BadRequest, v2Trades } from "../../fake-polymarket/data-api/v2.js";
import { fill, T0, WALLET } from "./support.js";

/**
 * Any interleaving of indexing order (late fills within the overlap), duplicate rows, polls with
 * any page size and page budget, restarts through stored JSON and v2 outages delivers each fill
 * from `since` on exactly once. The fake's route code serves the requests in process (no sockets)
 * and the real client and reader read them.
 */

const OVERLAP = 120;

function inProcessFetch(store: FakeDataStore, v2Down: () => boolean): typeof fetch {
  return async (input) => {
    const url = new URL(String(input));
    if (url.pathname.startsWith("/v2/") && v2Down()) return new Response('{"error":"not found"}', { status: 404 });
    try {
      const body = url.pathname === "/v2/trades" ? v2Trades(store, url.searchParams) : url.pathname === "/activity" ? v1Activity(store, url.searchParams) : undefined;
      return body === undefined ? new Response('{"error":"not found"}', { status: 404 }) : new Response(JSON.stringify(body));
    } catch (error) {
      if (error instanceof BadRequest) return new Response(JSON.stringify({ error: error.message }), { status: 400 });
      throw error;
    }
  };
}

type Command =
  | { kind: "add"; delta: number; maker: boolean }
  | { kind: "early"; before: number }
  | { kind: "dup"; pick: number }
  | { kind: "poll"; pageSize: number; maxPages: number; restart: boolean; v2Down: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("add" as const), delta: fc.integer({ min: -OVERLAP, max: 60 }), maker: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("early" as const), before: fc.integer({ min: 1, max: OVERLAP }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("dup" as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("poll" as const),
      pageSize: fc.integer({ min: 1, max: 4 }),
      maxPages: fc.integer({ min: 1, max: 3 }),
      restart: fc.boolean(),
      v2Down: fc.boolean(),
    }),
  },
);

describe("wallet reading, any interleaving", () => {
  it("delivers each fill at or after `since` exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
        const store = new FakeDataStore();
        let v2Down = false;
        const api = new PolymarketDataApi({ baseUrl: "http://fake.invalid", fetch: inProcessFetch(store, () => v2Down), retries: 0 });
        const clock = new ManualClock((T0 + 100_000) * 1000);
        const options = { clock, overlapSeconds: OVERLAP };
        const fills: StoredFill[] = [];
        let newest: number | undefined;
        let cursor: WalletCursor = startFollowing(WALLET, T0);
        const delivered: string[] = [];

        for (const c of commands) {
          if (c.kind === "add") {
            // Late by at most the overlap: never older than the newest indexed time minus the overlap
            // (the first fill well after `since`, so late ones stay inside the followed period).
            const t = (newest ?? T0 + 2 * OVERLAP) + c.delta;
            fills.push(store.addFill(fill(fills.length, t, { role: c.maker ? "maker" : "taker" })));
            newest = Math.max(newest ?? t, t);
          } else if (c.kind === "early") {
            // From before following began: never to be delivered, however it is served.
            fills.push(store.addFill(fill(fills.length, T0 - c.before)));
          } else if (c.kind === "dup") {
            if (fills.length > 0) store.duplicate(fills[c.pick % fills.length]!);
          } else {
            v2Down = c.v2Down;
            const poll = await pollWalletTrades(api, cursor, { ...options, pageSize: c.pageSize, maxPages: c.maxPages });
            delivered.push(...poll.trades.map((t) => t.key));
            cursor = c.restart ? (JSON.parse(JSON.stringify(poll.cursor)) as WalletCursor) : poll.cursor;
          }
        }
        v2Down = false;
        // Until a walk started afresh reads to its end (finishing an older walk does not see fills
        // indexed behind its anchor meanwhile: the next fresh walk's overlap does).
        for (let i = 0; i < 500; i++) {
          const fresh = cursor.walk === null;
          const poll = await pollWalletTrades(api, cursor, { ...options, pageSize: 3, maxPages: 5 });
          delivered.push(...poll.trades.map((t) => t.key));
          cursor = poll.cursor;
          if (fresh && poll.complete) break;
        }

        const expected = new Set(fills.filter((f) => f.timestamp >= T0).map((f) => `${f.wallet}:${f.txHash}:${f.tokenId}:${f.side}:${f.size}:${f.price}`));
        expect(delivered.length).toBe(new Set(delivered).size);
        expect(new Set(delivered)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
