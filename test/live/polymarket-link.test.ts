import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "../../src/core/errors.js";
import { silentLogger } from "../../src/core/logger.js";
import { usd } from "../../src/core/money.js";
import { models } from "../../src/db/schema.js";
import { LiveAccounts } from "../../src/live/live-accounts.js";
import { PolymarketLink } from "../../src/live/polymarket-link.js";
import type { PolymarketRef } from "../../src/live/live-link.js";
import { MemorySignedOrderStore } from "../../src/venues/polymarket/clob-order-store.js";
import { DbSignedOrderStore } from "../../src/venues/polymarket/db-signed-order-store.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";
import { costOf } from "../../src/venues/polymarket/clob-venue.js";
import { setup, SYMBOL, YES } from "../venues/polymarket/clob-support.js";

/** Live Polymarket accounts: keys from named variables, capital from the wallet's pUSD, one model per wallet. */

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("PolymarketLink", () => {
  it("answers the wallet's pUSD as the new account's capital, and refuses a wallet another model trades", async () => {
    const { fake, venue } = await setup();
    const key = generatePrivateKey();
    const address = privateKeyToAccount(key).address;
    fake.fund(address, "250.5");
    const link = new PolymarketLink({ venue, unavailable: "", env: { PM_KEY: key, PM_KEY_2: key.slice(2) }, store: new MemorySignedOrderStore(), logger: silentLogger });
    const accounts = new LiveAccounts({ links: [link], logger: silentLogger });
    const ref: PolymarketRef = { kind: "polymarket", privateKeyEnv: "PM_KEY", signatureType: 0 };
    expect(usd((await accounts.prepare(ref)).initialCapital)).toBe(250_500_000n);
    expect(link.account(ref)).toBe(`Polymarket wallet ${address.toLowerCase()}`);

    await accounts.register("m1", ref);
    expect(accounts.problem("m1")).toBeUndefined();
    expect(accounts.venueFor("m1")).toBe(venue);
    // The same key without its 0x, under another variable: the same wallet.
    const taken = await refusal(accounts.prepare({ kind: "polymarket", privateKeyEnv: "PM_KEY_2", signatureType: 0 }));
    expect(taken.code).toBe("account_in_use");
    expect(taken.message).toContain("m1");
  });

  it("names the variable that is missing or wrong, never a value, and refuses an empty wallet", async () => {
    const { venue } = await setup();
    const secret = generatePrivateKey();
    const link = new PolymarketLink({ venue, unavailable: "", env: { BAD: "not-a-key", EMPTY_WALLET: secret, K: "k" }, store: new MemorySignedOrderStore(), logger: silentLogger });
    const missing = await refusal(link.prepare({ kind: "polymarket", privateKeyEnv: "NOPE", signatureType: 0 }));
    expect(missing).toMatchObject({ code: "private_key_missing" });
    expect(missing.message).toContain("NOPE");
    const bad = await refusal(link.prepare({ kind: "polymarket", privateKeyEnv: "BAD", signatureType: 0 }));
    expect(bad).toMatchObject({ code: "private_key_invalid" });
    expect(bad.message).not.toContain("not-a-key");
    const creds = await refusal(link.prepare({ kind: "polymarket", privateKeyEnv: "EMPTY_WALLET", signatureType: 0, apiKeyEnv: "K", apiSecretEnv: "S", apiPassphraseEnv: "P" }));
    expect(creds).toMatchObject({ code: "api_credentials_missing" });
    expect(creds.message).toMatch(/S, P/);
    const empty = await refusal(link.prepare({ kind: "polymarket", privateKeyEnv: "EMPTY_WALLET", signatureType: 0 }));
    expect(empty).toMatchObject({ code: "no_collateral" });
    for (const e of [missing, bad, creds, empty]) expect(e.message).not.toContain(secret.slice(2));
  });

  it("without a venue every account is unavailable with the reason, and routes to a venue that refuses", async () => {
    const why = "live trading on Polymarket needs the CLOB's books: set AUTONOME_PM_FEED=polymarket (TRADING_MODE=live is set)";
    const link = new PolymarketLink({ venue: null, unavailable: why, env: {}, store: new MemorySignedOrderStore(), logger: silentLogger });
    const accounts = new LiveAccounts({ links: [link], logger: silentLogger });
    const ref: PolymarketRef = { kind: "polymarket", privateKeyEnv: "PM_KEY", signatureType: 0 };
    expect(await refusal(accounts.prepare(ref))).toMatchObject({ code: "live_trading_unavailable", message: why });
    await accounts.register("m1", ref);
    expect(accounts.problem("m1")).toBe(why);
    expect(accounts.linkedIds()).toEqual([]);
    const report = await accounts
      .venueFor("m1")!
      .placeOrder({ clientOrderId: "c1", accountId: "m1", symbol: SYMBOL, side: "BUY", type: "MARKET", timeInForce: "IOC", lots: 500, priceTicks: 5000, leverage: 100 });
    expect(report).toMatchObject({ status: "REJECTED", reason: "live_trading_unavailable" });
  });

  it("books a resolved position's redemption at its payout without sending anything to the CLOB", async () => {
    const { venue, req, posts } = await setup();
    const won = await venue.placeOrder(req({ side: "SELL", lots: 1234, priceTicks: 10_000, redeem: true, reduceOnly: true }));
    expect(won).toMatchObject({ status: "FILLED", filledLots: 1234 });
    expect(won.fills).toEqual([expect.objectContaining({ priceTicks: 10_000, lots: 1234, fee: 0n, tradeId: `redeem-${won.clientOrderId}` })]);
    const lost = await venue.placeOrder(req({ side: "SELL", lots: 10, priceTicks: 0, redeem: true, reduceOnly: true }));
    expect(lost.fills[0]!.priceTicks).toBe(0);
    expect(posts()).toEqual([]);
  });
});

describe("positions of a Polymarket wallet", () => {
  it("are the CLOB's balances, at the Data API's average price (the CLOB knows no cost), or cost 0 when that is unknown", async () => {
    const wallets: string[] = [];
    const { venue, req, address } = await setup(
      {},
      {
        averagePrices: (wallet) => {
          wallets.push(wallet);
          return Promise.resolve(new Map([[YES, "0.4567"]]));
        },
      },
    );
    const bought = await venue.placeOrder(req({ side: "BUY", lots: 1000, priceTicks: 5000 }));
    expect(bought.filledLots).toBe(1000);
    // The shares land once the trade is mined (the CLOB then sees them).
    await vi.waitFor(async () => expect(await venue.positions("alice")).toHaveLength(1), { timeout: 5_000 });
    // 10 shares × 0.4567 = 4.567 dollars.
    expect(await venue.positions("alice")).toEqual([{ symbol: SYMBOL, side: "LONG", lots: 1000n, cost: 4_567_000n, leverage: 100 }]);
    expect(wallets.at(-1)).toBe(address);
  });

  it("costOf rounds to the micro-dollar and gives 0 for an unknown or unreadable price", () => {
    expect(costOf(1n, "0.333333")).toBe(3_333n);
    expect(costOf(300n, "0.1234567")).toBe(370_370n);
    expect(costOf(500n, undefined)).toBe(0n);
    expect(costOf(500n, "n/a")).toBe(0n);
  });
});

describe.each(DRIVERS)("signed orders kept in the database (%s)", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(driver);
    await t.database.db.insert(models).values({ id: "alice", name: "alice", kind: "mirror", strategy: "mirror", initialCapital: "1000" });
  });
  afterAll(() => t.dispose());

  it("a restart finds the order by its client id: no second signature, no second post", async () => {
    const store = new DbSignedOrderStore(t.database.db);
    const { venue, req, posts, fake } = await setup({}, {});
    // The account as setup() linked it, but with the database store.
    venue.unlink("alice");
    const key = generatePrivateKey();
    fake.fund(privateKeyToAccount(key).address, "100");
    await venue.link({ accountId: "alice", privateKey: key, signatureType: 0, store });
    const order = req({ side: "BUY", type: "LIMIT", timeInForce: "GTC", lots: 1000, priceTicks: 4500 });
    const first = await venue.placeOrder(order);
    expect(first.status).toBe("OPEN");
    expect(posts()).toHaveLength(1);

    // The process dies; a new one links the same account with the same database.
    venue.unlink("alice");
    await venue.link({ accountId: "alice", privateKey: key, signatureType: 0, store: new DbSignedOrderStore(t.database.db) });
    const again = await venue.placeOrder(order);
    expect(again).toMatchObject({ status: "OPEN", venueOrderId: first.venueOrderId });
    expect(posts()).toHaveLength(1);
    const row = await store.get(order.clientOrderId);
    expect(row?.orderId).toBe(first.venueOrderId);
    // A second put of the same client id keeps the first signature.
    await store.put({ ...row!, orderId: "0xother" });
    expect((await store.get(order.clientOrderId))?.orderId).toBe(first.venueOrderId);
    // A client id never signed is known never to have been sent.
    expect(store.durable).toBe(true);
    expect(await store.get("never-signed")).toBeUndefined();
  });
});
