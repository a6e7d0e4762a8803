import type { GammaMarketReading, MarketsQuery, PredictionMarketMeta } from "../../venues/polymarket/gamma.js";

/** What the live feed asks of Gamma (PolymarketGamma has it; tests may hand in less). */
export interface GammaMarkets {
  marketReadings(q: MarketsQuery): Promise<GammaMarketReading[]>;
}

/** Markets Gamma answered, and the rows it answered that could not be read (with the reason). */
export interface GammaAnswer {
  markets: PredictionMarketMeta[];
  refused: Array<{ conditionId: string | null; reason: string }>;
}

/** Condition ids per request: the ids repeat in the query string, which must stay well under Gamma's ~8 KB. */
const IDS_PER_REQUEST = 50;

const CONDITION_ID = /^0x[0-9a-f]{64}$/i;

function split(readings: readonly GammaMarketReading[], into: GammaAnswer): void {
  for (const r of readings) {
    if (r.ok) into.markets.push(r.market);
    else into.refused.push({ conditionId: r.conditionId, reason: r.reason });
  }
}

/**
 * Markets by condition id, open or not: Gamma leaves closed markets out unless asked for them
 * (`closed=true`), so the ids an open query did not answer are asked again as closed.
 */
export async function marketsByConditionId(gamma: GammaMarkets, ids: readonly string[]): Promise<GammaAnswer> {
  const out: GammaAnswer = { markets: [], refused: [] };
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  for (let i = 0; i < wanted.length; i += IDS_PER_REQUEST) {
    const chunk = wanted.slice(i, i + IDS_PER_REQUEST);
    split(await gamma.marketReadings({ conditionIds: chunk, limit: chunk.length }), out);
    const answered = new Set([...out.markets.map((m) => m.conditionId), ...out.refused.map((r) => r.conditionId?.toLowerCase())]);
    const rest = chunk.filter((id) => !answered.has(id));
    if (rest.length > 0) split(await gamma.marketReadings({ conditionIds: rest, closed: true, limit: rest.length }), out);
  }
  return out;
}

/** One market by slug, open or not. */
export async function marketBySlug(gamma: GammaMarkets, slug: string): Promise<GammaAnswer> {
  const out: GammaAnswer = { markets: [], refused: [] };
  split(await gamma.marketReadings({ slug, limit: 1 }), out);
  if (out.markets.length === 0 && out.refused.length === 0) split(await gamma.marketReadings({ slug, closed: true, limit: 1 }), out);
  return out;
}

/** The market one outcome token belongs to (Gamma's `clob_token_ids` filter), open or not; null when Gamma has none. */
export async function marketByToken(gamma: GammaMarkets, tokenId: string): Promise<{ market: PredictionMarketMeta | null; refused: GammaAnswer["refused"] }> {
  const holds = (m: PredictionMarketMeta) => m.outcomes.some((o) => o.tokenId === tokenId);
  const out: GammaAnswer = { markets: [], refused: [] };
  split(await gamma.marketReadings({ tokenIds: [tokenId], limit: 1 }), out);
  if (!out.markets.some(holds) && out.refused.length === 0) split(await gamma.marketReadings({ tokenIds: [tokenId], closed: true, limit: 1 }), out);
  return { market: out.markets.find(holds) ?? null, refused: out.refused };
}

/**
 * The markets AUTONOME_PM_MARKETS lists (condition ids and slugs), in the order listed; what
 * Gamma does not know is named in `missing`.
 */
export async function listedMarkets(gamma: GammaMarkets, entries: readonly string[]): Promise<GammaAnswer & { missing: string[] }> {
  const ids = entries.filter((e) => CONDITION_ID.test(e));
  const byId = await marketsByConditionId(gamma, ids);
  const out: GammaAnswer & { missing: string[] } = { markets: [], refused: [...byId.refused], missing: [] };
  for (const entry of entries) {
    if (CONDITION_ID.test(entry)) {
      const m = byId.markets.find((x) => x.conditionId === entry.toLowerCase());
      if (m) out.markets.push(m);
      else if (!byId.refused.some((r) => r.conditionId?.toLowerCase() === entry.toLowerCase())) out.missing.push(entry);
      continue;
    }
    const bySlug = await marketBySlug(gamma, entry);
    out.refused.push(...bySlug.refused);
    if (bySlug.markets[0]) out.markets.push(bySlug.markets[0]);
    else if (bySlug.refused.length === 0) out.missing.push(entry);
  }
  return out;
}

/** The most traded open markets of the last 24 hours, most traded first (`extra` more, for those that cannot be read). */
export async function mostActiveMarkets(gamma: GammaMarkets, limit: number, extra = 10): Promise<GammaAnswer> {
  const out: GammaAnswer = { markets: [], refused: [] };
  split(await gamma.marketReadings({ closed: false, order: "volume24hr", ascending: false, limit: limit + extra }), out);
  return out;
}
