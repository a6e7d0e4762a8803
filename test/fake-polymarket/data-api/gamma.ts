import { listen, sendJson } from "./http.js";

/**
 * A local Gamma API (market metadata): GET /markets, /markets/:id, /events, with Gamma's field
 * names (conditionId, question, `outcomes` / `outcomePrices` / `clobTokenIds` as JSON arrays inside
 * strings, endDate, negRisk, active/closed, acceptingOrders, orderPriceMinTickSize, orderMinSize,
 * category, tags). Names from the Gamma schema of Polymarket/ts-sdk. Array filters repeat their key.
 * Assumed (unverified): /markets leaves closed markets out unless `closed=true` is sent; tags are
 * served only with `include_tag=true`. Sorting as the docs' "Fetch markets" parameters say: `order`
 * names the field (the fake sorts by numeric fields, e.g. volume24hr), `ascending` defaults to true.
 */

export interface FakeMarketInput {
  id?: string;
  conditionId: string;
  question: string;
  slug?: string;
  outcomes: string[];
  clobTokenIds: string[];
  /** Decimal strings; a resolved market has one "1" and the rest "0". */
  outcomePrices?: string[];
  /** ISO-8601. */
  endDate: string;
  negRisk?: boolean;
  active?: boolean;
  closed?: boolean;
  acceptingOrders?: boolean;
  orderPriceMinTickSize?: number;
  orderMinSize?: number;
  category?: string;
  tags?: Array<{ id: string; label: string; slug: string }>;
  /** Dollars traded in the last 24 h (Gamma's `volume24hr`, a number): what `order=volume24hr` sorts by. */
  volume24hr?: number;
}

export interface FakeEventInput {
  id?: string;
  slug: string;
  title: string;
  category?: string;
  negRisk?: boolean;
  tags?: Array<{ id: string; label: string; slug: string }>;
  /** Condition ids of markets added with addMarket. */
  conditionIds: string[];
}

export interface FakeGamma {
  readonly url: string;
  readonly port: number;
  readonly requests: Array<{ path: string; query: URLSearchParams }>;
  close(): Promise<void>;
  addMarket(market: FakeMarketInput): void;
  /** Changes a market (close it, resolve it, move its tick size). */
  updateMarket(conditionId: string, patch: Partial<FakeMarketInput>): void;
  addEvent(event: FakeEventInput): void;
  /** The next `times` requests answer `status`. */
  fail(status: number, times?: number): void;
}

function wireMarket(m: FakeMarketInput, withTags: boolean) {
  return {
    id: m.id ?? String(Math.abs(hash(m.conditionId)) % 1_000_000),
    question: m.question,
    conditionId: m.conditionId,
    slug: m.slug ?? m.question.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    endDate: m.endDate,
    category: m.category ?? null,
    outcomes: JSON.stringify(m.outcomes),
    outcomePrices: JSON.stringify(m.outcomePrices ?? m.outcomes.map(() => "0.5")),
    clobTokenIds: JSON.stringify(m.clobTokenIds),
    active: m.active ?? true,
    closed: m.closed ?? false,
    archived: false,
    acceptingOrders: m.acceptingOrders ?? !(m.closed ?? false),
    enableOrderBook: true,
    negRisk: m.negRisk ?? false,
    orderPriceMinTickSize: m.orderPriceMinTickSize ?? 0.01,
    orderMinSize: m.orderMinSize ?? 5,
    volume24hr: m.volume24hr ?? 0,
    ...(withTags ? { tags: m.tags ?? [] } : {}),
  };
}

function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

function list(q: URLSearchParams, name: string): string[] | undefined {
  const values = q
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
  return values.length > 0 ? values : undefined;
}

export async function startFakeGamma(options: { port?: number; host?: string; markets?: FakeMarketInput[] } = {}): Promise<FakeGamma> {
  const markets = new Map<string, FakeMarketInput>();
  const events: FakeEventInput[] = [];
  const requests: FakeGamma["requests"] = [];
  let failing = { status: 0, left: 0 };
  for (const m of options.markets ?? []) markets.set(m.conditionId.toLowerCase(), m);

  const server = await listen(
    (_req, res, url) => {
      const path = url.pathname.replace(/\/+$/, "");
      const q = url.searchParams;
      requests.push({ path, query: q });
      if (failing.left > 0) {
        failing.left -= 1;
        return sendJson(res, failing.status, { error: "upstream error" });
      }
      const withTags = q.get("include_tag") === "true";
      const closedParam = q.get("closed");
      const limit = Number(q.get("limit") ?? 100);
      const offset = Number(q.get("offset") ?? 0);
      if (path === "/markets") {
        const conds = list(q, "condition_ids");
        const tokens = list(q, "clob_token_ids");
        const slug = q.get("slug");
        const rows = [...markets.values()].filter(
          (m) =>
            (closedParam === null ? !m.closed : String(m.closed ?? false) === closedParam) &&
            (!conds || conds.includes(m.conditionId.toLowerCase())) &&
            (!tokens || m.clobTokenIds.some((t) => tokens.includes(t))) &&
            (slug === null || wireMarket(m, false).slug === slug),
        );
        const order = q.get("order");
        if (order !== null) {
          const key = (m: FakeMarketInput) => Number((wireMarket(m, false) as Record<string, unknown>)[order] ?? 0);
          const sign = q.get("ascending") === "false" ? -1 : 1;
          rows.sort((a, b) => sign * (key(a) - key(b)));
        }
        return sendJson(
          res,
          200,
          rows.slice(offset, offset + limit).map((m) => wireMarket(m, withTags)),
        );
      }
      const byId = /^\/markets\/([^/]+)$/.exec(path);
      if (byId) {
        const m = [...markets.values()].find((x) => wireMarket(x, false).id === byId[1]);
        return m ? sendJson(res, 200, wireMarket(m, withTags)) : sendJson(res, 404, { type: "not found", error: "id not found" });
      }
      if (path === "/events") {
        const rows = events.filter(
          (e) =>
            (q.get("slug") === null || e.slug === q.get("slug")) &&
            (q.get("id") === null || e.id === q.get("id")) &&
            (closedParam === null || closedParam === "true" || e.conditionIds.some((c) => !markets.get(c.toLowerCase())?.closed)),
        );
        return sendJson(
          res,
          200,
          rows.slice(offset, offset + limit).map((e) => ({
            id: e.id ?? String(Math.abs(hash(e.slug)) % 1_000_000),
            slug: e.slug,
            title: e.title,
            category: e.category ?? null,
            negRisk: e.negRisk ?? false,
            tags: e.tags ?? [],
            markets: e.conditionIds.flatMap((c) => {
              const m = markets.get(c.toLowerCase());
              return m ? [wireMarket(m, false)] : [];
            }),
          })),
        );
      }
      return sendJson(res, 404, { error: "not found" });
    },
    { port: options.port, host: options.host },
  );

  return {
    url: server.url,
    port: server.port,
    requests,
    close: server.close,
    addMarket: (m) => void markets.set(m.conditionId.toLowerCase(), m),
    updateMarket(conditionId, patch) {
      const m = markets.get(conditionId.toLowerCase());
      if (!m) throw new Error(`no market ${conditionId}`);
      markets.set(conditionId.toLowerCase(), { ...m, ...patch });
    },
    addEvent: (e) => void events.push(e),
    fail(status, times = 1) {
      failing = { status, left: times };
    },
  };
}
