import type {
  AccountApiKeys,
  Candles,
  DetailedAccounts,
  EnrichedTx,
  FundingRates,
  Fundings,
  NextNonce,
  OrderBookDetails,
  OrderBookOrders,
  OrderBooks,
  Orders,
  PositionFundings,
  Status,
  SubAccounts,
  Txs,
} from "../../src/venues/lighter/openapi.js";
import { checkAuth } from "./auth.js";
import { E } from "./errors.js";
import type { Exchange } from "./exchange.js";
import { orderBookSummary, perpsDetail, price, size, usdc } from "./markets.js";
import { isActive, type OrderRecord, type TradeRecord } from "./records.js";
import type { MarketState } from "./state.js";
import { detailedAccountWire, fundingWire, orderWire, simpleOrderWire, tradeWire, txWire, type TradeWire } from "./wire.js";

/** The GET endpoints under /api/v1, each a function of the exchange and the query. */

export interface RestContext {
  exchange: Exchange;
  query: URLSearchParams;
  /** Authorization header, else the auth (or authorization) query parameter. */
  auth: string | undefined;
  verifyAuthToken?: (token: string, publicKeyHex: string) => boolean;
  chainId: number;
}

type Handler = (ctx: RestContext) => object;

function intParam(q: URLSearchParams, name: string, options: { required?: boolean; fallback?: number; min?: number; max?: number } = {}): number {
  const raw = q.get(name);
  if (raw === null || raw === "") {
    if (options.required || options.fallback === undefined) throw E.fieldNotSet(name);
    return options.fallback;
  }
  if (!/^-?\d+$/.test(raw)) throw E.invalidParam();
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || (options.min !== undefined && v < options.min) || (options.max !== undefined && v > options.max)) throw E.invalidParam();
  return v;
}

function stringParam(q: URLSearchParams, name: string, fallback?: string): string {
  const raw = q.get(name);
  if (raw === null || raw === "") {
    if (fallback === undefined) throw E.fieldNotSet(name);
    return fallback;
  }
  return raw;
}

function requireAuth(ctx: RestContext, accountIndex: number): void {
  const error = checkAuth(ctx.auth, accountIndex, { nowMs: ctx.exchange.now(), keyOf: (a, k) => ctx.exchange.state.account(a)?.apiKeys.get(k)?.publicKey, verify: ctx.verifyAuthToken }, E.authEmpty());
  if (error) throw error;
}

/** market_id of a market-scoped endpoint: 255 = all (when allowed), else a known market. */
function marketParam(ctx: RestContext, options: { allowAll: boolean; required?: boolean }): MarketState | undefined {
  const id = intParam(ctx.query, "market_id", { required: options.required, fallback: 255 });
  if (id === 255 && options.allowAll) return undefined;
  const m = ctx.exchange.state.market(id);
  if (!m) throw E.invalidParam();
  return m;
}

function page<T>(items: readonly T[], ctx: RestContext, limit: number): { items: T[]; next?: string } {
  const start = intParam(ctx.query, "cursor", { fallback: 0, min: 0 });
  const slice = items.slice(start, start + limit);
  return start + limit < items.length ? { items: slice, next: String(start + limit) } : { items: slice };
}

const newestFirst = (a: OrderRecord, b: OrderRecord): number => b.updatedAt - a.updatedAt || b.orderIndex - a.orderIndex;

function ordersOf(ctx: RestContext, list: readonly OrderRecord[]) {
  return list.map((o) => orderWire(ctx.exchange.state.market(o.marketId)!.spec, o));
}

function tradesWire(ctx: RestContext, list: readonly TradeRecord[]): TradeWire[] {
  return list.map((t) => tradeWire(ctx.exchange.state.market(t.marketId)!.spec, t));
}

function accountWire(ctx: RestContext, index: number) {
  const state = ctx.exchange.state;
  const account = state.account(index);
  if (!account) throw E.notFound();
  const positions = [...account.positions.keys()].sort((a, b) => a - b).flatMap((id) => state.positionWire(account, id) ?? []);
  const pending = state.activeOrders(index).filter((o) => o.status === "pending").length;
  return detailedAccountWire(account, state.summary(account), positions, pending, state.nowUs());
}

const RESOLUTIONS: Record<string, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
  "1w": 604_800_000,
};
const toMs = (t: number): number => (t < 1e12 ? t * 1000 : t);

export const REST: Record<string, Handler> = {
  orderBookDetails: (ctx): OrderBookDetails => {
    const only = marketParam(ctx, { allowAll: true });
    const filter = stringParam(ctx.query, "filter", "all");
    if (!["all", "perp", "spot"].includes(filter)) throw E.invalidParam();
    const markets = only ? [only] : [...ctx.exchange.state.markets.values()];
    return { code: 200, order_book_details: filter === "spot" ? [] : markets.map((m) => perpsDetail(m.spec, ctx.exchange.state.live(m))), spot_order_book_details: [] };
  },

  orderBooks: (ctx): OrderBooks => {
    const only = marketParam(ctx, { allowAll: true });
    const filter = stringParam(ctx.query, "filter", "all");
    if (!["all", "perp", "spot"].includes(filter)) throw E.invalidParam();
    const markets = only ? [only] : [...ctx.exchange.state.markets.values()];
    return { code: 200, order_books: filter === "spot" ? [] : markets.map((m) => orderBookSummary(m.spec)) };
  },

  orderBookOrders: (ctx): OrderBookOrders => {
    const m = marketParam(ctx, { allowAll: false, required: true })!;
    const limit = intParam(ctx.query, "limit", { required: true, min: 1, max: 250 });
    const side = (isAsk: boolean) =>
      m.book
        .orders(isAsk)
        .slice(0, limit)
        .map((r) => simpleOrderWire(m.spec, ctx.exchange.state.orders.get(r.orderIndex)!));
    const asks = side(true);
    const bids = side(false);
    return { code: 200, total_asks: asks.length, asks, total_bids: bids.length, bids };
  },

  recentTrades: (ctx) => {
    const m = marketParam(ctx, { allowAll: false, required: true })!;
    const limit = intParam(ctx.query, "limit", { required: true, min: 1, max: 100 });
    const list = ctx.exchange.state.trades
      .filter((t) => t.marketId === m.spec.marketId)
      .slice(-limit)
      .reverse();
    return { code: 200, trades: tradesWire(ctx, list) };
  },

  trades: (ctx) => {
    const sortBy = stringParam(ctx.query, "sort_by");
    if (!["block_height", "timestamp", "trade_id"].includes(sortBy)) throw E.invalidParam();
    const limit = intParam(ctx.query, "limit", { required: true, min: 1, max: 100 });
    const m = marketParam(ctx, { allowAll: true });
    const account = intParam(ctx.query, "account_index", { fallback: -1 });
    if (account >= 0) requireAuth(ctx, account);
    const orderIndex = intParam(ctx.query, "order_index", { fallback: 0 });
    const askFilter = intParam(ctx.query, "ask_filter", { fallback: -1 });
    const role = stringParam(ctx.query, "role", "all");
    const type = stringParam(ctx.query, "type", "all");
    const from = intParam(ctx.query, "from", { fallback: 0 });
    const dir = stringParam(ctx.query, "sort_dir", "desc");
    let list = ctx.exchange.state.trades.filter((t) => {
      if (m && t.marketId !== m.spec.marketId) return false;
      if (type !== "all" && type !== "trade") return false;
      if (from && toMs(from) > t.timestamp) return false;
      if (orderIndex && t.taker.orderIndex !== orderIndex && t.maker.orderIndex !== orderIndex) return false;
      if (account >= 0) {
        const mine = [t.taker, t.maker].filter((s) => s.accountIndex === account && (role === "all" || (role === "taker") === (s === t.taker)));
        if (mine.length === 0) return false;
        if (askFilter !== -1 && !mine.some((s) => (s === t.taker ? t.takerIsAsk : !t.takerIsAsk) === (askFilter === 1))) return false;
      }
      return true;
    });
    if (dir !== "asc") list = [...list].reverse();
    const p = page(list, ctx, limit);
    return { code: 200, ...(p.next ? { next_cursor: p.next } : {}), trades: tradesWire(ctx, p.items) };
  },

  account: (ctx): DetailedAccounts => {
    const by = stringParam(ctx.query, "by");
    const value = stringParam(ctx.query, "value");
    let index: number;
    if (by === "index") {
      if (!/^\d+$/.test(value)) throw E.invalidParam();
      index = Number(value);
    } else if (by === "l1_address") {
      const found = [...ctx.exchange.state.accounts.values()].find((a) => a.l1Address.toLowerCase() === value.toLowerCase());
      if (!found) throw E.notFound();
      index = found.index;
    } else throw E.invalidParam();
    return { code: 200, total: 1, accounts: [accountWire(ctx, index)] };
  },

  accountsByL1Address: (ctx): SubAccounts => {
    const l1 = stringParam(ctx.query, "l1_address");
    const found = [...ctx.exchange.state.accounts.values()].filter((a) => a.l1Address.toLowerCase() === l1.toLowerCase());
    if (found.length === 0) throw E.notFound();
    return {
      code: 200,
      l1_address: l1,
      sub_accounts: found.map((a) => {
        const { positions: _p, assets: _a, ...rest } = accountWire(ctx, a.index);
        return rest;
      }),
    };
  },

  apikeys: (ctx): AccountApiKeys => {
    const index = intParam(ctx.query, "account_index", { required: true });
    const keyIndex = intParam(ctx.query, "api_key_index", { fallback: 255 });
    const account = ctx.exchange.state.account(index);
    if (!account) throw E.notFound();
    const keys = [...account.apiKeys.entries()].filter(([k]) => keyIndex === 255 || k === keyIndex).sort(([a], [b]) => a - b);
    return { code: 200, api_keys: keys.map(([k, v]) => ({ account_index: index, api_key_index: k, nonce: v.nextNonce, public_key: v.publicKey, transaction_time: v.registeredAt * 1000 })) };
  },

  nextNonce: (ctx): NextNonce => {
    const index = intParam(ctx.query, "account_index", { required: true });
    const keyIndex = intParam(ctx.query, "api_key_index", { required: true });
    const key = ctx.exchange.state.account(index)?.apiKeys.get(keyIndex);
    if (!key) throw E.notFound();
    return { code: 200, nonce: key.nextNonce };
  },

  accountActiveOrders: (ctx): Orders => {
    const index = intParam(ctx.query, "account_index", { required: true });
    requireAuth(ctx, index);
    const m = marketParam(ctx, { allowAll: true });
    const list = ctx.exchange.state.activeOrders(index, m?.spec.marketId).sort((a, b) => a.orderIndex - b.orderIndex);
    return { code: 200, orders: ordersOf(ctx, list) };
  },

  accountInactiveOrders: (ctx): Orders => {
    const index = intParam(ctx.query, "account_index", { required: true });
    requireAuth(ctx, index);
    const limit = intParam(ctx.query, "limit", { required: true, min: 1, max: 100 });
    const m = marketParam(ctx, { allowAll: true });
    const askFilter = intParam(ctx.query, "ask_filter", { fallback: -1 });
    const between = ctx.query.get("between_timestamps");
    const [from, to] = between ? between.split("-").map((x) => toMs(Number(x))) : [0, Infinity];
    const list = ctx.exchange.state
      .accountOrders(index)
      .filter((o) => !isActive(o) && (!m || o.marketId === m.spec.marketId) && (askFilter === -1 || o.isAsk === (askFilter === 1)) && o.updatedAt >= (from ?? 0) && o.updatedAt <= (to ?? Infinity))
      .sort(newestFirst);
    const p = page(list, ctx, limit);
    return { code: 200, ...(p.next ? { next_cursor: p.next } : {}), orders: ordersOf(ctx, p.items) };
  },

  accountOrders: (ctx): Orders => {
    const index = intParam(ctx.query, "account_index", { required: true });
    requireAuth(ctx, index);
    const raw = stringParam(ctx.query, "client_order_indexes");
    const wanted = raw.split(",").map((x) => x.trim());
    if (wanted.length > 20 || wanted.some((x) => !/^\d+$/.test(x))) throw E.invalidParam();
    const set = new Set(wanted.map(Number));
    const list = ctx.exchange.state
      .accountOrders(index)
      .filter((o) => o.clientOrderIndex !== 0 && set.has(o.clientOrderIndex))
      .sort(newestFirst);
    return { code: 200, orders: ordersOf(ctx, list) };
  },

  tx: (ctx): EnrichedTx => {
    const by = stringParam(ctx.query, "by");
    const value = stringParam(ctx.query, "value");
    const state = ctx.exchange.state;
    let rec;
    if (by === "hash") rec = state.txs.get(value.toLowerCase().replace(/^0x/, ""));
    else if (by === "sequence_index") rec = state.txList.find((t) => String(t.sequenceIndex) === value);
    else throw E.invalidParam();
    if (!rec) throw E.txNotFound();
    return txWire(rec, ctx.exchange.now());
  },

  accountTxs: (ctx): Txs => {
    const by = stringParam(ctx.query, "by", "account_index");
    if (by !== "account_index") throw E.invalidParam();
    const index = intParam(ctx.query, "value", { required: true });
    requireAuth(ctx, index);
    const limit = intParam(ctx.query, "limit", { required: true, min: 1, max: 100 });
    const before = intParam(ctx.query, "index", { fallback: Number.MAX_SAFE_INTEGER });
    const now = ctx.exchange.now();
    const list = ctx.exchange.state.txList
      .filter((t) => t.accountIndex === index && t.sequenceIndex < before)
      .reverse()
      .slice(0, limit);
    return {
      code: 200,
      txs: list.map((t) => {
        const { code: _c, committed_at: _x, verified_at: _y, ...rest } = txWire(t, now);
        return rest;
      }),
    };
  },

  positionFunding: (ctx): PositionFundings => {
    const index = intParam(ctx.query, "account_index", { required: true });
    requireAuth(ctx, index);
    const m = marketParam(ctx, { allowAll: true });
    const limit = intParam(ctx.query, "limit", { fallback: 100, min: 1, max: 100 });
    const side = stringParam(ctx.query, "side", "all");
    const list = ctx.exchange.state.fundings.filter((f) => f.accountIndex === index && (!m || f.marketId === m.spec.marketId) && (side === "all" || f.side === side)).reverse();
    const p = page(list, ctx, limit);
    return { code: 200, position_fundings: p.items.map((f) => fundingWire(ctx.exchange.state.market(f.marketId)!.spec, f)), ...(p.next ? { next_cursor: p.next } : {}) };
  },

  fundings: (ctx): Fundings => {
    const m = marketParam(ctx, { allowAll: false, required: true })!;
    const resolution = stringParam(ctx.query, "resolution", "1h");
    const countBack = intParam(ctx.query, "count_back", { fallback: 100, min: 0 });
    const from = toMs(intParam(ctx.query, "start_timestamp", { fallback: 0 }));
    const to = toMs(intParam(ctx.query, "end_timestamp", { fallback: Number.MAX_SAFE_INTEGER }));
    const list = ctx.exchange.state.fundingRounds.filter((f) => f.marketId === m.spec.marketId && f.timestamp >= from && f.timestamp <= to).slice(-Math.max(1, Math.min(countBack, 100)));
    return {
      code: 200,
      resolution,
      fundings: list.map(({ timestamp, rate }) => {
        const negative = rate.trim().startsWith("-");
        const abs = rate.trim().replace(/^[+-]/, "");
        return { timestamp, value: abs, rate: abs, direction: negative ? "short" : "long" };
      }),
    };
  },

  "funding-rates": (ctx): FundingRates => ({
    code: 200,
    funding_rates: [...ctx.exchange.state.markets.values()].map((m) => ({ market_id: m.spec.marketId, exchange: "lighter" as const, symbol: m.spec.symbol, rate: Number(m.fundingRate) })),
  }),

  candles: (ctx): Candles => {
    const m = marketParam(ctx, { allowAll: false, required: true })!;
    const r = stringParam(ctx.query, "resolution");
    const width = RESOLUTIONS[r];
    if (!width) throw E.invalidParam();
    const start = toMs(intParam(ctx.query, "start_timestamp", { required: true }));
    const end = toMs(intParam(ctx.query, "end_timestamp", { required: true }));
    const countBack = intParam(ctx.query, "count_back", { required: true, min: 0 });
    const bars = new Map<number, TradeRecord[]>();
    for (const t of ctx.exchange.state.trades) {
      if (t.marketId !== m.spec.marketId || t.timestamp < start || t.timestamp > end) continue;
      const open = Math.floor(t.timestamp / width) * width;
      bars.set(open, [...(bars.get(open) ?? []), t]);
    }
    const num = (ticks: number) => Number(price(m.spec, ticks));
    const c = [...bars.entries()]
      .sort(([a], [b]) => a - b)
      .slice(-Math.min(countBack || 500, 500))
      .map(([t, list]) => {
        const prices = list.map((x) => x.price);
        const base = list.reduce((s, x) => s + x.size, 0n);
        const quote = list.reduce((s, x) => s + BigInt(x.price) * x.size, 0n);
        return {
          t,
          o: num(prices[0]!),
          h: num(Math.max(...prices)),
          l: num(Math.min(...prices)),
          c: num(prices[prices.length - 1]!),
          v: Number(size(m.spec, base)),
          V: Number(usdc((quote * 10n ** 6n) / 10n ** BigInt(m.spec.priceDecimals + m.spec.sizeDecimals))),
          i: list[list.length - 1]!.tradeId,
        };
      });
    return { code: 200, r, c } as unknown as Candles;
  },

  accountLimits: (ctx) => {
    const index = intParam(ctx.query, "account_index", { required: true });
    requireAuth(ctx, index);
    return {
      code: 200,
      max_llp_percentage: 0,
      max_llp_amount: "0",
      user_tier: "std",
      can_create_public_pool: false,
      user_tier_name: "Standard",
      current_maker_fee_tick: 0,
      current_taker_fee_tick: 0,
      leased_lit: "0",
      effective_lit_stakes: "0",
    };
  },

  systemConfig: () => ({
    code: 200,
    liquidity_pool_index: 281474976710654,
    staking_pool_index: 281474976624800,
    funding_fee_rebate_account_index: 0,
    liquidity_pool_cooldown_period: 300000,
    staking_pool_lockup_period: 259200000,
    max_integrator_spot_taker_fee: 10000,
    max_integrator_spot_maker_fee: 10000,
    max_integrator_perps_taker_fee: 1000,
    max_integrator_perps_maker_fee: 1000,
  }),
};

export const status = (ctx: RestContext): Status => ({ status: 1, network_id: ctx.chainId, timestamp: Math.floor(ctx.exchange.now() / 1000) });
