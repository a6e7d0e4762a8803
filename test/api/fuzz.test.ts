import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MarketView, ModelView, OrderView, PositionView } from "../../src/app/services.js";
import { DRIVERS } from "../support/databases.js";
import { AUTH, ledgerProblems, settle, snapshot, startRealApp, type RealApp } from "./support/real-app.js";

/**
 * Random and hostile requests across every route of the real application (database, simulator,
 * synthetic feed), on both databases. For every request: no 5xx; every 4xx in the documented
 * shape {"error":{"code":snake_case,"message":non-empty}}; a rejected request changes nothing
 * (database and memory compared before and after). After the run the ledger identity holds.
 *
 * A request is generated as a plan (which route, which model, what to break) and made concrete
 * against the current state when it is sent: valid requests need live prices and real ids. About
 * one in four goes through unbroken, so positions open, scale, close, stop out and reset.
 */

/** Fixed, so every run sends the same requests; AUTONOME_FUZZ_SEED / AUTONOME_FUZZ_RUNS explore further by hand. */
const SEED = Number(process.env.AUTONOME_FUZZ_SEED ?? 20_261_206);
const NUM_RUNS = Number(process.env.AUTONOME_FUZZ_RUNS ?? 25);
/** Quantities that clear each market's minimum size and $10 notional, in the market's size decimals. */
const UNIT: Record<string, number> = { BTC: 0.001, ETH: 0.01, SOL: 0.5 };

/** A number literal written into the JSON text as is: what JSON.stringify would never produce. */
class RawLiteral {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

/** JSON text of a value, with raw literals written verbatim. */
function jsonText(value: unknown): string {
  if (value instanceof RawLiteral) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : jsonText(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** What the database or the integer units cannot hold: text with NUL or unpaired surrogates, numbers past 2^53, too many decimals. */
const poison = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00",
  "\udc00\ud800",
  "ok\ud83d",
  "123456789012345678901",
  "9007199254740993",
  "1.1234567",
  "0.0000000000000000001",
  "99999999999999999999999.999999",
  "1e400",
  "-1",
);

const hostileString = fc.oneof(
  { weight: 3, arbitrary: poison },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "🚀",
      "模型",
      "\u202e",
      "e\u0301",
      "%00",
      "%ZZ",
      "../..",
      "null",
      "NaN",
      "Infinity",
      "-Infinity",
      "0",
      "-0",
      "0.0",
      "1e-400",
      "1e3",
      "1E+2",
      "1,5",
      " 1",
      "1 ",
      "+1",
      ".5",
      "5.",
      "0x10",
      "١٢٣",
      "Ⅻ",
      "BTC",
      "btc",
      "LONG",
      "SHORT",
      "MARKET",
      "LIMIT",
      "GTT",
      "2025-01-01T00:00:00Z",
      "2025-02-30T00:00:00Z",
      "9999-12-31T23:59:59Z",
      "0000-01-01T00:00:00Z",
      "tomorrow",
      "<script>alert(1)</script>",
      "' OR 1=1 --",
      "a".repeat(1500),
      "9".repeat(40),
      `0.${"0".repeat(30)}1`,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 2, 20, 21, 100, 101, 0.5, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 + 2, 1e21, 0.1 + 0.2, 1.1234567, 123.456789012, 1e12, 1e12 + 0.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const rawLiteral = fc
  .constantFrom("1e400", "-1e400", "123456789012345678901", "1e-400", "0.10000000000000000001", "9007199254740993", "-0", "1E2", "97000.00000000000000001")
  .map((t) => new RawLiteral(t));

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: rawLiteral },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: fc.array(hostileLeaf, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileLeaf, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [[[[[[[[[[[]]]]]]]]]]], { stop: "1" }) },
);

/** A whole body that is not what any route wants. */
const junkBody = fc.oneof(
  fc.constantFrom("", "{", "{not json", "[]", "null", "0", '"text"', "{}", '{"a":}', "\u0000", '{"price":1e400}', "[".repeat(3000) + "]".repeat(3000), '{"__proto__":{"x":1}}'),
  hostileValue.map(jsonText),
);

/** A path segment that is not an id: URL junk, percent-escapes that decode to nothing good, text. */
const junkSegment = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("%00", "a%00b", "%00%00", "%ED%A0%80x") },
  fc.constantFrom("%ZZ", "%", "%E0%A4%A", "%ED%A0%80", "%2e%2e", "..", "%2F", "x%20y", "%F0%9F%9A%80", "-", "_", "null", "undefined", "0", "BTC-USD", "a".repeat(300)),
  fc.string({ maxLength: 10 }).map((s) => encodeURIComponent(s) || "x"),
) as fc.Arbitrary<string>;

// ---------------------------------------------------------------------------------------------
// Request plans
// ---------------------------------------------------------------------------------------------

type ModelRef = { kind: "known"; index: number } | { kind: "unknown" } | { kind: "junk"; segment: string };
type SymbolRef = { kind: "market"; symbol: string } | { kind: "junk"; segment: string };
type Mutation = { op: "set"; path: string[]; value: unknown } | { op: "delete"; path: string[] } | { op: "replace"; text: string };

interface Plan {
  route: string;
  model: ModelRef;
  symbol: SymbolRef;
  side: "LONG" | "SHORT";
  units: number;
  /** Per mille: how far a stop, target or move sits from the price it is measured against. */
  permille: number;
  flag: boolean;
  mutations: Mutation[];
  query: Array<[string, string]>;
  /** A path segment that is no id: an order id to cancel, or junk. */
  segment: string;
  auth: "ok" | "none" | "wrong";
  contentType: string;
}

const READS = ["health", "markets", "strategies", "models", "scheduler", "book", "model", "equity", "positions", "trades", "orders", "invocations", "invocation", "events", "junk"];
/** Writes by weight: trading most, so positions open, scale, stop out and close. */
const WRITES: Array<[string, number]> = [
  ["open", 6],
  ["close", 2],
  ["exitPlan", 3],
  ["move", 3],
  ["cancel", 1],
  ["createModel", 1],
  ["patchModel", 1],
  ["reset", 1],
  ["schedulerRun", 1],
];

/** Field paths each route's body has (and a few it does not), for mutations to aim at: text, decimals, anything else. */
type Kind = "text" | "decimal" | "other";
const FIELDS: Record<string, Array<[Kind, string[]]>> = {
  createModel: [
    ["text", ["name"]],
    ["other", ["kind"]],
    ["text", ["strategy"]],
    ["decimal", ["initialCapital"]],
    ["other", ["risk"]],
    ["other", ["risk", "maxLeverage"]],
    ["other", ["risk", "requireStop"]],
    ["other", ["llm"]],
    ["text", ["llm", "baseUrl"]],
    ["text", ["llm", "model"]],
    ["other", ["llm", "temperature"]],
    ["other", ["extra"]],
  ],
  patchModel: [
    ["other", ["status"]],
    ["other", ["risk"]],
    ["other", ["risk", "maxLeverage"]],
    ["other", ["risk", "maxOpenPositions"]],
    ["text", ["risk", "bogus"]],
    ["other", ["extra"]],
  ],
  open: [
    ["text", ["symbol"]],
    ["other", ["side"]],
    ["decimal", ["quantity"]],
    ["decimal", ["leverage"]],
    ["other", ["type"]],
    ["decimal", ["price"]],
    ["other", ["timeInForce"]],
    ["other", ["postOnly"]],
    ["other", ["expiresAt"]],
    ["other", ["exitPlan"]],
    ["decimal", ["exitPlan", "stop"]],
    ["decimal", ["exitPlan", "target"]],
    ["text", ["exitPlan", "invalidation"]],
    ["decimal", ["exitPlan", "invalidationPrice"]],
    ["other", ["exitPlan", "confidence"]],
    ["other", ["exitPlan", "timeExit"]],
    ["other", ["exitPlan", "cooldownUntil"]],
    ["other", ["exitPlan", "stopp"]],
    ["other", ["extra"]],
  ],
  close: [
    ["other", ["symbols"]],
    ["text", ["symbols", "0"]],
    ["text", ["symbols", "1"]],
    ["other", ["extra"]],
  ],
  exitPlan: [
    ["decimal", ["stop"]],
    ["decimal", ["target"]],
    ["text", ["invalidation"]],
    ["decimal", ["invalidationPrice"]],
    ["other", ["confidence"]],
    ["other", ["timeExit"]],
    ["other", ["cooldownUntil"]],
    ["other", ["extra"]],
  ],
  move: [
    ["decimal", ["price"]],
    ["other", ["extra"]],
  ],
  cancel: [["other", ["extra"]]],
  reset: [["other", ["extra"]]],
  schedulerRun: [["other", ["extra"]]],
};

/** Text as a client might send it, with what PostgreSQL cannot store (or Unicode does not allow) somewhere in it. */
const poisonText = fc
  .tuple(fc.constantFrom("", "thesis ", "Model "), fc.constantFrom("\u0000", "\ud800", "\udc00", "\udc00\ud800", "\ud83d"), fc.constantFrom("", " broke", "x"))
  .map(([a, b, c]) => a + b + c);

/** Decimals the integer units, a double or the database cannot hold as written, as strings and as JSON numbers. */
const poisonDecimal: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("123456789012345678901", "9007199254740993", "1125899906842624.1", "1.1234567", "10000.0000001", "0.0000001", "99999999999999999999999.999999", "1000000000001"),
  fc.constantFrom("123456789012345678901", "9007199254740993", "1e400", "1e-400", "1.12345678901234567").map((t) => new RawLiteral(t)),
  fc.constantFrom(2 ** 53, 1e21, 1.1234567, 1e15),
);

const valueFor = (kind: Kind): fc.Arbitrary<unknown> =>
  kind === "text"
    ? fc.oneof({ weight: 2, arbitrary: poisonText }, { weight: 1, arbitrary: hostileValue })
    : kind === "decimal"
      ? fc.oneof({ weight: 2, arbitrary: poisonDecimal }, { weight: 1, arbitrary: hostileValue })
      : hostileValue;

const mutationFor = (route: string): fc.Arbitrary<Mutation> => {
  const fields = FIELDS[route] ?? [["other", ["extra"]] as [Kind, string[]]];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields).chain(([kind, path]) => valueFor(kind).map((value): Mutation => ({ op: "set", path, value }))) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), path: fc.constantFrom(...fields.map(([, path]) => path)) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("replace" as const), text: junkBody }) },
  );
};

const modelRef: fc.Arbitrary<ModelRef> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(20).map((index) => ({ kind: "known" as const, index })) },
  { weight: 1, arbitrary: fc.constant({ kind: "unknown" as const }) },
  { weight: 2, arbitrary: junkSegment.map((segment) => ({ kind: "junk" as const, segment })) },
);

const symbolRef: fc.Arbitrary<SymbolRef> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("BTC", "ETH", "SOL", "eth", "DOGE").map((symbol) => ({ kind: "market" as const, symbol })) },
  { weight: 2, arbitrary: junkSegment.map((segment) => ({ kind: "junk" as const, segment })) },
);

const queryPair: fc.Arbitrary<[string, string]> = fc.tuple(
  fc.constantFrom("modelId", "limit", "depth", "window", "status", "lastEventId", "x"),
  fc.oneof(junkSegment, fc.constantFrom("", "0", "1", "-1", "2.5", "1000000", "99999999999999999999", "open", "all", "24h", "1y")),
);

const plan: fc.Arbitrary<Plan> = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...READS) }, ...WRITES.map(([route, weight]) => ({ weight, arbitrary: fc.constant(route) }))).chain((route) =>
  fc.record({
    route: fc.constant(route),
    model: modelRef,
    symbol: symbolRef,
    side: fc.constantFrom("LONG" as const, "SHORT" as const),
    units: fc.integer({ min: 1, max: 4 }),
    permille: fc.integer({ min: 3, max: 18 }),
    flag: fc.boolean(),
    // No mutation is a valid request: about two in five.
    // Mostly one thing broken in an otherwise valid request, so the breakage reaches the service.
    mutations: fc.oneof(
      { weight: 2, arbitrary: fc.constant<Mutation[]>([]) },
      { weight: 3, arbitrary: fc.array(mutationFor(route), { minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.array(mutationFor(route), { minLength: 2, maxLength: 3 }) },
    ),
    query: fc.array(queryPair, { maxLength: 2 }),
    segment: fc.oneof(junkSegment, fc.constantFrom("open-00000000-0000-4000-8000-000000000000", "x")),
    auth: fc.oneof({ weight: 14, arbitrary: fc.constant("ok" as const) }, { weight: 1, arbitrary: fc.constantFrom("none" as const, "wrong" as const) }),
    contentType: fc.oneof(
      { weight: 14, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "application/vnd.api+json") },
      { weight: 1, arbitrary: fc.constantFrom("text/plain", "", "application/x-www-form-urlencoded") },
    ),
  }),
);

// ---------------------------------------------------------------------------------------------
// Making a plan concrete against the live state
// ---------------------------------------------------------------------------------------------

interface Live {
  models: ModelView[];
  markets: Map<string, MarketView>;
  positions: PositionView[];
  resting: OrderView[];
  names: number;
}

interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

function modelSegment(ref: ModelRef, live: Live): string {
  if (ref.kind === "unknown") return UNKNOWN_ID;
  if (ref.kind === "junk") return ref.segment;
  return encodeURIComponent(live.models[ref.index % live.models.length]!.id);
}

const symbolOf = (ref: SymbolRef): string => (ref.kind === "market" ? ref.symbol.toUpperCase() : "BTC");
const symbolSegment = (ref: SymbolRef): string => (ref.kind === "market" ? ref.symbol : ref.segment);

/** A price `permille` away from `from`, in the market's decimals. */
function priceAway(live: Live, symbol: string, from: "bid" | "ask" | "mid", permille: number): string {
  const m = live.markets.get(symbol) ?? live.markets.get("BTC")!;
  return (Number(m[from]) * (1 + permille / 1000)).toFixed(m.priceDecimals);
}

function baseBody(p: Plan, live: Live): unknown {
  const symbol = symbolOf(p.symbol);
  const long = p.side === "LONG";
  switch (p.route) {
    case "createModel":
      return p.flag
        ? { name: `fuzz ${live.names} ${p.permille}`, kind: "rule", strategy: ["breakout", "mean-reversion", "trend-following"][p.units % 3], initialCapital: String(1000 * p.permille) }
        : { name: `fuzz ${live.names}`, kind: "rule", strategy: "breakout", risk: { maxLeverage: p.units + 1 } };
    case "patchModel":
      return p.flag ? { status: p.units % 2 ? "paused" : "active" } : { risk: p.units === 4 ? null : { maxLeverage: p.units + 2 } };
    case "open": {
      const quantity = (UNIT[symbol] ?? 0.001) * p.units;
      const body: Record<string, unknown> = {
        symbol: p.symbol.kind === "market" ? p.symbol.symbol : symbol,
        side: p.side,
        quantity: quantity.toFixed(4).replace(/\.?0+$/, ""),
        leverage: p.units,
        exitPlan: { stop: priceAway(live, symbol, long ? "bid" : "ask", long ? -p.permille : p.permille), confidence: 60, invalidation: "fuzzed thesis" },
      };
      if (p.flag && p.units >= 3) {
        // A resting limit order below (long) or above (short) the book.
        Object.assign(body, { type: "LIMIT", price: priceAway(live, symbol, long ? "bid" : "ask", long ? -2 : 2), timeInForce: "GTC" });
        body.exitPlan = { stop: priceAway(live, symbol, long ? "bid" : "ask", long ? -p.permille - 3 : p.permille + 3) };
      } else if (p.flag) {
        (body.exitPlan as Record<string, unknown>).invalidationPrice = priceAway(live, symbol, long ? "bid" : "ask", long ? -p.permille / 2 : p.permille / 2);
      }
      return body;
    }
    case "close":
      return { symbols: p.flag ? [symbol] : ["BTC", "ETH", "SOL"] };
    case "exitPlan": {
      const pos = live.positions.find((x) => x.symbol === symbol);
      const exitLong = (pos?.side ?? p.side) === "LONG";
      return p.flag
        ? { stop: priceAway(live, symbol, exitLong ? "bid" : "ask", exitLong ? -p.permille / 3 : p.permille / 3) }
        : { target: priceAway(live, symbol, exitLong ? "bid" : "ask", exitLong ? p.permille : -p.permille), confidence: p.permille };
    }
    case "move":
      return { price: priceAway(live, symbol, "mid", (p.flag ? 1 : -1) * (p.permille - 3)) };
    default:
      return {};
  }
}

function mutate(body: unknown, mutations: Mutation[]): string {
  let value: unknown = structuredClone(body);
  for (const m of mutations) {
    if (m.op === "replace") return m.text;
    if (value === null || typeof value !== "object") value = {};
    let target = value as Record<string, unknown>;
    for (const key of m.path.slice(0, -1)) {
      const next = target[key];
      if (next === null || typeof next !== "object") target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    const last = m.path.at(-1)!;
    if (m.op === "delete") delete target[last];
    else target[last] = m.value;
  }
  return jsonText(value);
}

function concrete(p: Plan, live: Live): Request {
  const model = modelSegment(p.model, live);
  const symbol = symbolSegment(p.symbol);
  const query = p.query.length ? `?${p.query.map(([k, v]) => `${k}=${v}`).join("&")}` : "";
  const headers: Record<string, string> = {};
  if (p.auth === "ok") Object.assign(headers, AUTH);
  if (p.auth === "wrong") headers.Authorization = "Bearer wrong";
  const read = (path: string): Request => ({ method: "GET", path: `${path}${query}`, headers });
  const write = (method: string, path: string): Request => {
    if (p.contentType) headers["Content-Type"] = p.contentType;
    return { method, path: `${path}${query}`, headers, body: mutate(baseBody(p, live), p.mutations) };
  };
  const resting = live.resting[p.units % Math.max(1, live.resting.length)];
  switch (p.route) {
    case "health":
      return read("/api/health");
    case "markets":
      return read("/api/markets");
    case "strategies":
      return read("/api/strategies");
    case "models":
      return read("/api/models");
    case "scheduler":
      return read("/api/scheduler");
    case "book":
      return read(`/api/markets/${symbol}/book`);
    case "model":
      return read(`/api/models/${model}`);
    case "equity":
      return read(`/api/models/${model}/equity`);
    case "positions":
      return read("/api/positions");
    case "trades":
      return read("/api/trades");
    case "orders":
      return read("/api/orders");
    case "invocations":
      return read("/api/invocations");
    case "invocation":
      return read(`/api/invocations/${model}`);
    case "events":
      return { ...read("/api/events"), headers: { ...headers, "Last-Event-ID": p.flag ? String(p.permille) : (p.query[0]?.[1] ?? "x") } };
    case "junk":
      return read(`/api/${model}/${symbol}`);
    case "createModel":
      return write("POST", "/api/models");
    case "patchModel":
      return write("PATCH", `/api/models/${model}`);
    case "open":
      return write("POST", `/api/models/${model}/positions`);
    case "close":
      return write("POST", `/api/models/${model}/positions/close`);
    case "exitPlan":
      return write("PATCH", `/api/models/${model}/positions/${symbol}/exit-plan`);
    case "cancel":
      return write("DELETE", `/api/models/${p.flag && resting ? encodeURIComponent(resting.modelId) : model}/orders/${p.flag && resting ? encodeURIComponent(resting.clientOrderId) : p.segment}`);
    case "move":
      return write("POST", `/api/sim/markets/${symbol}/move`);
    case "reset":
      return write("POST", `/api/sim/accounts/${model}/reset`);
    case "schedulerRun":
      return write("POST", "/api/scheduler/run");
    default:
      throw new Error(`no route ${p.route}`);
  }
}

function parseBody(body: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = body === undefined ? undefined : JSON.parse(body);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

describe.each(DRIVERS)("fuzzed HTTP requests against the real application on %s", (driver) => {
  let real: RealApp;
  const tally = { requests: 0, accepted: 0, rejected: new Map<string, number>() };

  beforeAll(async () => {
    real = await startRealApp(driver);
  });
  afterAll(async () => real?.dispose());

  async function liveState(): Promise<Live> {
    const s = real.autonome.services;
    return {
      models: await s.listModels(),
      markets: new Map(s.markets().map((m) => [m.symbol, m])),
      positions: await s.positions(),
      resting: await s.orders(undefined, 50, true),
      names: tally.requests,
    };
  }

  it("no 5xx, the documented error shape, rejected requests change nothing, and the ledger adds up", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 10, maxLength: 30 }), async (plans) => {
        for (const p of plans) {
          const req = concrete(p, await liveState());
          const before = await snapshot(real.autonome);
          const res = await real.app.request(req.path, { method: req.method, headers: req.headers, body: req.body });
          tally.requests++;
          const what = `${req.method} ${JSON.stringify(req.path)} ${JSON.stringify(req.headers)} ${req.body === undefined ? "" : JSON.stringify(req.body.slice(0, 300))}`;
          if (res.headers.get("Content-Type")?.startsWith("text/event-stream")) {
            await res.body?.cancel();
            expect(res.status, what).toBe(200);
            continue;
          }
          const text = await res.text();
          expect(res.status, `${what} -> ${res.status} ${text}`).toBeLessThan(500);
          if (res.status >= 400) {
            const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(Object.keys(body), `${what} -> ${text}`).toEqual(["error"]);
            expect(Object.keys(body.error ?? {}).sort(), `${what} -> ${text}`).toEqual(["code", "message"]);
            expect(body.error!.code, `${what} -> ${text}`).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
            expect(typeof body.error!.message === "string" && body.error!.message.trim().length > 0, `${what} -> ${text}`).toBe(true);
            // A reset that could not close everything reports it: the closes that filled are real trades.
            if (body.error!.code !== "reset_incomplete") expect(await snapshot(real.autonome), `a rejected request changed the state: ${what} -> ${text}`).toBe(before);
            const code = `${res.status} ${body.error!.code as string}`;
            tally.rejected.set(code, (tally.rejected.get(code) ?? 0) + 1);
          } else {
            // Accepted text comes back exactly as sent: nothing is replaced on the way to the database.
            const sent = parseBody(req.body);
            const answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            if (p.route === "createModel" && typeof sent?.name === "string") expect(answer.name, what).toBe(sent.name.trim());
            if (p.route === "exitPlan" && typeof sent?.invalidation === "string") {
              expect((answer.exitPlan as Record<string, unknown> | null)?.invalidation, what).toBe(sent.invalidation);
            }
            tally.accepted++;
            if (req.method !== "GET") await settle(real.autonome);
          }
        }
      }),
      { numRuns: NUM_RUNS, seed: SEED, endOnFailure: true },
    );
    await settle(real.autonome);
    expect(await ledgerProblems(real.autonome)).toEqual([]);

    // The run must have reached past validation: accepted writes, business rejections, 404s.
    const codes = [...tally.rejected.keys()];
    expect(tally.accepted).toBeGreaterThan(tally.requests / 10);
    expect(codes).toContain("400 invalid_request");
    expect(codes).toContain("401 unauthorized");
    expect(codes).toContain("404 not_found");
    expect(codes.some((c) => c.startsWith("422 "))).toBe(true);
    const trades = await real.autonome.services.trades(undefined, 1000);
    expect(trades.length).toBeGreaterThan(0);
    // Generous: a busy 2-core machine runs the default numRuns in well under this on either database.
  }, 180_000);
});
