import type { IncomingMessage, ServerResponse } from "node:http";
import type { RespSendTx, RespSendTxBatch } from "../../src/venues/lighter/openapi.js";
import { E, LighterError } from "./errors.js";
import type { Exchange } from "./exchange.js";
import type { Faults, SendTxFault } from "./faults.js";
import { REST, status, type RestContext } from "./rest.js";

/**
 * The HTTP face: /api/v1 reads, sendTx / sendTxBatch as forms (urlencoded or multipart, never
 * JSON), the injected faults, the optional per-IP rate limit, and Cloudflare's 403 HTML for
 * any path the API does not have.
 */

export interface HttpOptions {
  rateLimitPerMinute?: number;
  /** How long a "timeout" fault holds the answer before closing the socket (ms). */
  timeoutHoldMs: number;
  verifyAuthToken?: (token: string, publicKeyHex: string) => boolean;
  chainId: number;
}

export type ControlHandler = (method: string, path: string, query: URLSearchParams, body: string) => Promise<object> | object;

const RATELIMIT_MESSAGE = '{"ratelimit": "didn\'t use volume quota"}';

const CLOUDFLARE_403 =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>\n<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>' +
  "<h2>You are unable to access zklighter.elliot.ai</h2><p>Cloudflare Ray ID: 8f0c0ffee0000000</p></div></body></html>\n";

const errorPage = (code: number): string =>
  `<html>\n<head><title>${code} Bad Gateway</title></head>\n<body>\n<center><h1>${code} Bad Gateway</h1></center>\n<hr><center>cloudflare</center>\n</body>\n</html>\n`;

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(statusCode, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendHtml(res: ServerResponse, statusCode: number, html: string): void {
  res.writeHead(statusCode, { "content-type": "text/html; charset=UTF-8", "content-length": Buffer.byteLength(html) });
  res.end(html);
}

function sendError(res: ServerResponse, error: LighterError): void {
  sendJson(res, error.status, { code: error.code, message: error.message });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The form fields of a sendTx body: urlencoded or multipart; anything else has none. */
async function formFields(req: IncomingMessage, body: Buffer): Promise<Map<string, string>> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  const fields = new Map<string, string>();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) fields.set(k, v);
  } else if (type.startsWith("multipart/form-data")) {
    try {
      const form = await new Request("http://fake.local/", { method: "POST", headers: { "content-type": req.headers["content-type"]! }, body }).formData();
      for (const [k, v] of form) fields.set(k, typeof v === "string" ? v : await v.text());
    } catch {
      throw E.invalidParam();
    }
  }
  return fields;
}

function intField(fields: Map<string, string>, name: string): number {
  const raw = fields.get(name);
  if (raw === undefined || raw === "") throw E.fieldNotSet(name);
  if (!/^\d+$/.test(raw.trim())) throw E.invalidParam();
  return Number(raw.trim());
}

function stringField(fields: Map<string, string>, name: string): string {
  const raw = fields.get(name);
  if (raw === undefined || raw === "") throw E.fieldNotSet(name);
  return raw;
}

function jsonArray(text: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw E.invalidParam();
  }
  if (!Array.isArray(v)) throw E.invalidParam();
  return v;
}

export class HttpFace {
  private readonly hits = new Map<string, number[]>();
  private readonly held = new Set<NodeJS.Timeout>();

  constructor(
    private readonly exchange: Exchange,
    private readonly faults: Faults,
    private readonly options: HttpOptions,
    private readonly control: ControlHandler,
  ) {}

  close(): void {
    for (const t of this.held) clearTimeout(t);
    this.held.clear();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.route(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof LighterError) sendError(res, error);
      else sendJson(res, 500, { code: 500, message: error instanceof Error ? error.message : String(error) });
    });
  };

  /** True when this request goes over the per-IP limit (a rolling minute on the exchange clock). */
  private limited(req: IncomingMessage): boolean {
    const limit = this.options.rateLimitPerMinute;
    if (!limit) return false;
    const ip = req.socket.remoteAddress ?? "?";
    const now = this.exchange.now();
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= limit) {
      this.hits.set(ip, recent);
      return true;
    }
    recent.push(now);
    this.hits.set(ip, recent);
    return false;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake.local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    if (path.startsWith("/_fake/")) {
      const body = (await readBody(req)).toString("utf8");
      return sendJson(res, 200, await this.control(method, path.slice("/_fake/".length), url.searchParams, body));
    }
    if (this.limited(req)) return sendError(res, E.tooManyRequests());
    this.exchange.tick();
    const auth = req.headers.authorization ?? url.searchParams.get("auth") ?? url.searchParams.get("authorization") ?? undefined;
    const ctx: RestContext = { exchange: this.exchange, query: url.searchParams, auth, verifyAuthToken: this.options.verifyAuthToken, chainId: this.options.chainId };
    if (method === "GET" && path === "/") return sendJson(res, 200, status(ctx));
    if (method === "GET" && path === "/info") return sendJson(res, 200, { contract_address: "0x3B4D794a66304F130a4Db8F2551B0070dfCf5ca7" });
    if (method === "POST" && (path === "/api/v1/sendTx" || path === "/api/v1/sendTxBatch")) return this.sendTx(req, res, path.endsWith("Batch"));
    const name = path.startsWith("/api/v1/") ? path.slice("/api/v1/".length) : undefined;
    const handler = name !== undefined && method === "GET" && Object.hasOwn(REST, name) ? REST[name] : undefined;
    if (!handler) {
      await readBody(req);
      return sendHtml(res, 403, CLOUDFLARE_403);
    }
    sendJson(res, 200, handler(ctx));
  }

  private async sendTx(req: IncomingMessage, res: ServerResponse, batch: boolean): Promise<void> {
    const body = await readBody(req);
    const fault = this.faults.takeSendTx();
    if (fault && this.answerFault(res, fault)) return;
    const run = async () => {
      const fields = await formFields(req, body);
      return batch ? this.batch(fields) : this.single(fields);
    };
    if (fault?.kind === "drop-after-accept" || (fault?.kind === "timeout" && fault.accept)) {
      await run().catch(() => undefined);
      if (fault.kind === "drop-after-accept") return void res.socket?.destroy();
      return this.hold(res, fault.holdMs);
    }
    if (fault?.kind === "timeout") return this.hold(res, fault.holdMs);
    sendJson(res, 200, await run());
  }

  private single(fields: Map<string, string>): RespSendTx {
    const txType = intField(fields, "tx_type");
    const txInfo = stringField(fields, "tx_info");
    const accepted = this.exchange.submit(txType, txInfo);
    return { code: 200, message: RATELIMIT_MESSAGE, tx_hash: accepted.hash, predicted_execution_time_ms: accepted.predictedAt, volume_quota_remaining: accepted.volumeQuotaRemaining };
  }

  private batch(fields: Map<string, string>): RespSendTxBatch {
    const types = jsonArray(stringField(fields, "tx_types"));
    const infos = jsonArray(stringField(fields, "tx_infos"));
    if (!types.every((t) => Number.isInteger(t)) || !infos.every((i) => typeof i === "string")) throw E.invalidParam();
    const accepted = this.exchange.submitBatch(types as number[], infos as string[]);
    return {
      code: 200,
      message: RATELIMIT_MESSAGE,
      tx_hash: accepted.map((a) => a.hash),
      predicted_execution_time_ms: Math.max(...accepted.map((a) => a.predictedAt)),
      volume_quota_remaining: accepted[accepted.length - 1]!.volumeQuotaRemaining,
    };
  }

  /** Answers a fault that refuses the request; false when the fault is about what follows acceptance. */
  private answerFault(res: ServerResponse, fault: SendTxFault): boolean {
    switch (fault.kind) {
      case "http-5xx":
        sendHtml(res, fault.status ?? 502, errorPage(fault.status ?? 502));
        return true;
      case "rate-limit":
        sendError(res, E.tooManyRequests());
        return true;
      case "cloudflare-403":
        sendHtml(res, 403, CLOUDFLARE_403);
        return true;
      case "too-many-pending":
        sendError(res, E.tooManyPending());
        return true;
      default:
        return false;
    }
  }

  private hold(res: ServerResponse, holdMs = this.options.timeoutHoldMs): void {
    const timer = setTimeout(() => {
      this.held.delete(timer);
      res.socket?.destroy();
    }, holdMs);
    this.held.add(timer);
  }
}
