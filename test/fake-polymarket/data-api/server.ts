import type { ServerResponse } from "node:http";
import { listen, sendJson, sendText } from "./http.js";
import { FakeDataStore, makeTxHash, type FillInput, type OtherActivityInput, type PositionInput, type StoredActivity, type StoredFill } from "./store.js";
import { v1Activity, v1Positions, v1Trades } from "./v1.js";
import { BadRequest, v2Activity, v2Positions, v2Trades } from "./v2.js";

/**
 * A local Polymarket Data API: v1 and v2 wallet routes over an in-memory store, with the admin
 * calls tests need (maker and taker fills, multi-fill transactions, late-indexed and duplicate
 * rows, 5xx/429 faults, bad bodies, delays, v2 switched off) and the same calls as JSON under
 * /_fake/ for use by hand.
 */

export interface FakeDataApiOptions {
  /** Default 0 (any free port). */
  port?: number;
  host?: string;
}

export interface FaultSpec {
  /** HTTP status to answer (500, 502, 503, 429, …). */
  status: number;
  /** How many matching requests fail. Default 1. */
  times?: number;
  /** Only requests whose path starts with this. */
  path?: string;
  /** Retry-After header, seconds (for 429). */
  retryAfter?: number;
}

export interface TransactionInput {
  timestamp: number;
  txHash?: string;
  fills: Array<Omit<FillInput, "timestamp" | "txHash">>;
}

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
}

export interface FakeDataApi {
  readonly url: string;
  readonly port: number;
  readonly store: FakeDataStore;
  /** Every request served, oldest first (control calls excluded). */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
  addFill(fill: FillInput): StoredFill;
  /** Several fills settled by one transaction (one tx hash, one block time). */
  addTransaction(tx: TransactionInput): StoredFill[];
  /**
   * A fill indexed only now, with an older block time than fills already indexed (and maybe
   * already served): the case that makes a reader resuming at the newest time seen miss it.
   */
  addLateFill(fill: FillInput): StoredFill;
  /** Serves an indexed fill again as a second row (the same fill twice). */
  duplicate(fill: StoredFill): StoredFill;
  addActivity(activity: OtherActivityInput): StoredActivity;
  setPositions(wallet: string, positions: PositionInput[]): void;
  /** The next matching requests answer `status` instead. */
  fail(fault: FaultSpec): void;
  /** Drops every fault not used up yet. */
  clearFaults(): void;
  /** The next matching requests answer 200 with a body that is not JSON. */
  corrupt(options?: { times?: number; path?: string }): void;
  /** Every answer waits this long first (real time). */
  setDelay(ms: number): void;
  /** false: every /v2 route answers 404, as if v2 were not deployed. */
  setV2Enabled(enabled: boolean): void;
}

interface Pending {
  kind: "status" | "corrupt";
  status: number;
  left: number;
  path?: string;
  retryAfter?: number;
}

export async function startFakeDataApi(options: FakeDataApiOptions = {}): Promise<FakeDataApi> {
  const store = new FakeDataStore();
  const requests: RecordedRequest[] = [];
  const pending: Pending[] = [];
  let delayMs = 0;
  let v2Enabled = true;

  const api = {
    addFill: (fill: FillInput) => store.addFill(fill),
    addTransaction(tx: TransactionInput) {
      const txHash = tx.txHash ?? makeTxHash(String(tx.timestamp));
      return tx.fills.map((f) => store.addFill({ ...f, timestamp: tx.timestamp, txHash }));
    },
    addLateFill(fill: FillInput) {
      const newest = store.newestTimestamp;
      if (newest !== undefined && fill.timestamp >= newest) throw new RangeError(`a late fill is older than the newest indexed (${newest}), got ${fill.timestamp}`);
      return store.addFill(fill);
    },
    duplicate: (fill: StoredFill) => store.duplicate(fill),
    addActivity: (a: OtherActivityInput) => store.addActivity(a),
    setPositions: (wallet: string, positions: PositionInput[]) => store.setPositions(wallet, positions),
    fail(f: FaultSpec) {
      pending.push({ kind: "status", status: f.status, left: f.times ?? 1, path: f.path, retryAfter: f.retryAfter });
    },
    clearFaults() {
      pending.length = 0;
    },
    corrupt(o: { times?: number; path?: string } = {}) {
      pending.push({ kind: "corrupt", status: 200, left: o.times ?? 1, path: o.path });
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    setV2Enabled(enabled: boolean) {
      v2Enabled = enabled;
    },
  };

  const takeFault = (path: string): Pending | undefined => {
    const fault = pending.find((p) => p.left > 0 && (p.path === undefined || path.startsWith(p.path)));
    if (fault) fault.left -= 1;
    return fault;
  };

  const routes: Record<string, (q: URLSearchParams) => unknown> = {
    "/trades": (q) => v1Trades(store, q),
    "/activity": (q) => v1Activity(store, q),
    "/positions": (q) => v1Positions(store, q),
    "/v2/trades": (q) => v2Trades(store, q),
    "/v2/activity": (q) => v2Activity(store, q),
    "/v2/positions": (q) => v2Positions(store, q),
  };

  const control = (res: ServerResponse, path: string, body: string) => {
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    switch (path) {
      case "/_fake/fills": {
        const list = (Array.isArray(input) ? input : [input]) as FillInput[];
        return sendJson(
          res,
          200,
          list.map((f) => api.addFill(f)),
        );
      }
      case "/_fake/late-fill":
        return sendJson(res, 200, api.addLateFill(input as unknown as FillInput));
      case "/_fake/transaction":
        return sendJson(res, 200, api.addTransaction(input as unknown as TransactionInput));
      case "/_fake/fault":
        api.fail(input as unknown as FaultSpec);
        return sendJson(res, 200, { ok: true });
      case "/_fake/v2":
        api.setV2Enabled(input.enabled !== false);
        return sendJson(res, 200, { enabled: v2Enabled });
      case "/_fake/delay":
        api.setDelay(Number(input.ms ?? 0));
        return sendJson(res, 200, { ms: delayMs });
      case "/_fake/requests":
        return sendJson(res, 200, requests);
      default:
        return sendJson(res, 404, { error: `no control ${path}` });
    }
  };

  const server = await listen(
    async (req, res, url, body) => {
      const path = url.pathname.replace(/\/+$/, "") || "/";
      if (path.startsWith("/_fake/")) return control(res, path, body);
      requests.push({ path, query: Object.fromEntries(url.searchParams) });
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (req.method !== "GET") return sendJson(res, 405, { error: "method not allowed" });
      const fault = takeFault(path);
      if (fault?.kind === "status") {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
        return sendJson(res, fault.status, { error: fault.status === 429 ? "Too Many Requests" : "upstream error" }, headers);
      }
      if (fault?.kind === "corrupt") return sendText(res, 200, "<html><body>502 Bad Gateway</body></html>", "text/html");
      if (path.startsWith("/v2/") && !v2Enabled) return sendJson(res, 404, { error: "not found" });
      const route = routes[path];
      if (!route) return sendJson(res, 404, { error: "not found" });
      try {
        return sendJson(res, 200, route(url.searchParams));
      } catch (error) {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        throw error;
      }
    },
    { port: options.port, host: options.host },
  );

  return { url: server.url, port: server.port, store, requests, close: server.close, ...api };
}
