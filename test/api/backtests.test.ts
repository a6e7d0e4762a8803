import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { usd } from "../../src/core/money.js";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { ModelView } from "../../src/app/services.js";
import { INTERRUPTED } from "../../src/backtest/backtest-jobs.js";
import type { BacktestDetailView, BacktestView } from "../../src/backtest/backtest-views.js";
import { backtests } from "../../src/db/schema.js";
import { createApp } from "../../src/server/app.js";
import { createPgDatabase, DRIVERS, type DriverName } from "../support/databases.js";
import { api, startServer } from "../support/server-process.js";
import { AUTH, TOKEN } from "./support/real-app.js";

/**
 * Backtests from the API, on both drivers: validation before anything is written, real runs in
 * child processes (`autonome backtest --request`) that end done with a summary and a report,
 * cancellation that kills the process, and runs a stopped server left behind marked as
 * interrupted at the next start. Spans are an hour or two of the synthetic feed, so a run takes
 * about as long as the child's start-up.
 */

const FROM = "2026-11-01T00:00:00.000Z";
const HOUR = 3_600_000;
const at = (ms: number) => new Date(Date.parse(FROM) + ms).toISOString();

/** The processes whose command line mentions `text` (the run's own folder): Linux's /proc. */
function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text)) out.push(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

interface Server {
  autonome: Autonome;
  app: ReturnType<typeof createApp>;
  dataDir: string;
}

describe.each(DRIVERS)("backtests API on %s", { timeout: 240_000 }, (driver: DriverName) => {
  let server: Server | undefined;
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    await server?.autonome.stop().catch(() => undefined);
    server = undefined;
    for (const f of cleanups.splice(0).reverse()) await f();
  });

  /** A database (on disk for PGlite, so a restart finds it) and a data directory that outlive one server. */
  async function storage(): Promise<Record<string, string>> {
    const dataDir = mkdtempSync(join(tmpdir(), "autonome-backtests-api-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_API_TOKEN: TOKEN, AUTONOME_DATA_DIR: dataDir, LOG_LEVEL: "silent" };
    if (driver === "postgres") {
      const created = await createPgDatabase(process.env.AUTONOME_TEST_PG_TEMPLATE);
      cleanups.push(created.drop);
      env.DATABASE_URL = created.url;
    }
    return env;
  }

  async function start(env: Record<string, string>): Promise<Server> {
    const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }));
    await autonome.start();
    server = { autonome, app: createApp({ services: autonome.services, apiToken: TOKEN }), dataDir: env.AUTONOME_DATA_DIR! };
    return server;
  }

  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<{ status: number; body: T; type: string; csp: string }> => {
    const r = await server!.app.request(path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = r.headers.get("content-type") ?? "";
    return { status: r.status, type, csp: r.headers.get("content-security-policy") ?? "", body: (type.includes("json") ? await r.json() : await r.text()) as T };
  };
  const message = (r: { body: unknown }) => (r.body as { error: { code: string; message: string } }).error.message;
  const outputFolders = () => {
    const dir = join(server!.dataDir, "backtests");
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const rule = (name: string, strategy = "trend-following") => ({ name, kind: "rule", strategy });
  const body = (span: number, models: unknown[]) => ({ from: FROM, to: at(span), feed: { kind: "synthetic", seed: 7 }, models });

  it("refuses bad requests with a 400 naming each field, and writes nothing", async () => {
    await start(await storage());
    const follower = await server!.autonome.services.createModel({ name: "A follower", kind: "mirror" });
    const cases: Array<[unknown, RegExp[]]> = [
      [{}, [/from: is required|from: /, /feed: /, /models: /]],
      [body(HOUR, []), [/models: needs at least one model/]],
      [{ ...body(HOUR, [rule("T")]), to: FROM }, [/^to: must be after from/]],
      [body(HOUR, ["no-such-model"]), [/models\[0\]: no model "no-such-model"/]],
      [body(HOUR, [rule("T"), follower.id]), [/models\[1\]: "A follower" is a follower/]],
      [body(HOUR, [{ name: "M", kind: "mirror", strategy: "x" }]), [/models\[0\]\.kind: must be "rule" or "llm"/]],
      [body(HOUR, [rule("T", "astrology")]), [/models\[0\]\.strategy: unknown rule strategy "astrology"/]],
      [body(HOUR, [{ ...rule("T"), risk: { maxLeverage: "lots" } }]), [/models\[0\]\.risk\.maxLeverage: /]],
      [body(HOUR, [{ ...rule("T"), initialCapital: "-5" }]), [/models\[0\]\.initialCapital: /]],
      [body(HOUR, [rule("T"), rule("T")]), [/models: model names must be unique/]],
      [{ ...body(HOUR, [rule("T")]), execution: { latency: { minMs: 50, maxMs: 10 } } }, [/execution\.latency: minMs must not exceed maxMs/]],
      [{ ...body(HOUR, [rule("T")]), feed: { kind: "replay", files: [{ symbol: "BTC", path: "/nowhere/btc.csv" }] } }, [/feed\.files\[0\]\.path: no such file: \/nowhere\/btc\.csv/]],
      [{ ...body(HOUR, [rule("T")]), feed: { kind: "ticks" } }, [/^feed\.kind: must be/]],
      [{ ...body(HOUR, [rule("T")]), surprise: 1 }, [/body: .*surprise/]],
      [[1, 2], [/^body: must be a JSON object/]],
    ];
    for (const [input, expected] of cases) {
      const r = await call("POST", "/api/backtests", input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect((r.body as { error: { code: string } }).error.code).toBe("invalid_request");
      for (const e of expected) expect(message(r), JSON.stringify(input)).toMatch(e);
    }
    // Writes need the token, as every write does.
    expect((await call("POST", "/api/backtests", body(HOUR, [rule("T")]), {})).status).toBe(401);
    expect((await call<BacktestView[]>("GET", "/api/backtests")).body).toEqual([]);
    expect(await server!.autonome.database.db.select().from(backtests)).toEqual([]);
    expect(outputFolders()).toEqual([]);
    expect((await call("GET", "/api/backtests/nope")).status).toBe(404);
    expect((await call("GET", "/api/backtests/nope/report")).status).toBe(404);
    expect((await call("DELETE", "/api/backtests/nope")).status).toBe(404);
  });

  it("runs a backtest in a child process to done: summary per requested model, the full result, the HTML report; then deletes it", async () => {
    await start(await storage());
    const [installed] = (await call<ModelView[]>("GET", "/api/models")).body;
    const posted = await call<BacktestView>("POST", "/api/backtests", { ...body(HOUR, [installed!.id, rule("Breakout B", "breakout")]), intervalMs: 300_000 });
    expect(posted.status).toBe(202);
    const id = posted.body.id;
    expect(posted.body).toMatchObject({ status: "running", error: null, summary: null, reportUrl: null, finishedAt: null });
    expect(posted.body.request).toMatchObject({ from: FROM, to: at(HOUR), feed: { kind: "synthetic", seed: 7, intervalMs: 1000 }, intervalMs: 300_000, llm: { mode: "off" } });
    // The installation's model, copied with its settings.
    expect(posted.body.request.models).toEqual([{ name: installed!.name, kind: "rule", strategy: installed!.strategy, initialCapital: installed!.initialCapital }, rule("Breakout B", "breakout")]);
    expect(JSON.parse(readFileSync(join(server!.dataDir, "backtests", id, "request.json"), "utf8"))).toMatchObject({ from: Date.parse(FROM), to: Date.parse(FROM) + HOUR });
    expect((await call("GET", `/api/backtests/${id}/report`)).status).toBe(404);

    const done = await until("the run to end", async () => {
      const r = (await call<BacktestDetailView>("GET", `/api/backtests/${id}`)).body;
      return r.status === "running" ? undefined : r;
    });
    expect(done.error).toBeNull();
    expect(done.status).toBe("done");
    expect(done.summary!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(done.summary!.models.map((m) => [m.name, m.strategy]).sort()).toEqual(
      [
        [installed!.name, installed!.strategy],
        ["Breakout B", "breakout"],
      ].sort(),
    );
    for (const m of done.summary!.models) expect(m.metrics.initialCapital).toMatch(/^10000/);
    expect(done.summary!.stats.cycles).toBe(12);
    expect(done.progress).toMatchObject({ fraction: 1, simTime: at(HOUR) });
    expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
    expect(done.reportUrl).toBe(`/api/backtests/${id}/report`);
    expect(done.result!.hash).toBe(done.summary!.hash);
    expect(done.result!.models.map((m) => m.name).sort()).toEqual([installed!.name, "Breakout B"].sort());
    expect(done.result!.models[0]!.equity.length).toBeGreaterThan(10);

    const report = await call<string>("GET", done.reportUrl!);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/html/);
    expect(report.body).toMatch(/^<!doctype html>/i);
    expect(report.body).toContain("Breakout B");
    // Served on the dashboard's origin: only the report's own inline script may run, nothing is fetched.
    const script = /<script>([\s\S]*?)<\/script>/.exec(report.body)![1]!;
    expect(report.csp).toContain(`script-src 'sha256-${createHash("sha256").update(script).digest("base64")}'`);
    expect(report.csp).toContain("default-src 'none'");

    // The list: newest first, without the full result.
    const second = await call<BacktestView>("POST", "/api/backtests", body(HOUR, [rule("Later")]));
    const list = (await call<Array<BacktestView & { result?: unknown }>>("GET", "/api/backtests")).body;
    expect(list.map((b) => b.id)).toEqual([second.body.id, id]);
    expect(list[1]).toMatchObject({ status: "done", summary: done.summary });
    expect(list[1]!.result).toBeUndefined();
    expect((await call<BacktestView & { deleted: boolean }>("DELETE", `/api/backtests/${second.body.id}`)).body).toMatchObject({ status: "canceled", deleted: false });

    // What-if: the done run again with its decisions held and dearer execution, compared in its report.
    const refused = [
      [{ baseline: "/etc/passwd" }, /baseline: a what-if changes only/],
      [{ from: FROM }, /from: a what-if changes only execution, seed, risk/],
      [{ risk: { Nobody: {} } }, /risk: backtest .* has no model "Nobody"/],
      [{ execution: { takerFeeBps: -1 } }, /execution.takerFeeBps/],
    ] as const;
    for (const [input, expected] of refused) {
      const r = await call("POST", `/api/backtests/${id}/what-if`, input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(message(r)).toMatch(expected);
    }
    expect(message(await call("POST", "/api/backtests", { ...body(HOUR, [rule("X")]), baseline: "/tmp/result.json" }))).toMatch(/baseline: must be the id/);
    const queued = await call<BacktestView>("POST", "/api/backtests", body(HOUR, [rule("Queued")]));
    expect(message(await call("POST", `/api/backtests/${queued.body.id}/what-if`, {}))).toMatch(/only a done run can be a baseline/);
    await call("DELETE", `/api/backtests/${queued.body.id}`);
    const whatIf = await call<BacktestView>("POST", `/api/backtests/${id}/what-if`, { execution: { takerFeeBps: 30, extraSlippageBps: 5 } });
    expect(whatIf.status).toBe(202);
    expect(whatIf.body.request).toMatchObject({ from: FROM, to: at(HOUR), execution: { takerFeeBps: 30, extraSlippageBps: 5 } });
    const replayed = await until("the what-if to end", async () => {
      const r = (await call<BacktestDetailView>("GET", `/api/backtests/${whatIf.body.id}`)).body;
      return r.status === "running" || r.status === "queued" ? undefined : r;
    });
    expect(replayed.error).toBeNull();
    expect(replayed.result!.baseline!.result.hash).toBe(done.summary!.hash);
    expect(replayed.result!.decisions).toEqual(done.result!.decisions);
    const fees = (r: BacktestDetailView) => r.result!.models.reduce((sum, m) => sum + usd(m.metrics.fees), 0n);
    // The hour holds trades (else dearer execution would prove nothing): they cost more now.
    expect(done.result!.decisions!.length).toBeGreaterThan(0);
    expect(fees(replayed)).toBeGreaterThan(fees(done));
    expect((await call<string>("GET", replayed.reportUrl!)).body).toContain("fees 2/6 bps, slippage 0 bps, latency 0 ms");
    // The baseline shows as the run's id (never the server's file), and a partial execution keeps the baseline's other fields.
    expect(replayed.request.baseline).toBe(id);
    expect(JSON.stringify(replayed)).not.toContain(server!.dataDir);
    const again = await call<BacktestView>("POST", `/api/backtests/${whatIf.body.id}/what-if`, { execution: { makerFeeBps: 1 } });
    expect(again.body.request.execution).toMatchObject({ makerFeeBps: 1, takerFeeBps: 30, extraSlippageBps: 5 });
    await call("DELETE", `/api/backtests/${again.body.id}`);
    await call("DELETE", `/api/backtests/${whatIf.body.id}`);

    // A finished run is deleted with its folder.
    const deleted = await call<BacktestView & { deleted: boolean }>("DELETE", `/api/backtests/${id}`);
    expect(deleted.body).toMatchObject({ id, status: "done", deleted: true });
    expect((await call("GET", `/api/backtests/${id}`)).status).toBe(404);
    expect(outputFolders()).not.toContain(id);
  });

  it("a run that fails ends failed with the run's own last message, and the server goes on", async () => {
    await start(await storage());
    const llm = { name: "L", kind: "llm", strategy: "capital-preservation", llm: { baseUrl: "http://127.0.0.1:9/v1", model: "x" } };
    const posted = await call<BacktestView>("POST", "/api/backtests", { ...body(HOUR, [llm]), llm: { mode: "replay", file: "/nowhere/recording.jsonl" } });
    expect(posted.status).toBe(202);
    const failed = await until("the run to fail", async () => {
      const r = (await call<BacktestDetailView>("GET", `/api/backtests/${posted.body.id}`)).body;
      return r.status === "running" ? undefined : r;
    });
    expect(failed).toMatchObject({ status: "failed", summary: null, result: null, reportUrl: null, error: "/nowhere/recording.jsonl: no LLM recording here; make one with --llm record" });
    expect((await call(`GET`, `/api/backtests/${posted.body.id}/report`)).status).toBe(404);
    expect((await call("GET", "/api/health")).status).toBe(200);
  });

  it("cancels a queued run before it starts and a running one by killing its process; one run at a time by default", async () => {
    await start(await storage());
    const long = body(30 * 24 * HOUR, [rule("Slow")]);
    const first = (await call<BacktestView>("POST", "/api/backtests", long)).body;
    const second = (await call<BacktestView>("POST", "/api/backtests", long)).body;
    expect([first.status, second.status]).toEqual(["running", "queued"]);
    const folder = join(server!.dataDir, "backtests", first.id);
    expect(processesMentioning(folder).length).toBeGreaterThan(0);
    expect(processesMentioning(join(server!.dataDir, "backtests", second.id))).toEqual([]);

    const queued = await call<BacktestView & { deleted: boolean }>("DELETE", `/api/backtests/${second.id}`);
    expect(queued.body).toMatchObject({ status: "canceled", deleted: false, startedAt: null });
    const running = await call<BacktestView & { deleted: boolean }>("DELETE", `/api/backtests/${first.id}`);
    expect(running.body).toMatchObject({ status: "canceled", deleted: false });
    expect(running.body.finishedAt).not.toBeNull();
    await until("the canceled run's processes to end", async () => (processesMentioning(folder).length === 0 ? true : undefined), 20_000);
    await sleep(500);
    // Nothing overwrote the cancel, and the canceled queued run never started.
    expect((await call<BacktestView>("GET", `/api/backtests/${first.id}`)).body.status).toBe("canceled");
    expect((await call<BacktestView>("GET", `/api/backtests/${second.id}`)).body).toMatchObject({ status: "canceled", startedAt: null });
    expect(processesMentioning(join(server!.dataDir, "backtests", second.id))).toEqual([]);
    // A second DELETE removes the canceled run and its folder.
    expect((await call<{ deleted: boolean }>("DELETE", `/api/backtests/${first.id}`)).body.deleted).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });

  it("a stop kills the running run; at the next start runs left running or queued are failed as interrupted", async () => {
    const env = await storage();
    await start(env);
    const long = body(30 * 24 * HOUR, [rule("Slow")]);
    const running = (await call<BacktestView>("POST", "/api/backtests", long)).body;
    const queued = (await call<BacktestView>("POST", "/api/backtests", long)).body;
    const folder = join(env.AUTONOME_DATA_DIR!, "backtests", running.id);
    expect(processesMentioning(folder).length).toBeGreaterThan(0);
    // Rows a crashed process left behind (no stop ran for them).
    const crashed = { request: running.request as unknown as Record<string, unknown>, outDir: folder, createdAt: new Date(Date.parse(FROM)) };
    await server!.autonome.database.db.insert(backtests).values([
      { ...crashed, id: "crashed-running", status: "running", startedAt: new Date(Date.parse(FROM)) },
      { ...crashed, id: "crashed-queued", status: "queued" },
    ]);

    await server!.autonome.stop();
    server = undefined;
    await until("the run's processes to end with the server", async () => (processesMentioning(folder).length === 0 ? true : undefined), 20_000);

    await start(env);
    const list = (await call<BacktestView[]>("GET", "/api/backtests")).body;
    expect(list.map((b) => [b.id, b.status, b.error])).toEqual(
      expect.arrayContaining([
        [running.id, "failed", INTERRUPTED],
        [queued.id, "failed", INTERRUPTED],
        ["crashed-running", "failed", INTERRUPTED],
        ["crashed-queued", "failed", INTERRUPTED],
      ]),
    );
    for (const b of list) expect(b.finishedAt).not.toBeNull();
  });
});

/** Outside the process: a server killed outright (SIGKILL) takes its runs with it, and its next start marks them interrupted. */
describe("backtests of a server killed outright", { timeout: 240_000 }, () => {
  it("end with it (no orphan keeps computing) and are failed as interrupted at the next start", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "autonome-backtests-kill-"));
    const env = { AUTONOME_DATA_DIR: dataDir, AUTONOME_TRADE_INTERVAL: "1h", AUTONOME_FEED_INTERVAL: "1h" };
    let server = await startServer(env);
    try {
      const posted = await api<BacktestView>(server.url, "POST", "/api/backtests", {
        from: FROM,
        to: at(30 * 24 * HOUR),
        feed: { kind: "synthetic" },
        models: [{ name: "Slow", kind: "rule", strategy: "trend-following" }],
      });
      expect(posted.status).toBe(202);
      const folder = join(dataDir, "backtests", posted.body.id);
      expect(processesMentioning(folder).length).toBeGreaterThan(0);
      await server.kill();
      await until("the run's processes to end with the server", async () => (processesMentioning(folder).length === 0 ? true : undefined), 30_000);

      server = await startServer(env);
      const after = await api<BacktestView>(server.url, "GET", `/api/backtests/${posted.body.id}`);
      expect(after.body).toMatchObject({ status: "failed", error: INTERRUPTED });
    } finally {
      await server.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
