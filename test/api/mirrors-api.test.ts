import { afterEach, describe, expect, it } from "vitest";
import { DRIVERS } from "../support/databases.js";
import { AUTH, snapshot, startRealApp, type RealApp } from "./support/real-app.js";
import type { AppEvent, ModelView } from "../../src/app/services.js";
import type { MirrorDetail, MirrorMetrics, ExecutionAudit } from "../../src/copy/mirror-service.js";
import type { ExecutionView } from "../../src/copy/mirror-store.js";
import { PERMISSIVE_LIMITS } from "../support/trading-harness.js";

/** The copy-trading API of the real application, on both drivers. */
describe.each(DRIVERS)("mirrors API on %s", { timeout: 90_000 }, (driver) => {
  let a: RealApp;
  afterEach(async () => a?.dispose());

  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const r = await a.app.request(path, {
      method,
      headers: { ...AUTH, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as T };
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  it("creates, lists, pauses and deletes a mirror; the follower is a model of kind mirror that keeps its positions", async () => {
    a = await startRealApp(driver);
    const [source] = (await call<ModelView[]>("GET", "/api/models")).body;
    expect((await call("PATCH", `/api/models/${source!.id}`, { risk: PERMISSIVE_LIMITS })).status).toBe(200);
    const created = await call<MirrorDetail>("POST", "/api/mirrors", {
      sourceModelId: source!.id,
      follower: { name: "Copycat", initialCapital: "5000", risk: PERMISSIVE_LIMITS },
      sizing: { mode: "ratio", ratio: 0.5 },
    });
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({
      sourceModelId: source!.id,
      sourceName: source!.name,
      followerName: "Copycat",
      orderType: "IOC",
      maxSlippageBps: 50,
      sizing: { mode: "ratio", ratio: "0.5" },
      active: true,
      deleted: false,
      followerPositions: [],
    });
    const follower = (await call<ModelView>("GET", `/api/models/${m.followerModelId}`)).body;
    expect([follower.kind, follower.account.cash]).toEqual(["mirror", "5000"]);

    // Events: the source trades, the follower follows, the stream says so under `mirror`.
    const seen: AppEvent[] = [];
    const unsubscribe = await a.autonome.services.subscribe(undefined, (e) => seen.push(e));
    const opened = await call("POST", `/api/models/${source!.id}/positions`, { symbol: "ETH", side: "LONG", quantity: "1" });
    expect(opened.status).toBe(201);
    await until(async () => (await call<ExecutionView[]>("GET", `/api/mirrors/${m.id}/executions`)).body[0]?.state === "done");
    unsubscribe();
    const [e] = (await call<ExecutionView[]>("GET", `/api/mirrors/${m.id}/executions`)).body;
    expect(e).toMatchObject({ action: "open", symbol: "ETH", side: "LONG", outcome: "filled", intendedQuantity: "0.5", filledQuantity: "0.5" });
    const wire = seen.filter((x) => x.type === "mirror");
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.at(-1)!.data).toMatchObject({ id: e!.id, mirrorId: m.id, outcome: "filled" });
    expect(wire.at(-1)!.id).toBeGreaterThan(0);

    // Filters, metrics and the audit.
    expect((await call<ExecutionView[]>("GET", `/api/mirrors/${m.id}/executions?outcome=skipped`)).body).toEqual([]);
    const metrics = (await call<MirrorMetrics>("GET", `/api/mirrors/${m.id}/metrics`)).body;
    expect(metrics.counts).toMatchObject({ signals: 1, filled: 1, skipped: 0 });
    expect(metrics.fillRate).toBe(1);
    expect(metrics.latencyMs.sent.p50).toBeGreaterThanOrEqual(0);
    expect(metrics.latencyMs.filled.p99).toBeGreaterThanOrEqual(metrics.latencyMs.sent.p99!);

    // Paused: the next signal is recorded as skipped with its reason, and the audit says so.
    expect((await call<MirrorDetail>("PATCH", `/api/mirrors/${m.id}`, { active: false })).body.active).toBe(false);
    await call("POST", `/api/models/${source!.id}/positions`, { symbol: "ETH", side: "LONG", quantity: "1" });
    await until(async () => (await call<ExecutionView[]>("GET", `/api/mirrors/${m.id}/executions?reason=mirror_paused`)).body.length === 1);
    const audit = (await call<ExecutionAudit>("GET", "/api/execution-audit?window=24h")).body;
    expect(audit.counts).toMatchObject({ signals: 2, filled: 1, skipped: 1, byReason: { mirror_paused: 1 } });
    expect(audit.samples.mirror_paused).toHaveLength(1);
    expect(audit.recommendations.join(" ")).toMatch(/paused/);

    // Deleted: mirroring stops, the follower keeps (and reports) its position.
    const deleted = await call<MirrorDetail>("DELETE", `/api/mirrors/${m.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, active: false });
    expect(deleted.body.followerPositions.map((p) => [p.symbol, p.side, p.quantity])).toEqual([["ETH", "LONG", "0.5"]]);
    expect((await call<MirrorDetail[]>("GET", "/api/mirrors")).body.map((x) => x.deleted)).toEqual([true]);
    // The server trades the orphan again: a person can close its position (refused until the
    // server has adopted it, or answered "rejected" while its book is not there yet: asked again).
    let close: { status: number; body: { results?: Record<string, { status: string; reason?: string }> } } | undefined;
    await until(async () => {
      close = await call("POST", `/api/models/${m.followerModelId}/positions/close`, { symbols: ["ETH"] });
      return close.status === 200 && close.body.results?.ETH?.status === "closed";
    });
    expect(close).toMatchObject({ status: 200, body: { results: { ETH: { status: "closed" } } } });
    expect((await call<ModelView>("GET", `/api/models/${m.followerModelId}`)).body.account.marginUsed).toBe("0");
    expect((await call("PATCH", `/api/mirrors/${m.id}`, { active: true })).status).toBe(409);
  });

  it("refuses bad mirrors with a message naming the field, and changes nothing", async () => {
    a = await startRealApp(driver);
    const [x, y] = (await call<ModelView[]>("GET", "/api/models")).body;
    const f = (await call<ModelView>("POST", "/api/models", { name: "F", kind: "mirror" })).body;
    expect(f.kind).toBe("mirror");
    // A follower may not get a strategy, and the scheduler never runs it.
    expect((await call("POST", "/api/models", { name: "G", kind: "mirror", strategy: "trend-following" })).status).toBe(400);
    const before = await snapshot(a.autonome);
    const bad: Array<[unknown, number, RegExp]> = [
      [{ sourceModelId: x!.id }, 400, /followerModelId/],
      [{ sourceModelId: x!.id, followerModelId: f.id, sizing: { mode: "ratio" } }, 400, /sizing/],
      [{ sourceModelId: x!.id, followerModelId: f.id, sizing: { mode: "fixedNotional", usd: "-5" } }, 400, /usd|sizing/],
      [{ sourceModelId: x!.id, followerModelId: f.id, orderType: "GTX" }, 400, /orderType/],
      [{ sourceModelId: x!.id, followerModelId: f.id, maxSlippageBps: -1 }, 400, /maxSlippageBps/],
      [{ sourceModelId: x!.id, followerModelId: f.id, ttlMs: 5000 }, 400, /ttlMs/],
      [{ sourceModelId: x!.id, followerModelId: f.id, symbols: [] }, 400, /symbols/],
      [{ sourceModelId: "nope", followerModelId: f.id }, 422, /sourceModelId/],
      [{ sourceModelId: x!.id, followerModelId: y!.id }, 422, /kind "mirror"/],
      [{ sourceModelId: f.id, followerModelId: f.id }, 400, /itself/],
      [{ sourceModelId: x!.id, followerModelId: f.id, surprise: 1 }, 400, /surprise|unrecognized/i],
    ];
    for (const [body, status, message] of bad) {
      const r = await call<{ error: { message: string } }>("POST", "/api/mirrors", body);
      expect([r.status, JSON.stringify(body)]).toEqual([status, JSON.stringify(body)]);
      expect(r.body.error.message).toMatch(message);
    }
    expect(await snapshot(a.autonome)).toBe(before);
    expect((await call("GET", "/api/mirrors")).body).toEqual([]);

    // One mirror per follower; no cycles.
    const g = (await call<ModelView>("POST", "/api/models", { name: "G", kind: "mirror" })).body;
    expect((await call("POST", "/api/mirrors", { sourceModelId: x!.id, followerModelId: f.id })).status).toBe(201);
    expect((await call<{ error: { code: string } }>("POST", "/api/mirrors", { sourceModelId: y!.id, followerModelId: f.id })).body.error.code).toBe("follower_taken");
    expect((await call("POST", "/api/mirrors", { sourceModelId: f.id, followerModelId: g.id })).status).toBe(201);
    // r is a follower without a mirror yet; s follows r; r may not follow s.
    const r = (await call<ModelView>("POST", "/api/models", { name: "R", kind: "mirror" })).body;
    const s2 = (await call<ModelView>("POST", "/api/models", { name: "S", kind: "mirror" })).body;
    expect((await call("POST", "/api/mirrors", { sourceModelId: r.id, followerModelId: s2.id })).status).toBe(201);
    const cycle = await call<{ error: { code: string } }>("POST", "/api/mirrors", { sourceModelId: s2.id, followerModelId: r.id });
    expect([cycle.status, cycle.body.error.code]).toEqual([409, "mirror_cycle"]);
    expect((await call("GET", "/api/mirrors/nope")).status).toBe(404);
    expect((await call("GET", "/api/mirrors/nope/executions?outcome=bogus")).status).toBe(400);
    expect((await call("GET", "/api/execution-audit?window=2y")).status).toBe(400);
    // The scheduler's models leave followers out (their orders come only from their mirror).
    const leaderboard = (await call<{ rows: Array<{ kind: string }> }>("GET", "/api/leaderboard")).body;
    expect(JSON.stringify(leaderboard)).toContain('"mirror"');
  });
});
