import pRetry, { AbortError } from "p-retry";
import type { z } from "zod";

/**
 * GET-and-parse for Polymarket's public read APIs (Data API, Gamma, the geoblock check): one
 * timeout per attempt, retries with exponential backoff on what may pass (5xx, 429, network,
 * timeout), none on what will not (other 4xx, a body that does not parse), and every answer
 * checked against a zod schema so nothing unchecked leaves this file.
 */

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface HttpJsonOptions {
  baseUrl: string;
  /** Which service, for messages ("Data API", "Gamma"). */
  service: string;
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff; doubles each retry. Default 250 ms. */
  minBackoffMs?: number;
  /** Longest backoff, also the cap on a server's Retry-After. Default 5 000 ms. */
  maxBackoffMs?: number;
  fetch?: typeof fetch;
}

/** The service answered with a status that says the request itself was refused (4xx other than 429). */
export class PolymarketHttpError extends Error {
  constructor(
    readonly service: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${service} ${path}: HTTP ${status}${body ? ` (${body.slice(0, 200).replace(/\s+/g, " ")})` : ""}`);
    this.name = "PolymarketHttpError";
  }
}

/** No usable answer after the retries: 5xx, 429, timeout or connection failure. */
export class PolymarketUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly path: string,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${service} ${path} unavailable: ${reason}`);
    this.name = "PolymarketUnavailableError";
  }
}

/** An answer arrived but is not what the API documents (not JSON, or the wrong shape). */
export class PolymarketResponseError extends Error {
  constructor(
    readonly service: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${service} ${path}: unexpected answer: ${reason}`);
    this.name = "PolymarketResponseError";
  }
}

/** A transient failure, thrown inside the retry loop; `retryAfterMs` when the server named a wait. */
class Transient extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  // Only the delta-seconds form: the HTTP-date form would need the wall clock.
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `connection failed (${error instanceof Error ? error.message : String(error)}${cause})`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpJson {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly doFetch: typeof fetch;

  constructor(readonly options: HttpJsonOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.minBackoffMs = options.minBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.doFetch = options.fetch ?? fetch;
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      // Arrays repeat the key (Gamma's style); callers join with commas where the API wants that.
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** GETs `path`, retrying transient failures, and returns the body parsed by `schema`. */
  async get<S extends z.ZodType>(path: string, query: Query, schema: S): Promise<z.output<S>> {
    const url = this.url(path, query);
    const { service } = this.options;
    const text = await pRetry(() => this.attempt(path, url), {
      retries: this.retries,
      factor: 2,
      minTimeout: this.minBackoffMs,
      maxTimeout: this.maxBackoffMs,
      randomize: true,
      onFailedAttempt: async (error) => {
        // p-retry waits its own backoff after this; a server's longer Retry-After is added here.
        const wait = (error as unknown) instanceof Transient ? (error as unknown as Transient).retryAfterMs : undefined;
        if (wait !== undefined && error.retriesLeft > 0) await sleep(Math.min(wait, this.maxBackoffMs));
      },
    }).catch((error: unknown) => {
      if (error instanceof Transient) throw new PolymarketUnavailableError(service, path, `${error.message} after ${this.retries + 1} attempts`, error.status);
      throw error;
    });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PolymarketResponseError(service, path, `body is not JSON (${text.slice(0, 80).replace(/\s+/g, " ")})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
      throw new PolymarketResponseError(service, path, `${where}: ${issue?.message ?? "does not match the documented shape"}`);
    }
    return parsed.data;
  }

  private async attempt(path: string, url: URL): Promise<string> {
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(url, { headers: { accept: "application/json", "user-agent": "autonome" }, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (error) {
      throw new Transient(describe(error, this.timeoutMs));
    }
    if (res.status === 429) throw new Transient("HTTP 429 (rate limited)", 429, retryAfterMs(res.headers.get("retry-after")));
    if (res.status >= 500) throw new Transient(`HTTP ${res.status}`, res.status);
    if (!res.ok) throw new AbortError(new PolymarketHttpError(this.options.service, path, res.status, text));
    return text;
  }
}
