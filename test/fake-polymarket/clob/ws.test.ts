import { OrderType, Side } from "@polymarket/clob-client-v2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_MARKETS } from "./markets.js";
import { startFakeClob, type FakeClob } from "./server.js";
import { newTrader } from "./test-client.js";

/** The market and user channels as a fill tracker sees them. */

const PLAIN = DEFAULT_MARKETS[0]!;
const YES = PLAIN.tokens[0]!.tokenId;

let fake: FakeClob;
const sockets: WebSocket[] = [];
beforeEach(async () => {
  fake = await startFakeClob({ tickMs: 0, minedDelayMs: 1_000, confirmedDelayMs: 3_000, heartbeatTimeoutMs: 10_000 });
  fake.seedBook(YES, [["0.40", "100"]], [["0.50", "10"]]);
});
afterEach(async () => {
  for (const s of sockets) s.terminate();
  sockets.length = 0;
  await fake.close();
});

type Frame = Record<string, unknown>;

/** A socket that keeps every frame (JSON arrays flattened, "PONG" kept as text). */
async function connect(url: string, subscribe: object): Promise<{ socket: WebSocket; frames: Array<Frame | string>; next: (pred: (f: Frame | string) => boolean) => Promise<Frame | string> }> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const frames: Array<Frame | string> = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith("{") || text.startsWith("[")) {
      const v = JSON.parse(text) as Frame | Frame[];
      frames.push(...(Array.isArray(v) ? v : [v]));
    } else frames.push(text);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise((r) => socket.once("open", r));
  socket.send(JSON.stringify(subscribe));
  let seen = 0;
  const next = async (pred: (f: Frame | string) => boolean): Promise<Frame | string> => {
    for (;;) {
      while (seen < frames.length) {
        const f = frames[seen++]!;
        if (pred(f)) return f;
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame; got ${JSON.stringify(frames)}`)), 2_000);
        waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  };
  return { socket, frames, next };
}

const event =
  (type: string, extra: (f: Frame) => boolean = () => true) =>
  (f: Frame | string) =>
    typeof f !== "string" && f.event_type === type && extra(f);

describe("market channel", () => {
  it("sends the book on subscribe, then price changes, trades and tick size changes; answers PING", async () => {
    const t = await newTrader(fake);
    const m = await connect(`${fake.wsUrl}/market`, { assets_ids: [YES], type: "market" });
    const book = (await m.next(event("book"))) as Frame;
    expect(book).toMatchObject({ asset_id: YES, market: PLAIN.conditionId, bids: [{ price: "0.4", size: "100" }], asks: [{ price: "0.5", size: "10" }] });

    await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    const change = (await m.next(event("price_change"))) as Frame;
    expect(change.price_changes).toEqual([expect.objectContaining({ asset_id: YES, price: "0.45", size: "10", side: "BUY", best_bid: "0.45", best_ask: "0.5" })]);

    await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 2.5, side: Side.BUY, price: 0.5 }, undefined, OrderType.FOK);
    expect(await m.next(event("last_trade_price"))).toMatchObject({ asset_id: YES, price: "0.5", size: "5", side: "BUY" });
    expect(await m.next(event("book"))).toMatchObject({ asks: [{ price: "0.5", size: "5" }] });

    fake.setTickSize(PLAIN.conditionId, "0.001");
    expect(await m.next(event("tick_size_change"))).toMatchObject({ asset_id: YES, old_tick_size: "0.01", new_tick_size: "0.001" });

    m.socket.send("PING");
    expect(await m.next((f) => f === "PONG")).toBe("PONG");
  });
});

describe("user channel", () => {
  const subscribe = (creds: { key: string; secret: string; passphrase: string }) => ({ auth: { apiKey: creds.key, secret: creds.secret, passphrase: creds.passphrase }, markets: [], type: "user" });

  it("follows a resting order hit by an outside trader: UPDATE, then the trade MATCHED → MINED → CONFIRMED", async () => {
    const t = await newTrader(fake);
    const u = await connect(`${fake.wsUrl}/user`, subscribe(t.creds));
    const r = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    expect(await u.next(event("order"))).toMatchObject({ id: r.orderID, type: "PLACEMENT", status: "LIVE", original_size: "10", size_matched: "0" });

    const [tradeId] = fake.outsideTrade({ tokenId: YES, side: "SELL", size: "6", price: "0.45" });
    expect(await u.next(event("order"))).toMatchObject({ id: r.orderID, type: "UPDATE", status: "LIVE", size_matched: "6" });
    const matched = (await u.next(event("trade"))) as Frame;
    expect(matched).toMatchObject({ id: tradeId, status: "MATCHED", trader_side: "MAKER", side: "SELL", size: "6", price: "0.45", owner: t.creds.key });
    expect(matched.maker_orders).toEqual([expect.objectContaining({ order_id: r.orderID, matched_amount: "6", price: "0.45", side: "BUY" })]);

    fake.advance(1_000);
    expect(await u.next(event("trade"))).toMatchObject({ id: tradeId, status: "MINED" });
    fake.advance(2_000);
    expect(await u.next(event("trade"))).toMatchObject({ id: tradeId, status: "CONFIRMED" });
    // The shares are on chain; the CLOB sees them after a refresh.
    expect(fake.balance(t.address, YES)).toEqual({ chain: "6", seen: "0" });
  });

  it("reports a failed trade and gives the spend back", async () => {
    const t = await newTrader(fake, "100");
    const u = await connect(`${fake.wsUrl}/user`, subscribe(t.creds));
    fake.failTrades(1);
    await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 5, side: Side.BUY, price: 0.5 }, undefined, OrderType.FOK);
    expect(fake.balance(t.address)).toEqual({ chain: "95", seen: "95" });
    expect(await u.next(event("trade"))).toMatchObject({ status: "MATCHED", trader_side: "TAKER" });
    fake.advance(1_000);
    expect(await u.next(event("trade"))).toMatchObject({ status: "RETRYING" });
    fake.advance(2_000);
    expect(await u.next(event("trade"))).toMatchObject({ status: "FAILED" });
    expect(fake.balance(t.address)).toEqual({ chain: "100", seen: "100" });
    expect(fake.balance(t.address, YES)).toEqual({ chain: "0", seen: "0" });
  });

  it("says CANCELLATION for every open order when the user's heartbeats stop (or are ignored)", async () => {
    const t = await newTrader(fake);
    const u = await connect(`${fake.wsUrl}/user`, subscribe(t.creds));
    const a = await t.client.createAndPostOrder({ tokenID: YES, price: 0.45, size: 10, side: Side.BUY });
    const b = await t.client.createAndPostOrder({ tokenID: YES, price: 0.44, size: 10, side: Side.BUY });
    await t.client.postHeartbeat();
    fake.pauseHeartbeats(true);
    await t.client.postHeartbeat();
    fake.advance(10_001);
    const cancels = [await u.next(event("order", (f) => f.type === "CANCELLATION")), await u.next(event("order", (f) => f.type === "CANCELLATION"))];
    expect(cancels.map((f) => (f as Frame).id).sort()).toEqual([a.orderID, b.orderID].sort());
    expect(cancels.every((f) => (f as Frame).status === "CANCELED")).toBe(true);
  });

  it("closes a connection whose credentials do not match, and drops sockets on demand", async () => {
    const t = await newTrader(fake);
    const bad = await connect(`${fake.wsUrl}/user`, subscribe({ ...t.creds, passphrase: "nope" }));
    const code = await new Promise<number>((r) => bad.socket.once("close", (c) => r(c)));
    expect(code).toBe(1008);
    const good = await connect(`${fake.wsUrl}/user`, subscribe(t.creds));
    good.socket.send("PING");
    await good.next((f) => f === "PONG");
    const closed = new Promise<void>((r) => good.socket.once("close", () => r()));
    expect(fake.closeWebSockets("user")).toBe(1);
    await closed;
  });
});

describe("asynchronous settlement hashes", () => {
  it("answers tradeIDs only; the SDK's postOrder then polls the trades until they are mined", async () => {
    const slow = await startFakeClob({ tickMs: 20, minedDelayMs: 300, confirmedDelayMs: 600, asyncTxHashes: true });
    try {
      slow.seedBook(YES, [], [["0.50", "10"]]);
      const t = await newTrader(slow);
      const r = await t.client.createAndPostMarketOrder({ tokenID: YES, amount: 5, side: Side.BUY, price: 0.5 }, undefined, OrderType.FOK);
      expect(r.tradeIDs).toHaveLength(1);
      const [trade] = await t.client.getTrades({ id: r.tradeIDs![0] });
      expect(trade!.status).not.toBe("MATCHED");
      expect(r.transactionsHashes).toEqual([trade!.transaction_hash]);
    } finally {
      await slow.close();
    }
  });
});
