import type { DetailedAccount, EnrichedTx, Order } from "../../src/venues/lighter/openapi.js";
import type { Exchange } from "./exchange.js";
import type { Faults, SendTxFault } from "./faults.js";
import { REST } from "./rest.js";
import { orderWire, tradeWire, txWire, type TradeWire } from "./wire.js";

/** The test's hand on the fake: in process, and the same calls as JSON under /_fake/. */
export interface FakeLighterControl {
  /** Replaces the market maker's orders in `marketId` with one GTT order per [priceTicks, sizeLots] level. */
  setBook(marketId: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): void;
  /** Creates the account if needed and sets its USDC collateral (decimal dollars, e.g. "1000" or "250.5"). */
  fund(accountIndex: number, usdc: string): void;
  /** Registers an API key (80 hex public key); its next nonce is `nonce` (default: options.initialNonce). */
  registerApiKey(accountIndex: number, apiKeyIndex: number, publicKeyHex: string, options?: { nonce?: number }): void;
  /** The account as GET /api/v1/account returns it, or undefined. */
  account(accountIndex: number): DetailedAccount | undefined;
  /** Every order of the account (active and inactive), oldest first. */
  orders(accountIndex: number): Order[];
  /** Every trade, oldest first (only the account's when given). */
  trades(accountIndex?: number): TradeWire[];
  /** Every accepted tx, oldest first, as GET /api/v1/tx shows it. */
  txs(): EnrichedTx[];
  nextNonce(accountIndex: number, apiKeyIndex: number): number | undefined;
  now(): number;
  /** Moves the clock: GTT orders past their expiry end as canceled-expired, scheduled cancel-alls run. */
  advance(ms: number): void;
  /** Sets the mark price in ticks (null: back to the mid of the book) and fires trigger orders. */
  setMarkPrice(marketId: number, priceTicks: number | null): void;
  markPrice(marketId: number): number;
  /** Settles funding at `rate` (fraction, e.g. "0.0001"): longs pay shorts when positive. */
  payFunding(marketId: number, rate: string): void;
  /** Sets the coming payment's estimated rate (fraction per hour, e.g. "0.000012"): market_stats shows it in percent. */
  setFundingRate(marketId: number, rate: string): void;
  /** Cancels an order from the exchange's side (status "canceled"). */
  cancelOrder(orderIndex: number): void;
  dropWebSockets(options?: { clean?: boolean }): void;
  readonly faults: Faults;
}

export function createControl(exchange: Exchange, faults: Faults): FakeLighterControl {
  const state = exchange.state;
  return {
    setBook: (marketId, bids, asks) => exchange.setBook(marketId, bids, asks),
    fund: (accountIndex, usdc) => exchange.fund(accountIndex, usdc),
    registerApiKey: (accountIndex, apiKeyIndex, publicKeyHex, options) => exchange.registerApiKey(accountIndex, apiKeyIndex, publicKeyHex, options?.nonce),
    account: (accountIndex) => {
      if (!state.account(accountIndex)) return undefined;
      const r = REST.account!({ exchange, query: new URLSearchParams({ by: "index", value: String(accountIndex) }), auth: undefined, chainId: 0 }) as { accounts: DetailedAccount[] };
      return r.accounts[0];
    },
    orders: (accountIndex) => state.accountOrders(accountIndex).map((o) => orderWire(state.market(o.marketId)!.spec, o)),
    trades: (accountIndex) =>
      state.trades.filter((t) => accountIndex === undefined || t.taker.accountIndex === accountIndex || t.maker.accountIndex === accountIndex).map((t) => tradeWire(state.market(t.marketId)!.spec, t)),
    txs: () => state.txList.map((t) => txWire(t, exchange.now())),
    nextNonce: (accountIndex, apiKeyIndex) => state.account(accountIndex)?.apiKeys.get(apiKeyIndex)?.nextNonce,
    now: () => exchange.now(),
    advance: (ms) => exchange.advance(ms),
    setMarkPrice: (marketId, priceTicks) => exchange.setMarkPrice(marketId, priceTicks),
    markPrice: (marketId) => state.markOf(marketId),
    payFunding: (marketId, rate) => exchange.payFunding(marketId, rate),
    setFundingRate: (marketId, rate) => exchange.setFundingRate(marketId, rate),
    cancelOrder: (orderIndex) => exchange.cancelOrder(orderIndex),
    dropWebSockets: (options) => faults.dropWebSockets(options),
    faults,
  };
}

export const CONTROL_HELP = [
  "POST /_fake/fund       {account, usdc}                       collateral in decimal dollars",
  "POST /_fake/apikey     {account, api_key_index, public_key, nonce?}",
  "POST /_fake/book       {market, bids: [[priceTicks, lots]…], asks: […]}",
  "POST /_fake/mark       {market, price}                       mark price in ticks (null = mid)",
  "POST /_fake/advance    {ms}                                  move the clock",
  'POST /_fake/funding    {market, rate}                        settle funding, e.g. rate "0.0001"',
  'POST /_fake/funding-rate {market, rate}                      the coming payment\'s rate (fraction/hour), e.g. "0.000012"',
  "POST /_fake/bad-stats  {market, times?}                      send malformed market_stats updates",
  "POST /_fake/fault      {kind, times?, holdMs?, accept?, status?}  next sendTx faults",
  "POST /_fake/gap        {market, times?}                      drop order-book diffs (nonce gap)",
  "POST /_fake/ws-delay   {ms}                                  delay account channel updates",
  "POST /_fake/drop-ws    {clean?}                              close every WebSocket",
  "GET  /_fake/account?account=N   /_fake/orders?account=N   /_fake/trades   /_fake/txs   /_fake/help",
];

function need<T>(body: Record<string, unknown>, key: string): T {
  if (body[key] === undefined) throw new Error(`missing "${key}"`);
  return body[key] as T;
}

/** The /_fake/… JSON endpoints over the same control calls. */
export function controlRoutes(control: FakeLighterControl) {
  return (method: string, path: string, query: URLSearchParams, text: string): object => {
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const ok = { ok: true, now: control.now() };
    if (method === "GET") {
      const account = Number(query.get("account"));
      switch (path) {
        case "account":
          return control.account(account) ?? { error: "no such account" };
        case "orders":
          return { orders: control.orders(account) };
        case "trades":
          return { trades: control.trades(query.get("account") === null ? undefined : account) };
        case "txs":
          return { txs: control.txs() };
        default:
          return { help: CONTROL_HELP };
      }
    }
    switch (path) {
      case "fund":
        control.fund(need(body, "account"), String(need(body, "usdc")));
        return ok;
      case "apikey":
        control.registerApiKey(need(body, "account"), need(body, "api_key_index"), need(body, "public_key"), { nonce: body.nonce as number | undefined });
        return ok;
      case "book":
        control.setBook(need(body, "market"), (body.bids ?? []) as [number, number][], (body.asks ?? []) as [number, number][]);
        return ok;
      case "mark":
        control.setMarkPrice(need(body, "market"), (body.price ?? null) as number | null);
        return ok;
      case "advance":
        control.advance(need(body, "ms"));
        return ok;
      case "funding":
        control.payFunding(need(body, "market"), String(need(body, "rate")));
        return ok;
      case "funding-rate":
        control.setFundingRate(need(body, "market"), String(need(body, "rate")));
        return ok;
      case "bad-stats":
        control.faults.malformedMarketStats(need(body, "market"), (body.times as number | undefined) ?? 1);
        return ok;
      case "fault":
        control.faults.sendTx(body as unknown as SendTxFault, (body.times as number | undefined) ?? 1);
        return ok;
      case "gap":
        control.faults.orderBookGap(need(body, "market"), (body.times as number | undefined) ?? 1);
        return ok;
      case "ws-delay":
        control.faults.accountUpdateDelayMs = need(body, "ms");
        return ok;
      case "drop-ws":
        control.dropWebSockets({ clean: Boolean(body.clean) });
        return ok;
      default:
        return { error: `unknown control ${path}`, help: CONTROL_HELP };
    }
  };
}
