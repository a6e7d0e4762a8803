import type { HttpBindings } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { COLLATERAL } from "./accounts.js";
import type { ApiKeyRecord, Auth } from "./auth.js";
import { formatMicro } from "./decimal.js";
import { ClobError } from "./errors.js";
import type { Exchange, PostResult } from "./exchange.js";
import type { Faults } from "./faults.js";
import { EXCHANGES, parseOrderRequest } from "./orders.js";
import type { OrderRecord } from "./records.js";
import { openOrder, tradeFor } from "./wire.js";

/**
 * Authenticated routes: API keys (L1), orders, reads, cancels, balances and heartbeats (L2).
 * Paths as clob-client-v2 src/endpoints.ts.
 */

type Env = { Bindings: HttpBindings; Variables: { key: ApiKeyRecord; body: string } };

const INITIAL_CURSOR = "MA==";
const END_CURSOR = "LTE=";
/** Docs: "Too many orders in payload: {N}, max allowed: {M}". Unverified: M = 15. */
const MAX_BATCH = 15;

export interface PrivateOptions {
  chainId: number;
  /** Rows per page of /data/trades and /data/orders. */
  pageSize: number;
  asyncTxHashes: boolean;
}

export function privateRoutes(exchange: Exchange, auth: Auth, faults: Faults, options: PrivateOptions): Hono<Env> {
  const app = new Hono<Env>();
  const headers = (c: Context<Env>) => c.req.header() as Record<string, string | undefined>;

  app.post("/auth/api-key", async (c) => {
    const { address, nonce } = await auth.verifyL1(headers(c));
    const r = auth.create(address, nonce);
    return c.json({ apiKey: r.key, secret: r.secret, passphrase: r.passphrase });
  });
  app.get("/auth/derive-api-key", async (c) => {
    const { address, nonce } = await auth.verifyL1(headers(c));
    const r = auth.derive(address, nonce);
    return c.json({ apiKey: r.key, secret: r.secret, passphrase: r.passphrase });
  });

  // Every other route here is L2: the HMAC covers timestamp, method, path (no query) and raw body.
  app.use("*", async (c, next) => {
    const body = await c.req.text();
    const path = new URL(c.req.url).pathname;
    c.set("key", auth.verifyL2(headers(c), c.req.method, path, body));
    c.set("body", body);
    await next();
  });
  const json = (c: Context<Env>): unknown => {
    try {
      return JSON.parse(c.get("body"));
    } catch {
      throw ClobError.invalidPayload();
    }
  };
  const funder = (c: Context<Env>) => exchange.funderOf(c.get("key").address);

  app.get("/auth/api-keys", (c) => c.json({ apiKeys: auth.keysOf(c.get("key").address).map((r) => r.key) }));
  app.delete("/auth/api-key", (c) => (auth.revoke(c.get("key").key), c.json("OK")));
  app.get("/auth/ban-status/closed-only", (c) => c.json({ closed_only: false }));

  const respond = (r: PostResult): Record<string, unknown> => {
    const matched = r.trades.length > 0;
    const hashes = r.trades.map((t) => t.transactionHash).filter((h) => h);
    return {
      success: true,
      errorMsg: "",
      orderID: r.order.id,
      // Unverified: "matched" as soon as anything traded, "live" when it only rests.
      status: matched ? "matched" : "live",
      takingAmount: matched ? formatMicro(r.taking) : "",
      makingAmount: matched ? formatMicro(r.making) : "",
      ...(matched && !options.asyncTxHashes ? { transactionsHashes: hashes } : {}),
      tradeIDs: r.trades.map((t) => t.id),
    };
  };
  const dropIfArmed = (c: Context<Env>): boolean => {
    if (!faults.takeDrop()) return false;
    c.env.outgoing.socket?.destroy();
    return true;
  };

  app.post("/order", async (c) => {
    const result = respond(await exchange.post(c.get("key"), parseOrderRequest(json(c))));
    if (dropIfArmed(c)) return c.body(null);
    return c.json(result);
  });
  app.post("/orders", async (c) => {
    const list = json(c);
    if (!Array.isArray(list)) throw ClobError.invalidPayload();
    if (list.length > MAX_BATCH) throw new ClobError(400, `Too many orders in payload: ${list.length}, max allowed: ${MAX_BATCH}`);
    const results: Record<string, unknown>[] = [];
    for (const item of list) {
      try {
        results.push(respond(await exchange.post(c.get("key"), parseOrderRequest(item))));
      } catch (e) {
        if (!(e instanceof ClobError)) throw e;
        // Unverified per-order error shape in the batch's 200 answer.
        results.push({ success: false, errorMsg: e.message, orderID: "", status: "", takingAmount: "", makingAmount: "" });
      }
    }
    if (dropIfArmed(c)) return c.body(null);
    return c.json(results);
  });

  const mine = (c: Context<Env>, o: OrderRecord | undefined): o is OrderRecord => o !== undefined && o.owner !== "" && o.address === funder(c);
  app.get("/data/order/:id", (c) => {
    const o = exchange.orders.get(c.req.param("id"));
    // Unverified: the real server's answer for an unknown or foreign order id.
    if (!mine(c, o)) return c.json(null);
    return c.json(openOrder(o));
  });
  app.get("/data/orders", (c) => {
    const q = c.req.query();
    const rows = [...exchange.orders.values()]
      .filter((o) => mine(c, o) && o.resting)
      .filter((o) => (!q.id || o.id === q.id) && (!q.market || o.market.conditionId === q.market) && (!q.asset_id || o.tokenId === q.asset_id))
      .map(openOrder);
    return c.json(page(rows, q.next_cursor, options.pageSize));
  });
  app.get("/data/trades", (c) => {
    const q = c.req.query();
    const me = { key: c.get("key").key, address: funder(c) };
    const rows = exchange.lifecycle.trades
      .filter((t) => t.taker.address === me.address || t.maker.order.address === me.address)
      .filter((t) => !q.id || t.id === q.id)
      .filter((t) => !q.market || t.taker.market.conditionId === q.market)
      .filter((t) => !q.asset_id || t.taker.tokenId === q.asset_id || t.maker.order.tokenId === q.asset_id)
      .filter((t) => !q.maker_address || t.taker.address === q.maker_address.toLowerCase() || t.maker.order.address === q.maker_address.toLowerCase())
      .filter((t) => (!q.before || t.matchTime < Number(q.before)) && (!q.after || t.matchTime > Number(q.after)))
      .sort((a, b) => b.seq - a.seq)
      .map((t) => tradeFor(t, { key: me.key, address: me.address }));
    return c.json(page(rows, q.next_cursor, options.pageSize));
  });

  /** Cancels by id, answering as the real server: {canceled, not_canceled: {id: reason}}. Reasons unverified. */
  const cancelIds = (c: Context<Env>, ids: string[]) => {
    const canceled: string[] = [];
    const notCanceled: Record<string, string> = {};
    for (const id of ids) {
      const o = exchange.orders.get(id);
      if (!mine(c, o)) notCanceled[id] = "order not found";
      else if (exchange.cancel(o)) canceled.push(id);
      else notCanceled[id] = o.status === "CANCELED" ? "order already canceled" : "order already matched";
    }
    return { canceled, not_canceled: notCanceled };
  };
  app.delete("/order", (c) => {
    const body = json(c) as { orderID?: unknown };
    if (typeof body?.orderID !== "string") throw ClobError.invalidPayload();
    if (!/^0x[0-9a-fA-F]+$/.test(body.orderID)) throw new ClobError(400, "Invalid orderID");
    return c.json(cancelIds(c, [body.orderID]));
  });
  app.delete("/orders", (c) => {
    const ids = json(c);
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw ClobError.invalidPayload();
    return c.json(cancelIds(c, ids as string[]));
  });
  app.delete("/cancel-all", (c) =>
    c.json(
      cancelIds(
        c,
        exchange.openOrdersOf(funder(c)).map((o) => o.id),
      ),
    ),
  );
  app.delete("/cancel-market-orders", (c) => {
    const body = (json(c) ?? {}) as { market?: string; asset_id?: string };
    const ids = exchange
      .openOrdersOf(funder(c))
      .filter((o) => (!body.market || o.market.conditionId === body.market) && (!body.asset_id || o.tokenId === body.asset_id))
      .map((o) => o.id);
    return c.json(cancelIds(c, ids));
  });

  const asset = (c: Context<Env>): string => {
    const type = c.req.query("asset_type");
    if (type === "COLLATERAL") return COLLATERAL;
    if (type !== "CONDITIONAL") throw new ClobError(400, "Invalid asset type");
    const tokenId = c.req.query("token_id");
    if (!tokenId || !exchange.token(tokenId)) throw new ClobError(400, "Invalid token id");
    return tokenId;
  };
  app.get("/balance-allowance", (c) => {
    const address = funder(c);
    const allowance = exchange.accounts.allowance(address).toString();
    const contracts = EXCHANGES[options.chainId]!;
    return c.json({
      balance: exchange.accounts.seen(address, asset(c)).toString(),
      allowances: { [contracts.exchangeV2]: allowance, [contracts.negRiskExchangeV2]: allowance },
    });
  });
  // The SDK types this as void; the fake answers an empty 200. Unverified body.
  app.get("/balance-allowance/update", (c) => (exchange.accounts.refresh(funder(c), asset(c)), c.body(null, 200)));

  // Dead-man switch. clob-client-v2 posts {heartbeat_id} to /v1/heartbeats and reads {heartbeat_id, error_msg?};
  // the docs show POST /heartbeats answering {"status": "ok"}. Both paths, both fields.
  const heartbeat = (c: Context<Env>) => c.json({ status: "ok", heartbeat_id: exchange.heartbeat(funder(c)) });
  app.post("/v1/heartbeats", heartbeat);
  app.post("/heartbeats", heartbeat);

  return app;
}

/** The SDK's cursor paging: base64 offsets, "MA==" first, "LTE=" after the last page. */
function page(rows: unknown[], cursor: string | undefined, size: number): Record<string, unknown> {
  const offset = !cursor || cursor === INITIAL_CURSOR ? 0 : Number(Buffer.from(cursor, "base64").toString("utf8"));
  if (cursor === END_CURSOR || !Number.isInteger(offset) || offset < 0) return { data: [], next_cursor: END_CURSOR, limit: size, count: 0 };
  const data = rows.slice(offset, offset + size);
  const next = offset + size < rows.length ? Buffer.from(String(offset + size)).toString("base64") : END_CURSOR;
  return { data, next_cursor: next, limit: size, count: data.length };
}
