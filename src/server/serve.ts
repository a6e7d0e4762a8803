import { createServer, Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";

export interface HttpServerOptions {
  // Any Hono app: createApp's inferred, route-typed Hono is narrower than the default one.
  app: { fetch: Hono["fetch"] };
  host: string;
  port: number;
  /** How long close() lets in-flight requests finish before cutting the remaining (SSE) connections. */
  shutdownGraceMs?: number;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = IPV4_LOOPBACK.exec(h.replace(/^::ffff:/, ""));
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Mutating endpoints are protected only by the token; without one the server must stay on
 * loopback, where only this machine can reach it. Throws the message the CLI prints on exit.
 */
export function assertSafeListen(host: string, token: string | undefined): void {
  if (isLoopbackHost(host) || (token !== undefined && token.trim() !== "")) return;
  throw new Error(`refusing to listen on ${host} without AUTONOME_API_TOKEN: set a token, or listen on a loopback address ` + "(127.0.0.1, ::1 or localhost)");
}

const urlHost = (host: string) => (host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);

/** Why listen failed, in words, keeping the system error's code (EADDRINUSE, EACCES, …) in the message and on `code`. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): NodeJS.ErrnoException {
  const where = `${urlHost(host)}:${port}`;
  const text: Record<string, string> = {
    EADDRINUSE: `port ${port} is already in use on ${host} (EADDRINUSE): stop the other process or choose another port`,
    EACCES: `no permission to listen on port ${port} (EACCES): ports below 1024 need privileges, choose another port`,
    EADDRNOTAVAIL: `${host} is not an address of this machine (EADDRNOTAVAIL)`,
    ENOTFOUND: `${host} does not resolve to an address (ENOTFOUND)`,
  };
  const wrapped: NodeJS.ErrnoException = new Error(text[error.code ?? ""] ?? `cannot listen on ${where}: ${error.message}`, { cause: error });
  if (error.code !== undefined) wrapped.code = error.code;
  return wrapped;
}

/** Listens with @hono/node-server; resolves once the port is bound (port 0 picks a free one). */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server = createAdaptorServer({ fetch: options.app.fetch, createServer });
  if (!(server instanceof Server)) throw new Error("expected a node:http server");
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port));
    server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("expected a TCP address");
  const graceMs = options.shutdownGraceMs ?? 2_000;

  return {
    url: `http://${urlHost(options.host)}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
        // Event streams never finish on their own: end them once the grace period is over.
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      }),
  };
}
