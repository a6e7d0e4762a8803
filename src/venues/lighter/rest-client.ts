import { LighterApiError, LighterTransportError } from "./errors.js";
import type { RateLimiter } from "./rate-limiter.js";
import { ERROR } from "./protocol.js";
import type { RespSendTx } from "./openapi.js";

export type Query = Record<string, string | number | boolean | undefined>;

export interface RestOptions {
  baseUrl: string;
  limiter: RateLimiter;
  /** Per request; a send that times out has an unknown outcome. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Lighter's REST API: JSON answers that carry `code` (200 on success), errors as HTTP 400 with
 * `{code, message}`, transactions sent form-encoded (a JSON body is refused). Every request
 * passes the rate limiter first.
 */
export class LighterRest {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: RestOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.doFetch = options.fetch ?? fetch;
  }

  /** A GET under /api/v1; `auth` is a token for the private reads. */
  get<T>(path: string, query: Query = {}, auth?: string): Promise<T> {
    const url = new URL(`${this.base}/api/v1/${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return this.request<T>(path, url, { method: "GET", headers: this.headers(auth) });
  }

  /** Sends one signed transaction: `txInfo` is the signer's JSON, sent verbatim. */
  sendTx(txType: number, txInfo: string): Promise<RespSendTx> {
    const body = new URLSearchParams({ tx_type: String(txType), tx_info: txInfo, price_protection: "true" });
    return this.request<RespSendTx>("sendTx", new URL(`${this.base}/api/v1/sendTx`), {
      method: "POST",
      headers: { ...this.headers(), "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  }

  private headers(auth?: string): Record<string, string> {
    // The CDN in front of the API refuses requests without a user agent.
    return { accept: "application/json", "user-agent": "autonome", ...(auth ? { authorization: auth } : {}) };
  }

  private async request<T>(path: string, url: URL, init: RequestInit): Promise<T> {
    await this.options.limiter.acquire();
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (error) {
      const why =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
          ? `no answer within ${this.timeoutMs} ms`
          : `connection failed (${String((error as Error)?.message ?? error)})`;
      throw new LighterTransportError(path, why);
    }
    if (res.status === 429) {
      // Refused before anything happened, whatever the body (a CDN answers in HTML).
      this.options.limiter.backOff();
      throw new LighterApiError(ERROR.tooManyRequests, "too many requests", 429, path);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LighterTransportError(path, `HTTP ${res.status} with a body that is not JSON (${text.slice(0, 80).replace(/\s+/g, " ")})`, res.status);
    }
    if (json === null || typeof json !== "object") throw new LighterTransportError(path, `HTTP ${res.status} with a body that is not a JSON object`, res.status);
    const code = typeof (json as { code?: unknown }).code === "number" ? (json as { code: number }).code : undefined;
    if (res.status >= 500) throw new LighterTransportError(path, `HTTP ${res.status}`, res.status);
    if (!res.ok || (code !== undefined && code !== 200)) {
      if (code === ERROR.tooManyRequests) this.options.limiter.backOff();
      throw new LighterApiError(code ?? res.status, String((json as { message?: unknown }).message ?? `HTTP ${res.status}`), res.status, path);
    }
    return json as T;
  }
}
