import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LighterApiError, LighterTransportError } from "../../../src/venues/lighter/errors.js";
import { RateLimiter } from "../../../src/venues/lighter/rate-limiter.js";
import { LighterRest } from "../../../src/venues/lighter/rest-client.js";

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A local HTTP server whose answer each test sets; it records every request it receives. */
let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let respond: (req: Seen, res: ServerResponse) => void = (_req, res) => json(res, 200, { code: 200 });

// Every answer closes its connection: a kept-alive socket that the next test's server-side cleanup
// closed would make the next request fail for a reason of the test's own making.
function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", connection: "close" });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const s: Seen = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(s);
      respond(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen = [];
  respond = (_req, res) => json(res, 200, { code: 200 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function client(limiter = new RateLimiter(1_000), timeoutMs?: number): LighterRest {
  return new LighterRest({ baseUrl, limiter, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

/** The rejection of a promise, which must reject. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("LighterRest GET", () => {
  it("sends the query string and the token in the authorization header; returns the JSON", async () => {
    const body = { code: 200, total_asks: 1, asks: [], total_bids: 0, bids: [] };
    respond = (_req, res) => json(res, 200, body);
    const result = await client().get("orderBookOrders", { market_id: 1, limit: 5, sort: undefined, active: true }, "1795252707:12345:3:05ba");
    expect(result).toEqual(body);
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req!.method).toBe("GET");
    expect(req!.path).toBe("/api/v1/orderBookOrders");
    expect(Object.fromEntries(req!.query)).toEqual({ market_id: "1", limit: "5", active: "true" }); // undefined left out
    expect(req!.headers.authorization).toBe("1795252707:12345:3:05ba");
    expect(req!.headers["user-agent"]).toBe("autonome"); // the CDN refuses requests without one
    expect(req!.headers.accept).toBe("application/json");
  });

  it("sends no authorization header for a public read, and copes with a trailing slash in the base URL", async () => {
    const rest = new LighterRest({ baseUrl: `${baseUrl}/`, limiter: new RateLimiter(10) });
    await rest.get("orderBookDetails", { filter: "perp" });
    expect(seen[0]!.path).toBe("/api/v1/orderBookDetails");
    expect(seen[0]!.query.get("filter")).toBe("perp");
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it("a body without `code` on HTTP 200 is a success (e.g. withdrawalDelay)", async () => {
    respond = (_req, res) => json(res, 200, { seconds: 1805 });
    await expect(client().get("withdrawalDelay")).resolves.toEqual({ seconds: 1805 });
  });
});

describe("LighterRest sendTx", () => {
  // A real tx_info: JSON with quotes, and a base64 signature with + / = that form encoding must escape.
  const txInfo =
    '{"AccountIndex":12345,"ApiKeyIndex":3,"MarketIndex":0,"ClientOrderIndex":7,"BaseAmount":100,"Price":300000,"IsAsk":0,"Type":0,"TimeInForce":1,"ReduceOnly":0,"TriggerPrice":0,"OrderExpiry":1797671307684,"ExpiredAt":1795252706684,"Nonce":5,"Sig":"anw/1YmxF8gL0+oNiFx+W/4d9AWKCTWnNtoXA7p91cLAyrfd4lDZcnvZmmi1FeuIRnA+ByA6qVNlLIpAn3i4l3m4gt19yhj82S30M+xzzV4="}';

  it("posts form-encoded tx_type, tx_info verbatim and price_protection; returns the answer on code 200", async () => {
    const answer = { code: 200, message: '{"ratelimit": "didn\'t use volume quota"}', tx_hash: "3a".repeat(40), predicted_execution_time_ms: 1_766_088_500_120, volume_quota_remaining: 5 };
    respond = (_req, res) => json(res, 200, answer);
    await expect(client().sendTx(14, txInfo)).resolves.toEqual(answer);
    const [req] = seen;
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe("/api/v1/sendTx");
    expect(req!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded\b/);
    expect(req!.headers["user-agent"]).toBe("autonome");
    const form = new URLSearchParams(req!.body);
    expect([...form.keys()].sort()).toEqual(["price_protection", "tx_info", "tx_type"]);
    expect(form.get("tx_type")).toBe("14");
    expect(form.get("tx_info")).toBe(txInfo);
    expect(form.get("price_protection")).toBe("true");
    // Not JSON: Lighter answers a JSON body with 20001 "field tx_type is not set".
    expect(() => JSON.parse(req!.body) as unknown).toThrow();
  });

  it("HTTP 400 {code, message} is a LighterApiError with that code and message", async () => {
    respond = (_req, res) => json(res, 400, { code: 21739, message: "not enough margin to create the order " });
    const error = await failure(client().sendTx(14, txInfo));
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 21739, apiMessage: "not enough margin to create the order ", httpStatus: 400, path: "sendTx" });
  });

  it("a code other than 200 in a JSON body on HTTP 200 is a LighterApiError", async () => {
    respond = (_req, res) => json(res, 200, { code: 20001, message: 'invalid param: : field "tx_type" is not set' });
    const error = await failure(client().sendTx(14, txInfo));
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 20001, apiMessage: 'invalid param: : field "tx_type" is not set', httpStatus: 200 });
  });

  it("HTTP 400 without a code is a LighterApiError carrying the HTTP status", async () => {
    respond = (_req, res) => json(res, 400, { message: "bad request" });
    const error = await failure(client().get("account", { by: "index", value: "1" }));
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 400, apiMessage: "bad request", httpStatus: 400, path: "account" });
  });
});

describe("LighterRest rate limiting", () => {
  /** A limiter on a clock the test holds still: it can only tell full from not full. */
  function stillLimiter(limit: number) {
    let t = 1_000;
    const sleeps: number[] = [];
    const wakers: (() => void)[] = [];
    const limiter = new RateLimiter(
      limit,
      60_000,
      () => t,
      (ms) =>
        new Promise<void>((wake) => {
          sleeps.push(ms);
          wakers.push(() => {
            t += ms;
            wake();
          });
        }),
    );
    return { limiter, sleeps, wakeAll: () => wakers.splice(0).forEach((w) => w()) };
  }

  it("429 with {code: 23000} is a LighterApiError 23000 and backs the limiter off", async () => {
    const { limiter } = stillLimiter(5);
    const backOff = vi.spyOn(limiter, "backOff");
    respond = (_req, res) => json(res, 429, { code: 23000, message: "Too Many Requests" });
    const error = await failure(client(limiter).get("recentTrades", { market_id: 1, limit: 10 }));
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 23000, httpStatus: 429 });
    expect(backOff).toHaveBeenCalledTimes(1);
    expect(limiter.available()).toBe(0); // the whole window counted as used
  });

  it("HTTP 400 with code 23000 backs the limiter off too", async () => {
    const { limiter } = stillLimiter(5);
    respond = (_req, res) => json(res, 400, { code: 23000, message: "too many requests" });
    expect(await failure(client(limiter).sendTx(14, "{}"))).toMatchObject({ code: 23000 });
    expect(limiter.available()).toBe(0);
  });

  it("429 with a JSON body without a code is a LighterApiError 23000", async () => {
    respond = (_req, res) => json(res, 429, { message: "slow down" });
    const error = await failure(client().get("recentTrades"));
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 23000, httpStatus: 429 });
  });

  // Every 429 backs off, or the next requests go straight out again into the exchange's rate limit.
  it("429 with a JSON body without a code also backs the limiter off", async () => {
    const { limiter } = stillLimiter(5);
    const backOff = vi.spyOn(limiter, "backOff");
    respond = (_req, res) => json(res, 429, { message: "slow down" });
    await failure(client(limiter).get("recentTrades"));
    expect(backOff).toHaveBeenCalledTimes(1);
  });

  // HTTP 429 says "too many requests" whatever the body (a CDN answers in text): a refusal, not an unknown outcome.
  it("429 with a text body is a LighterApiError 23000 and backs the limiter off", async () => {
    const { limiter } = stillLimiter(5);
    const backOff = vi.spyOn(limiter, "backOff");
    respond = (_req, res) => {
      res.writeHead(429, { "content-type": "text/plain", connection: "close" });
      res.end("Too Many Requests");
    };
    const error = await failure(client(limiter).get("recentTrades"));
    expect(backOff).toHaveBeenCalledTimes(1);
    expect(error).toBeInstanceOf(LighterApiError);
    expect(error).toMatchObject({ code: 23000 });
  });

  it("every request passes the limiter first: with a limit of 2 the third waits for a slot", async () => {
    const { limiter, sleeps, wakeAll } = stillLimiter(2);
    const acquire = vi.spyOn(limiter, "acquire");
    const rest = client(limiter);
    const a = rest.get("orderBookDetails");
    const b = rest.sendTx(14, "{}");
    const c = rest.get("recentTrades");
    await Promise.all([a, b]);
    // Let c reach its sleep; the server must not have seen it.
    for (let i = 0; i < 5 && sleeps.length === 0; i++) await new Promise<void>((r) => setImmediate(r));
    expect(sleeps).toEqual([60_000]); // the oldest grant (at 1000) leaves the window at 61000
    expect(seen.map((s) => s.path)).toEqual(["/api/v1/orderBookDetails", "/api/v1/sendTx"]);
    wakeAll();
    await c;
    expect(seen.map((s) => s.path)).toEqual(["/api/v1/orderBookDetails", "/api/v1/sendTx", "/api/v1/recentTrades"]);
    expect(acquire).toHaveBeenCalledTimes(3);
  });

  it("failed requests count against the limit too", async () => {
    const limiter = new RateLimiter(10);
    respond = (_req, res) => json(res, 400, { code: 21739, message: "not enough margin" });
    await failure(client(limiter).sendTx(14, "{}"));
    await failure(client(limiter).get("account"));
    expect(limiter.available()).toBe(8);
  });
});

describe("LighterRest transport failures", () => {
  it.each([500, 502, 503])("HTTP %s is a LighterTransportError (the outcome is unknown)", async (status) => {
    respond = (_req, res) => json(res, status, { code: status, message: "internal error" });
    const error = await failure(client().sendTx(14, "{}"));
    expect(error).toBeInstanceOf(LighterTransportError);
    expect(error).toMatchObject({ httpStatus: status, path: "sendTx" });
  });

  it("a 5xx with an HTML body is a LighterTransportError", async () => {
    respond = (_req, res) => {
      res.writeHead(502, { "content-type": "text/html", connection: "close" });
      res.end("<html><body>502 Bad Gateway</body></html>");
    };
    expect(await failure(client().get("account"))).toBeInstanceOf(LighterTransportError);
  });

  it("an HTML page from the CDN (HTTP 403) is a LighterTransportError", async () => {
    respond = (_req, res) => {
      res.writeHead(403, { "content-type": "text/html", connection: "close" });
      res.end("<!DOCTYPE html>\n<html><head><title>Attention Required! | Cloudflare</title></head></html>");
    };
    const error = await failure(client().get("candlesticks"));
    expect(error).toBeInstanceOf(LighterTransportError);
    expect(error).toMatchObject({ httpStatus: 403, path: "candlesticks" });
    expect((error as Error).message).toMatch(/not JSON/);
  });

  it("an HTML page on HTTP 200 is a LighterTransportError, not a success", async () => {
    respond = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html", connection: "close" });
      res.end("<html>maintenance</html>");
    };
    expect(await failure(client().get("account"))).toBeInstanceOf(LighterTransportError);
  });

  it("a server that never answers is a LighterTransportError after timeoutMs", async () => {
    const held: ServerResponse[] = [];
    respond = (_req, res) => void held.push(res); // holds the request open
    const error = await failure(client(new RateLimiter(10), 200).sendTx(14, "{}"));
    for (const res of held) res.destroy();
    expect(error).toBeInstanceOf(LighterTransportError);
    expect((error as Error).message).toMatch(/no answer within 200 ms/);
    expect(seen).toHaveLength(1); // it did reach the server: the outcome is unknown
  });

  it("a body that stops half way is a LighterTransportError after timeoutMs", async () => {
    const held: ServerResponse[] = [];
    respond = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", connection: "close" });
      res.write('{"code":200,"tx_hash":"');
      held.push(res);
    };
    const error = await failure(client(new RateLimiter(10), 200).sendTx(14, "{}"));
    for (const res of held) res.destroy();
    expect(error).toBeInstanceOf(LighterTransportError);
  });

  it("a refused connection is a LighterTransportError", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const rest = new LighterRest({ baseUrl: `http://127.0.0.1:${port}`, limiter: new RateLimiter(10) });
    const error = await failure(rest.get("account"));
    expect(error).toBeInstanceOf(LighterTransportError);
    expect((error as Error).message).toMatch(/connection failed/);
  });
});
