import { afterEach, describe, expect, it } from "vitest";
import { assertSafeListen, isLoopbackHost, startHttpServer, type RunningHttpServer } from "../../src/server/serve.js";
import { eventually, SseReader, setup } from "./helpers.js";

describe("startHttpServer (over a real socket)", () => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it("serves the API on a free port and streams events as they happen", async () => {
    const { app, services } = setup({ ssePingIntervalMs: 50 });
    services.events.push({ id: 7, type: "account", data: { modelId: "m1", equity: "10000.00" } });
    running = await startHttpServer({ app, host: "127.0.0.1", port: 0, shutdownGraceMs: 100 });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${running.url}/api/health`);
    expect(await health.json()).toMatchObject({ status: "ok" });

    const abort = new AbortController();
    const res = await fetch(`${running.url}/api/events`, { signal: abort.signal });
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const sse = new SseReader(res.body);
    expect(await sse.nextEvent()).toEqual({ id: "7", event: "account", data: '{"modelId":"m1","equity":"10000.00"}' });
    services.publish({ id: 8, type: "invocation", data: { modelId: "m1", status: "ok" } });
    expect(await sse.nextEvent()).toMatchObject({ id: "8", event: "invocation" });
    expect(await sse.next()).toEqual({ comment: "ping" });

    abort.abort();
    await eventually(() => services.unsubscribed === 1);
  });

  it("close() ends open event streams instead of hanging", async () => {
    const { app } = setup();
    running = await startHttpServer({ app, host: "127.0.0.1", port: 0, shutdownGraceMs: 50 });
    const res = await fetch(`${running.url}/api/events`);
    const sse = new SseReader(res.body);
    await sse.next();
    const closing = running.close();
    running = undefined;
    await closing;
    await expect(sse.next()).rejects.toThrow();
  });

  it("rejects when the port is taken", async () => {
    const { app } = setup();
    running = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
    const port = Number(new URL(running.url).port);
    await expect(startHttpServer({ app, host: "127.0.0.1", port })).rejects.toThrow(/EADDRINUSE/);
    // The message says which port, in words; the system error's code stays on the error.
    const failure = await startHttpServer({ app, host: "127.0.0.1", port }).catch((e: unknown) => e as NodeJS.ErrnoException);
    expect(failure).toMatchObject({ code: "EADDRINUSE", message: expect.stringContaining(`port ${port} is already in use on 127.0.0.1`) });
  });
});

describe("assertSafeListen", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])("allows loopback %s without a token", (host) => {
    expect(() => assertSafeListen(host, undefined)).not.toThrow();
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "example.com", "127.0.0.1.example.com", "128.0.0.1", "127.0.0.256", ""])("refuses %j without a token, with a message that says what to do", (host) => {
    expect(() => assertSafeListen(host, undefined)).toThrow(/AUTONOME_API_TOKEN/);
    expect(() => assertSafeListen(host, "  ")).toThrow(/loopback/);
  });

  it("allows any host once a token is set", () => {
    expect(() => assertSafeListen("0.0.0.0", "a-long-random-token")).not.toThrow();
  });
});
