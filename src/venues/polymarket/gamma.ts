import { z } from "zod";
import { HttpJson, type HttpJsonOptions } from "./http-json.js";
import { decimalField } from "./wire-decimal.js";

/**
 * Market metadata from Polymarket's Gamma API (gamma-api.polymarket.com, public): question,
 * outcomes with their token ids, end date, neg-risk, tick size, minimum order size, category and
 * tags, and status, normalized to PredictionMarketMeta.
 *
 * Field names verified against the Gamma market schema of Polymarket's TypeScript SDK
 * (Polymarket/ts-sdk, packages/bindings/src/gamma/market.ts): `outcomes`, `outcomePrices` and
 * `clobTokenIds` are JSON arrays inside strings; `orderPriceMinTickSize` and `orderMinSize` are
 * numbers; `endDate` is ISO-8601; array filters repeat their key (`condition_ids=a&condition_ids=b`).
 * Not verified: whether /markets leaves out closed markets unless `closed=true` is sent (the
 * client asks again with `closed=true` when a market is missing), and the resolved-market reading
 * (closed with one outcome priced 1 and the others 0; the community's rule, not a documented field).
 */

export const GAMMA_URL = "https://gamma-api.polymarket.com";

export type PredictionMarketStatus = "open" | "closed" | "resolved";

export interface PredictionOutcomeMeta {
  readonly outcome: string;
  readonly tokenId: string;
  /** Gamma's last price for the outcome (decimal string), when served. */
  readonly price: string | null;
}

export interface PredictionMarketMeta {
  readonly conditionId: string;
  /** Gamma's market id. */
  readonly marketId: string;
  readonly question: string;
  readonly slug: string | null;
  readonly outcomes: readonly PredictionOutcomeMeta[];
  /** When the question is decided (epoch ms), when known. */
  readonly endDate: number | null;
  readonly negRisk: boolean;
  /** Minimum price increment, e.g. "0.01"; can change near the extremes, so re-read before ordering. */
  readonly tickSize: string | null;
  /** Minimum order size in shares, e.g. "5". */
  readonly minOrderSize: string | null;
  readonly category: string | null;
  /** Tag labels (or slugs where a tag has no label). */
  readonly tags: readonly string[];
  readonly status: PredictionMarketStatus;
  /** The winning outcome, once resolved. */
  readonly winner?: string;
  readonly acceptingOrders: boolean;
  readonly eventSlug: string | null;
}

const jsonStringArray = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v ?? [];
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v; // left for the array check to refuse, with its message
    }
  },
  z.array(z.union([z.string(), z.number()]).transform(String)),
);

const tag = z.object({ id: z.union([z.string(), z.number()]), label: z.string().nullish(), slug: z.string().nullish() });
const nullableDecimal = z.preprocess((v) => (v === "" ? null : v), decimalField.nullish());

export const gammaMarketRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  question: z.string().nullish(),
  conditionId: z.string().regex(/^0x[0-9a-fA-F]{62,64}$/, "must be a 0x condition id"),
  slug: z.string().nullish(),
  endDate: z.string().nullish(),
  category: z.string().nullish(),
  outcomes: jsonStringArray,
  outcomePrices: jsonStringArray.optional(),
  clobTokenIds: jsonStringArray,
  active: z.boolean().nullish(),
  closed: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  acceptingOrders: z.boolean().nullish(),
  negRisk: z.boolean().nullish(),
  orderPriceMinTickSize: nullableDecimal,
  orderMinSize: nullableDecimal,
  tags: z.array(tag).nullish(),
  events: z.array(z.object({ slug: z.string().nullish(), title: z.string().nullish() }).passthrough()).nullish(),
});

export type GammaMarketRow = z.output<typeof gammaMarketRow>;

export const gammaEventRow = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  slug: z.string().nullish(),
  title: z.string().nullish(),
  category: z.string().nullish(),
  negRisk: z.boolean().nullish(),
  tags: z.array(tag).nullish(),
  markets: z.array(gammaMarketRow).nullish(),
});

export type GammaEventRow = z.output<typeof gammaEventRow>;

export class GammaShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GammaShapeError";
  }
}

function epochMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function resolvedWinner(outcomes: readonly string[], prices: readonly string[] | undefined): string | undefined {
  if (!prices || prices.length !== outcomes.length) return undefined;
  const ones = prices.flatMap((p, i) => (Number(p) === 1 ? [i] : []));
  const zeros = prices.filter((p) => Number(p) === 0).length;
  return ones.length === 1 && zeros === prices.length - 1 ? outcomes[ones[0]!] : undefined;
}

/** Gamma's market (with its event's tags and category when it has none of its own) as PredictionMarketMeta. */
export function toMarketMeta(row: GammaMarketRow, event?: GammaEventRow): PredictionMarketMeta {
  if (row.outcomes.length !== row.clobTokenIds.length) {
    throw new GammaShapeError(`market ${row.conditionId}: ${row.outcomes.length} outcomes but ${row.clobTokenIds.length} token ids`);
  }
  const prices = row.outcomePrices;
  const outcomes = row.outcomes.map((outcome, i) => ({ outcome, tokenId: row.clobTokenIds[i]!, price: prices?.[i] ?? null }));
  const winner = row.closed ? resolvedWinner(row.outcomes, prices) : undefined;
  const status: PredictionMarketStatus = winner !== undefined ? "resolved" : row.closed || row.archived ? "closed" : "open";
  const tags = (row.tags && row.tags.length > 0 ? row.tags : (event?.tags ?? [])).map((t) => t.label ?? t.slug ?? String(t.id));
  return {
    conditionId: row.conditionId.toLowerCase(),
    marketId: row.id,
    question: row.question ?? "",
    slug: row.slug ?? null,
    outcomes,
    endDate: epochMs(row.endDate),
    negRisk: row.negRisk ?? event?.negRisk ?? false,
    tickSize: row.orderPriceMinTickSize ?? null,
    minOrderSize: row.orderMinSize ?? null,
    category: row.category ?? event?.category ?? null,
    tags,
    status,
    ...(winner !== undefined ? { winner } : {}),
    acceptingOrders: status === "open" && (row.acceptingOrders ?? row.active ?? false),
    eventSlug: event?.slug ?? row.events?.[0]?.slug ?? null,
  };
}

export type GammaOptions = Partial<Omit<HttpJsonOptions, "service">>;

export interface MarketsQuery {
  conditionIds?: readonly string[];
  tokenIds?: readonly string[];
  slug?: string;
  closed?: boolean;
  /** A field to sort by (`volume24hr`: the most traded first with ascending false). */
  order?: string;
  /** Gamma's default is true; it needs `order`. */
  ascending?: boolean;
  limit?: number;
  offset?: number;
}

/** One market of a /markets answer, or why it could not be read (the others are still good). */
export type GammaMarketReading = { ok: true; market: PredictionMarketMeta } | { ok: false; conditionId: string | null; reason: string };

export class PolymarketGamma {
  private readonly http: HttpJson;

  constructor(options: GammaOptions = {}) {
    this.http = new HttpJson({ ...options, baseUrl: options.baseUrl ?? GAMMA_URL, service: "Gamma" });
  }

  /** GET /markets (a bare array). */
  async markets(q: MarketsQuery = {}): Promise<PredictionMarketMeta[]> {
    const rows = await this.http.get("/markets", this.marketsParams(q), z.array(gammaMarketRow));
    return rows.map((r) => toMarketMeta(r));
  }

  /**
   * GET /markets read row by row: a row that does not parse (a market without an order book has
   * no token ids) is answered as a refusal with its reason instead of failing the whole page.
   */
  async marketReadings(q: MarketsQuery = {}): Promise<GammaMarketReading[]> {
    const rows = await this.http.get("/markets", this.marketsParams(q), z.array(z.unknown()));
    return rows.map((raw): GammaMarketReading => {
      const conditionId = typeof raw === "object" && raw !== null && typeof (raw as { conditionId?: unknown }).conditionId === "string" ? (raw as { conditionId: string }).conditionId : null;
      const parsed = gammaMarketRow.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { ok: false, conditionId, reason: `${issue?.path.join(".") || "row"}: ${issue?.message ?? "does not match the documented shape"}` };
      }
      try {
        return { ok: true, market: toMarketMeta(parsed.data) };
      } catch (error) {
        return { ok: false, conditionId, reason: error instanceof Error ? error.message : String(error) };
      }
    });
  }

  private marketsParams(q: MarketsQuery) {
    return {
      condition_ids: q.conditionIds,
      clob_token_ids: q.tokenIds,
      slug: q.slug,
      closed: q.closed,
      order: q.order,
      ascending: q.order === undefined ? undefined : q.ascending,
      include_tag: true,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /** One market by condition id, open or closed; null when Gamma has none. */
  async market(conditionId: string): Promise<PredictionMarketMeta | null> {
    const id = conditionId.toLowerCase();
    const find = (list: PredictionMarketMeta[]) => list.find((m) => m.conditionId === id) ?? null;
    return find(await this.markets({ conditionIds: [id] })) ?? find(await this.markets({ conditionIds: [id], closed: true }));
  }

  /** GET /events: events with their markets, the event's tags and category passed down to each. */
  async events(
    q: { slug?: string; id?: string; closed?: boolean; limit?: number; offset?: number } = {},
  ): Promise<Array<{ id: string; slug: string | null; title: string | null; markets: PredictionMarketMeta[] }>> {
    const rows = await this.http.get("/events", { slug: q.slug, id: q.id, closed: q.closed, limit: q.limit, offset: q.offset }, z.array(gammaEventRow));
    return rows.map((e) => ({ id: e.id, slug: e.slug ?? null, title: e.title ?? null, markets: (e.markets ?? []).map((m) => toMarketMeta(m, e)) }));
  }
}
