import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The small HTTP plumbing the fake Data API, Gamma and geoblock servers share. */

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => Promise<void> | void;

export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Listens on host:port (port 0: any free one) and serves `handler`; a throw becomes a 500 with its message. */
export async function listen(handler: Handler, options: { port?: number; host?: string } = {}): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${host}`);
    readBody(req)
      .then((body) => handler(req, res, url, body))
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String((error as Error)?.message ?? error) });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Exact decimal arithmetic for the fake's amounts (usdcSize = size × price), on 18-decimal bigints. */
const SCALE = 18n;
function toScaled(text: string): bigint {
  const [whole, frac = ""] = text.split(".");
  return BigInt(whole!) * 10n ** SCALE + BigInt((frac + "0".repeat(Number(SCALE))).slice(0, Number(SCALE)) || "0");
}
function fromScaled(v: bigint): string {
  const whole = v / 10n ** SCALE;
  const frac = (v % 10n ** SCALE).toString().padStart(Number(SCALE), "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}
export function multiplyDecimals(a: string, b: string): string {
  return fromScaled((toScaled(a) * toScaled(b)) / 10n ** SCALE);
}
export function compareDecimals(a: string, b: string): number {
  const d = toScaled(a) - toScaled(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
