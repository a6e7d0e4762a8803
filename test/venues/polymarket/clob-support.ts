import { expect, onTestFinished } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { systemClock, type Clock } from "../../../src/core/clock.js";
import type { MarketSpec } from "../../../src/core/market.js";
import { PolymarketClobVenue, type PolymarketClobVenueOptions } from "../../../src/venues/polymarket/clob-venue.js";
import type { OrderReport, PlaceOrder, VenueFill } from "../../../src/venues/venue.js";
import { DEFAULT_MARKETS } from "../../fake-polymarket/clob/markets.js";
import { startFakeClob, type FakeClob, type FakeClobOptions } from "../../fake-polymarket/clob/server.js";

/** The adapter against a fresh fake CLOB with one funded throwaway key. */

export const PLAIN = DEFAULT_MARKETS[0]!;
export const YES = PLAIN.tokens[0]!.tokenId;
export const SYMBOL = "FAKE-CLOB-YES";

export const SPEC: MarketSpec = {
  symbol: SYMBOL,
  marketId: -1,
  sizeDecimals: 2,
  priceDecimals: 4,
  minBaseLots: 500,
  minNotional: 0n,
  maxLeverage: 1,
  maintenanceMarginBps: 0,
  instrument: { kind: "outcome", conditionId: PLAIN.conditionId, tokenId: YES, outcome: "Yes", tickTicks: 100, accepting: true },
};

export interface Setup {
  fake: FakeClob;
  venue: PolymarketClobVenue;
  address: string;
  updates: OrderReport[];
  req: (o: Partial<PlaceOrder> & Pick<PlaceOrder, "side" | "lots">) => PlaceOrder;
  /** The bodies of POST /order the fake received. */
  posts: () => Array<{ order: { salt: number; signature: string } }>;
}

export async function setup(fakeOptions: FakeClobOptions = {}, venueOptions: Partial<PolymarketClobVenueOptions> = {}): Promise<Setup> {
  const fake = await startFakeClob({ tickMs: 20, minedDelayMs: 150, confirmedDelayMs: 300, ...fakeOptions });
  fake.seedBook(
    YES,
    [
      ["0.40", "100"],
      ["0.39", "100"],
    ],
    [
      ["0.50", "10"],
      ["0.52", "20"],
    ],
  );
  const privateKey = generatePrivateKey();
  const address = privateKeyToAccount(privateKey).address;
  fake.fund(address, "1000");
  // The venue reads the fake's clock (advance() moves both), with wall-clock timers.
  const clock: Clock = { now: () => fake.exchange.now(), every: (ms, fn) => systemClock.every(ms, fn), after: (ms, fn) => systemClock.after(ms, fn) };
  const venue = new PolymarketClobVenue({
    host: fake.url,
    wsUrl: fake.wsUrl,
    chainId: fake.chainId,
    markets: () => [SPEC],
    book: () => undefined,
    clock,
    requestTimeoutMs: 2_000,
    heartbeatMs: 100,
    postBackoffMs: 10,
    settlementBackoffMs: 50,
    ...venueOptions,
  });
  onTestFinished(async () => {
    venue.close();
    await fake.close();
  });
  await venue.link({ accountId: "alice", privateKey, signatureType: 0 });
  const updates: OrderReport[] = [];
  venue.onOrderUpdate((r) => updates.push(r));
  let n = 0;
  const req = (o: Partial<PlaceOrder> & Pick<PlaceOrder, "side" | "lots">): PlaceOrder => ({
    clientOrderId: `pm-order-${++n}`,
    accountId: "alice",
    symbol: SYMBOL,
    type: "MARKET",
    timeInForce: "IOC",
    leverage: 100,
    ...o,
  });
  const posts = () => fake.requests.filter((r) => r.method === "POST" && r.path === "/order").map((r) => JSON.parse(r.body!) as { order: { salt: number; signature: string } });
  return { fake, venue, address, updates, req, posts };
}

export const priceLots = (fills: VenueFill[]) => fills.map((f) => [f.priceTicks, f.lots]);

const SNAKE_CASE = /^[a-z]+(_[a-z]+)*$/;

/** What venue-contract.ts expects of any venue's report, where it applies to outcome tokens. */
export function expectWellFormed(r: OrderReport, req: PlaceOrder): void {
  expect(r).toMatchObject({ clientOrderId: req.clientOrderId, accountId: req.accountId, symbol: req.symbol, side: req.side, lots: req.lots });
  if (r.reason !== undefined) expect(r.reason).toMatch(SNAKE_CASE);
  if (r.status === "REJECTED") expect(r.fills).toEqual([]);
  if (r.status === "REJECTED" || r.status === "CANCELED" || r.status === "EXPIRED") expect(r.reason).toBeDefined();
  expect(new Set(r.fills.map((f) => f.tradeId)).size).toBe(r.fills.length);
  for (const f of r.fills) {
    expect(f).toMatchObject({ venue: "polymarket", accountId: req.accountId, clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side });
    expect(f.lots).toBeGreaterThan(0);
    expect(f.fee).toBeGreaterThanOrEqual(0n);
    expect(Number.isSafeInteger(f.priceTicks)).toBe(true);
  }
}
