import { conflict, invalid, notFound } from "../core/errors.js";
import { lotsToQuantity, ticksToPrice, type MarketSpec } from "../core/market.js";
import type { MarketData } from "../market/market-room.js";
import type { PredictionCatalog } from "./prediction-catalog.js";
import type { PredictionMarket } from "./prediction-market.js";

/** A prediction market in the wire shape of API.md: prices as decimal strings, null when that side of the book is empty. */
export interface PredictionMarketView {
  conditionId: string;
  question: string;
  slug: string;
  status: "open" | "closed" | "resolved";
  winner?: string;
  endDate: string;
  tickSize: string;
  minOrderSize: string;
  negRisk: boolean;
  category?: string;
  source: PredictionMarket["source"];
  outcomes: Array<{ outcome: string; tokenId: string; symbol: string; bid: string | null; ask: string | null; mid: string | null }>;
}

export interface PredictionBookView {
  conditionId: string;
  tokenId: string;
  outcome: string;
  symbol: string;
  tickSize: string;
  minOrderSize: string;
  /** [price, size in shares], best first. */
  bids: Array<[string, string]>;
  asks: Array<[string, string]>;
  ts: string | null;
}

export interface PredictionApi {
  /** Every market, open ones first, each by end date. */
  list(): PredictionMarketView[];
  book(conditionId: string, tokenId: string, depth: number): PredictionBookView; // 404 unknown market or token
  /** Simulation: resolves a market the simulator trades (not a real Polymarket one); 409 when it is real or resolved otherwise. */
  resolve(conditionId: string, winner: string): Promise<{ market: PredictionMarketView; redeemed: number }>;
}

/** For a process without prediction markets (a worker, a backtest's kernel). */
export const NO_PREDICTION_MARKETS: PredictionApi = {
  list: () => [],
  book: (conditionId) => {
    throw notFound(`prediction market ${conditionId} does not exist`);
  },
  resolve: (conditionId) => Promise.reject(notFound(`prediction market ${conditionId} does not exist`)),
};

const STATUS_ORDER = { open: 0, closed: 1, resolved: 2 } as const;

export function createPredictionApi(catalog: PredictionCatalog, market: MarketData): PredictionApi {
  const price = (m: MarketSpec, ticks: number | undefined) => (ticks === undefined ? null : ticksToPrice(m, ticks));
  const view = (pm: PredictionMarket): PredictionMarketView => ({
    conditionId: pm.conditionId,
    question: pm.question,
    slug: pm.slug,
    status: pm.status,
    ...(pm.winner !== undefined ? { winner: pm.winner } : {}),
    endDate: new Date(pm.endDate).toISOString(),
    tickSize: pm.tickSize,
    minOrderSize: pm.minOrderSize,
    negRisk: pm.negRisk,
    ...(pm.category !== undefined ? { category: pm.category } : {}),
    source: pm.source,
    outcomes: pm.outcomes.map((o) => {
      const spec = market.market(o.symbol);
      const q = market.quote(o.symbol);
      return spec
        ? { outcome: o.outcome, tokenId: o.tokenId, symbol: o.symbol, bid: price(spec, q?.bid), ask: price(spec, q?.ask), mid: price(spec, q?.mid) }
        : { outcome: o.outcome, tokenId: o.tokenId, symbol: o.symbol, bid: null, ask: null, mid: null };
    }),
  });
  const need = (conditionId: string) => {
    const pm = catalog.get(conditionId);
    if (!pm) throw notFound(`prediction market ${conditionId} does not exist`);
    return pm;
  };
  return {
    list: () =>
      catalog
        .list()
        .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.endDate - b.endDate || a.conditionId.localeCompare(b.conditionId))
        .map(view),
    book(conditionId, tokenId, depth) {
      const pm = need(conditionId);
      const o = pm.outcomes.find((x) => x.tokenId === tokenId);
      if (!o) throw notFound(`market ${pm.conditionId} has no token ${tokenId} (its tokens: ${pm.outcomes.map((x) => `${x.outcome} ${x.tokenId}`).join(", ")})`);
      const spec = market.market(o.symbol);
      const snap = market.snapshot(o.symbol, depth);
      const level = ([p, s]: readonly [number, number]): [string, string] => [ticksToPrice(spec!, p), lotsToQuantity(spec!, s)];
      return {
        conditionId: pm.conditionId,
        tokenId,
        outcome: o.outcome,
        symbol: o.symbol,
        tickSize: pm.tickSize,
        minOrderSize: pm.minOrderSize,
        bids: spec && snap ? snap.bids.map(level) : [],
        asks: spec && snap ? snap.asks.map(level) : [],
        ts: snap && snap.ts > 0 ? new Date(snap.ts).toISOString() : null,
      };
    },
    async resolve(conditionId, winner) {
      const pm = need(conditionId);
      if (pm.source === "polymarket") throw conflict("not_simulated", `${pm.conditionId} is a real Polymarket market: it resolves on Polymarket, not here`);
      if (typeof winner !== "string" || winner.length === 0) throw invalid("winner: must name one of the market's outcomes");
      const r = await catalog.resolve(pm.conditionId, winner);
      return { market: view(r.market), redeemed: r.redeemed };
    },
  };
}
