import { randomBytes } from "node:crypto";
import { vi } from "vitest";
import type { Level } from "../../src/core/book.js";
import { ManualClock } from "../../src/core/clock.js";
import type { MarketSpec } from "../../src/core/market.js";
import { LighterFeed } from "../../src/feeds/lighter/lighter-feed.js";
import { MarketRoom } from "../../src/market/market-room.js";
import { MarketCatalog } from "../../src/venues/lighter/catalog.js";
import { LighterVenue } from "../../src/venues/lighter/lighter-venue.js";
import type { OrderBookDetails, OrderBookOrders, SimpleOrder } from "../../src/venues/lighter/openapi.js";
import { parseScaled } from "../../src/core/decimal.js";
import { RateLimiter } from "../../src/venues/lighter/rate-limiter.js";
import { LighterRest } from "../../src/venues/lighter/rest-client.js";
import { createSigner, publicKeyOf, verifyTx, type Signer } from "../../src/venues/lighter/signer/index.js";
import { LighterSocket } from "../../src/venues/lighter/socket.js";
import { startFakeLighter, type FakeLighter, type FakeLighterOptions } from "../fake-lighter/server.js";

export const CHAIN_ID = 304;
export const T0 = Date.parse("2026-01-01T00:00:00Z");

/** A fresh API private key: 40 random bytes, little-endian, kept below the curve order (top byte 0). */
export function newApiKey(): string {
  const b = randomBytes(40);
  b[39] = 0;
  return b.toString("hex");
}

export interface LighterHarness {
  fake: FakeLighter;
  clock: ManualClock;
  rest: LighterRest;
  socket: LighterSocket;
  catalog: MarketCatalog;
  room: MarketRoom;
  feed: LighterFeed;
  venue: LighterVenue;
  market(symbol: string): MarketSpec;
  /** Our account id → its Lighter account index and signer (created by `fund`). */
  accounts: Map<string, { accountIndex: number; signer: Signer; privateKey: string }>;
  /** Creates (once) and funds the account on the fake, registers its key, links it on the venue. */
  fund(accountId: string, usd: string): void;
  /** Sets the fake's book and waits until the venue sees exactly it. */
  setBook(symbol: string, bids: Level[], asks: Level[]): Promise<void>;
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * The Lighter adapter against a local fake Lighter: real HTTP and WebSocket, real signatures
 * (the fake verifies them), a manual clock shared by the venue and the fake's sequencer.
 */
export async function lighterHarness(options: { fake?: FakeLighterOptions; symbols?: string[]; confirmMs?: number; settleMs?: number } = {}): Promise<LighterHarness> {
  const clock = new ManualClock(T0);
  const fake = await startFakeLighter({ now: () => T0, verifySignature: (t, info, pk) => verifyTx(t, info, CHAIN_ID, pk).ok, ...options.fake });
  const rest = new LighterRest({ baseUrl: fake.baseUrl, limiter: new RateLimiter(100_000), timeoutMs: 3_000 });
  const details = await rest.get<OrderBookDetails>("orderBookDetails", { filter: "perp" });
  const catalog = new MarketCatalog(details.order_book_details);
  const symbols = options.symbols ?? ["BTC"];
  const specs = symbols.map((s) => catalog.bySymbolName(s)!.spec);
  const socket = new LighterSocket({ url: fake.wsUrl, minBackoffMs: 20, maxBackoffMs: 200 });
  socket.start();
  await socket.whenReady();
  const room = new MarketRoom({ markets: specs });
  const feed = new LighterFeed({ markets: specs, socket });
  feed.start((u) => room.apply(u));
  const venue = new LighterVenue({ rest, socket, catalog, clock, book: (s, d) => room.snapshot(s, d), confirmMs: options.confirmMs ?? 2_000, settleMs: options.settleMs ?? 5_000 });
  const accounts = new Map<string, { accountIndex: number; signer: Signer; privateKey: string }>();
  let nextIndex = 1001;
  const market = (symbol: string) => catalog.bySymbolName(symbol)!.spec;
  return {
    fake,
    clock,
    rest,
    socket,
    catalog,
    room,
    feed,
    venue,
    market,
    accounts,
    fund(accountId, usd) {
      let a = accounts.get(accountId);
      if (!a) {
        const privateKey = newApiKey();
        const accountIndex = nextIndex++;
        a = { accountIndex, privateKey, signer: createSigner({ privateKey, accountIndex, apiKeyIndex: 3, chainId: CHAIN_ID }) };
        accounts.set(accountId, a);
        fake.fund(accountIndex, usd);
        fake.registerApiKey(accountIndex, 3, publicKeyOf(privateKey));
        venue.link({ accountId, accountIndex, signer: a.signer });
      } else fake.fund(a.accountIndex, usd);
    },
    async setBook(symbol, bids, asks) {
      const m = market(symbol);
      fake.setBook(m.marketId, bids, asks);
      // The fake's book after its matching (the new levels may have crossed resting orders).
      const res = await rest.get<OrderBookOrders>("orderBookOrders", { market_id: m.marketId, limit: 250 });
      const levels = (side: SimpleOrder[]) => {
        const out: [number, number][] = [];
        for (const o of side) {
          const price = Number(parseScaled(o.price, m.priceDecimals));
          const size = Number(parseScaled(o.remaining_base_amount, m.sizeDecimals));
          const last = out[out.length - 1];
          if (last && last[0] === price) last[1] += size;
          else out.push([price, size]);
        }
        return out;
      };
      const want = JSON.stringify([levels(res.bids), levels(res.asks)]);
      await vi.waitFor(
        () => {
          const b = room.snapshot(symbol, 1000);
          if (JSON.stringify([b?.bids, b?.asks]) !== want) throw new Error(`the venue's ${symbol} book is not the fake's yet`);
        },
        { timeout: 3_000, interval: 5 },
      );
    },
    advance(ms) {
      clock.advance(ms);
      fake.advance(ms);
    },
    async close() {
      venue.close();
      feed.stop();
      socket.close();
      await fake.close();
    },
  };
}
