import { randomUUID } from "node:crypto";
import { and, asc, desc, gt, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { invocations, outbox, toolCalls } from "../../src/db/schema.js";
import { events } from "../../src/events/events.js";
import { InvocationLog, type FinishedRun } from "../../src/scheduler/invocation-log.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const T0 = Date.parse("2026-11-01T00:00:00Z");

/**
 * Two cycles of three runs each, every kind of record a run leaves: a prompt saved early and one
 * brought by the finish, tool calls, a run that ended normally, one that failed and was marked so,
 * a timeout, and the cycles' events. The same calls on a log that writes at once and on one that
 * holds: the rows and the events must be the same (the held ones written at flush).
 */
async function script(log: InvocationLog, modelIds: string[], ids: string[], at: { now: number }): Promise<void> {
  for (const cycle of [0, 1]) {
    at.now = T0 + cycle * 60_000;
    const runs = modelIds.map((modelId, i) => ({ invocationId: ids[cycle * 3 + i]!, modelId, startedAt: at.now }));
    await log.begin(runs);
    const [a, b, c] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    await log.savePrompt(a.invocationId, `prompt of ${cycle} with key sk-1`, (t) => t.replaceAll("sk-1", "[key]"));
    // b's finish brings a prompt of its own: it wins over the one saved first.
    await log.savePrompt(b.invocationId, "first prompt of b");
    await log.recordToolCall({
      id: `${a.invocationId}-1`,
      invocationId: a.invocationId,
      modelId: a.modelId,
      type: "HOLDING",
      metadata: { args: { symbol: "BTC" }, result: { ok: true } },
      createdAt: new Date(at.now),
    });
    await log.recordToolCall({
      id: `${b.invocationId}-1`,
      invocationId: b.invocationId,
      modelId: b.modelId,
      type: "CREATE_POSITION",
      metadata: { args: { side: "LONG" }, result: { ok: false } },
      createdAt: new Date(at.now),
    });
    at.now += 1_000;
    const done = (r: typeof a, extra: Partial<FinishedRun>): FinishedRun => ({
      modelId: r.modelId,
      invocationId: r.invocationId,
      startedAt: r.startedAt,
      durationMs: 900,
      status: "ok",
      response: null,
      error: null,
      ...extra,
    });
    await log.finish(done(a, { response: "held", calls: [{ tool: "holding", args: {}, result: { ok: true } }] as unknown as FinishedRun["calls"] }));
    await log.finish(done(b, { response: "opened", report: { prompt: "prompt brought by the finish", inputTokens: 10, outputTokens: 3, steps: [{ n: 1 }] } }));
    // c's record could not be written: it is marked failed; a second failure changes nothing.
    await log.fail(done(c, { status: "timeout" }), "could not record");
    await log.fail(done(c, { status: "error" }), "again");
    await log.endCycle(events.cycleFinished({ modelId: "", cycle: { cycleId: `cycle-${cycle}` } as never }));
  }
}

describe.each(DRIVERS)("invocation log on %s", (driver) => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
  });

  it("holding runs in memory leaves the rows and events a log writing at once leaves, once flushed", async () => {
    const harness = (h = await createHarness(driver));
    const modelIds = [await harness.model(), await harness.model(), await harness.model()];
    const db = harness.t.database.db;
    const at = { now: T0 };
    const lastId = async () => (await db.select({ id: outbox.id }).from(outbox).orderBy(desc(outbox.id)).limit(1))[0]?.id ?? 0;
    const records = async (ids: string[], after: number) => ({
      invocations: (await db.select().from(invocations).where(inArray(invocations.id, ids))).map(({ id, ...r }) => ({ n: ids.indexOf(id), ...r })).sort((a, b) => a.n - b.n),
      toolCalls: (await db.select().from(toolCalls).where(inArray(toolCalls.invocationId, ids)))
        .map(({ id, invocationId, ...r }) => ({ n: ids.indexOf(invocationId!), suffix: id.slice(-2), ...r }))
        .sort((a, b) => a.n - b.n),
      events: (
        await db
          .select()
          .from(outbox)
          .where(and(gt(outbox.id, after), inArray(outbox.type, ["InvocationFinished", "CycleFinished"])))
          .orderBy(asc(outbox.id))
      )
        .map((e) => e.payload as { type: string; invocation?: { id: string } })
        .map((p) => (p.invocation ? { ...p, invocation: { ...p.invocation, id: ids.indexOf(p.invocation.id) } } : p)),
    });

    const direct = Array.from({ length: 6 }, () => randomUUID());
    const start = await lastId();
    await script(new InvocationLog(harness.uow, () => at.now), modelIds, direct, at);
    const expected = await records(direct, start);
    expect(expected.events.map((e) => e.type)).toEqual([...Array(2).fill("InvocationFinished"), "InvocationFinished", "CycleFinished", ...Array(3).fill("InvocationFinished"), "CycleFinished"]);
    expect(expected.invocations.map((r) => r.status)).toEqual(["ok", "ok", "error", "ok", "ok", "error"]);
    expect(expected.invocations.map((r) => r.prompt)).toEqual(["prompt of 0 with key [key]", "prompt brought by the finish", null, "prompt of 1 with key [key]", "prompt brought by the finish", null]);
    expect(expected.toolCalls).toHaveLength(4);

    // The held log: nothing in the database until a flush (hold(3): the two cycles stay held).
    const held = Array.from({ length: 6 }, () => randomUUID());
    const before = await lastId();
    const log = new InvocationLog(harness.uow, () => at.now);
    log.hold(3);
    await script(log, modelIds, held, at);
    expect(await records(held, before)).toEqual({ invocations: [], toolCalls: [], events: [] });
    await log.flush();
    expect(await records(held, before)).toEqual(expected);

    // hold(2): the second cycle's end writes both at once, without a flush.
    const third = Array.from({ length: 6 }, () => randomUUID());
    const two = new InvocationLog(harness.uow, () => at.now);
    two.hold(2);
    const beforeThird = await lastId();
    await script(two, modelIds, third, at);
    expect(await records(third, beforeThird)).toEqual(expected);
  });

  it("refuses a hold that is not a whole number of cycles", () => {
    const log = new InvocationLog({} as never, () => 0);
    expect(() => log.hold(0)).toThrow(/at least 1, got 0/);
    expect(() => log.hold(1.5)).toThrow(/whole number/);
  });
});
