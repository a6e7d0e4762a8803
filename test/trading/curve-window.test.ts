import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { CurveMetricsReadModel } from "../../src/trading/curve-read-models.js";
import { CurveWindow, type HeldCurve } from "../../src/trading/curve-window.js";
import { EquityRecorder, exactEquityCurves, type ExactEquityPoint } from "../../src/trading/equity.js";
import { curveMetrics } from "../../src/core/metrics.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WINDOW = 3 * DAY;

/**
 * What can happen to the snapshot table between two reads of the window, as the app does it: a
 * round of every model at the current minute (again in the same minute: it overwrites), a round
 * written late at an earlier minute (rounds held and written together), time going on, the
 * hourly roll-up, and reads: plain, racing a round written while the read runs, or for a window
 * that starts earlier than the held one (a clock that went back).
 */
type Step =
  | { kind: "round"; note: boolean }
  | { kind: "late"; minutesAgo: number }
  | { kind: "advance"; minutes: number }
  | { kind: "rollup" }
  | { kind: "read" }
  | { kind: "racingRead" }
  | { kind: "earlierRead"; minutes: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("round" as const), note: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("late" as const), minutesAgo: fc.integer({ min: 1, max: 600 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("advance" as const), minutes: fc.integer({ min: 1, max: 900 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("rollup" as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("read" as const) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("racingRead" as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("earlierRead" as const), minutes: fc.integer({ min: 1, max: 3000 }) }), weight: 1 },
);

describe.each(DRIVERS)("the week's curves kept in memory on %s", (driver) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(driver);
  });
  afterAll(async () => h?.dispose());

  /** Each run's own models (rows of other runs stay in the table, out of the comparison) and its own stretch of time. */
  let runNo = 0;

  it("always holds exactly what reading the window whole returns", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 30 }), async (steps) => {
        const db = h.t.database.db;
        const ids = [await h.model("1000"), await h.model("2000")];
        let now = Date.parse("2026-03-01T00:00:00Z") + runNo++ * 30 * DAY;
        let value = 1000;
        const window = new CurveWindow(db, WINDOW);
        const recorder = new EquityRecorder(h.uow, h.service, () => now);
        const write = async (ts: number) => {
          const minute = new Date(Math.floor(ts / MINUTE) * MINUTE);
          // A distinct equity each time, so an overwrite in the same minute shows.
          for (const id of ids) {
            value += 1;
            await db.execute(sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl)
              values (${id}, '1m', ${minute.toISOString()}::timestamptz, ${`${value}.250000`}, ${`${value}.000000`}, '0')
              on conflict (model_id, resolution, ts) do update set equity = excluded.equity`);
          }
          return minute.getTime();
        };
        const mine = (curves: ReadonlyMap<string, readonly ExactEquityPoint[]>) => ids.map((id) => [...(curves.get(id) ?? [])]);
        /** The held curves, checking that the numbers beside the decimals are exactly theirs. */
        const held = (curves: ReadonlyMap<string, HeldCurve>) => {
          for (const c of curves.values()) expect(c.numeric).toEqual(c.exact.map((p) => ({ ts: p.ts, equity: Number(p.equity) })));
          return mine(new Map([...curves].map(([id, c]) => [id, c.exact])));
        };
        const whole = async (at: number) => mine(await exactEquityCurves(db, new Date(at - WINDOW)));
        const check = async (at: number) => {
          expect(held(await window.curves(at))).toEqual(await whole(at));
        };
        for (const s of steps) {
          switch (s.kind) {
            case "round": {
              const ts = await write(now);
              if (s.note) window.noteSnapshot(ts);
              break;
            }
            case "late":
              window.noteSnapshot(await write(now - s.minutesAgo * MINUTE));
              break;
            case "advance":
              now += s.minutes * MINUTE;
              break;
            case "rollup":
              window.rolledUp(await recorder.rollUp());
              break;
            case "read":
              await check(now);
              break;
            case "racingRead": {
              const first = window.curves(now);
              window.noteSnapshot(await write(now));
              const second = window.curves(now);
              await first;
              expect(held(await second)).toEqual(await whole(now));
              break;
            }
            case "earlierRead":
              await check(now - s.minutes * MINUTE);
              break;
          }
        }
        await check(now);
      }),
      { numRuns: 12 },
    );
  });

  it("a read asked for while another runs sees what was written before it was asked for", async () => {
    const db = h.t.database.db;
    const id = await h.model("1000");
    const now = Date.parse("2027-01-01T00:00:00Z");
    const put = (ts: number, equity: string) =>
      db.execute(
        sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl) values (${id}, '1m', ${new Date(ts).toISOString()}::timestamptz, ${equity}, ${equity}, '0')`,
      );
    await put(now - 2 * MINUTE, "1000.000000");
    // The first read's rows are held back until released: it has read, but not finished.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const window = new CurveWindow(db, WINDOW, async (...args) => {
      const rows = await exactEquityCurves(...args);
      if (++reads === 1) await gate;
      return rows;
    });
    const first = window.curves(now);
    while (reads === 0) await new Promise((r) => setImmediate(r));
    await put(now - MINUTE, "1001.000000");
    window.noteSnapshot(now - MINUTE);
    const second = window.curves(now);
    release();
    await first;
    expect((await second).get(id)?.exact.map((p) => p.equity)).toEqual(["1000.000000", "1001.000000"]);
  });

  it("a read that fails leaves the next one to read everything again", async () => {
    const db = h.t.database.db;
    const id = await h.model("1000");
    const now = Date.parse("2027-02-01T00:00:00Z");
    const put = (ts: number, equity: string) =>
      db.execute(
        sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl) values (${id}, '1m', ${new Date(ts).toISOString()}::timestamptz, ${equity}, ${equity}, '0')`,
      );
    let fail = false;
    const window = new CurveWindow(db, WINDOW, async (...args) => {
      if (fail) throw new Error("connection lost");
      return exactEquityCurves(...args);
    });
    await put(now - 3 * MINUTE, "1000.000000");
    await window.curves(now);
    await put(now - 2 * MINUTE, "1001.000000");
    fail = true;
    await expect(window.curves(now)).rejects.toThrow("connection lost");
    fail = false;
    await put(now - MINUTE, "1002.000000");
    expect((await window.curves(now)).get(id)?.exact.map((p) => p.equity)).toEqual(["1000.000000", "1001.000000", "1002.000000"]);
  });

  it("after the roll-up it holds the hourly rows that replaced the old minutes", async () => {
    const db = h.t.database.db;
    const id = await h.model("1000");
    const start = Date.parse("2027-03-01T00:00:00Z");
    let now = start + 2 * DAY;
    const window = new CurveWindow(db, WINDOW);
    // Two days of a point every 10 minutes, read whole, then another hour, read from the last minute on.
    const put = (ts: number) =>
      db.execute(
        sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl) values (${id}, '1m', ${new Date(ts).toISOString()}::timestamptz, ${(1000 + ((ts / MINUTE) % 17)).toFixed(6)}, '1000', '0')`,
      );
    for (let t = start; t < now; t += 10 * MINUTE) await put(t);
    await window.curves(now);
    for (let t = now; t < now + HOUR; t += 10 * MINUTE) await put(t);
    now += HOUR;
    await window.curves(now);
    window.rolledUp(await new EquityRecorder(h.uow, h.service, () => now).rollUp());
    const held = [...((await window.curves(now)).get(id)?.exact ?? [])];
    const whole = (await exactEquityCurves(db, new Date(now - WINDOW), { modelId: id })).get(id) ?? [];
    expect(held).toEqual(whole);
    // A day and an hour of hourly rows (the last value of each hour), then the last day's minutes.
    expect(whole.filter((p) => p.ts < now - DAY).every((p) => p.ts % HOUR === 0)).toBe(true);
    expect(whole.length).toBe(25 + 6 * 24);
  });

  it("recomputes a model's metrics only when a read changed the curves, and they are those of the whole window", async () => {
    const db = h.t.database.db;
    const id = await h.model("1000");
    const start = Date.parse("2027-06-01T00:00:00Z");
    const figures = new CurveMetricsReadModel(new CurveWindow(db, WINDOW));
    const put = (ts: number, equity: string) =>
      db.execute(
        sql`insert into equity_snapshots (model_id, resolution, ts, equity, cash, unrealized_pnl) values (${id}, '1h', ${new Date(ts).toISOString()}::timestamptz, ${equity}, ${equity}, '0')`,
      );
    for (let k = 0; k < 60; k++) await put(start + k * HOUR, (1000 + (k % 5) * 7 - (k % 3) * 11).toFixed(6));
    const now = start + 60 * HOUR;
    const expected = async (at: number) => curveMetrics(((await exactEquityCurves(db, new Date(at - WINDOW), { modelId: id })).get(id) ?? []).map((p) => ({ ts: p.ts, equity: Number(p.equity) })));
    const first = await figures.of(id, now);
    expect(first).toEqual(await expected(now));
    expect(first.maxDrawdown).not.toBeNull();
    // Nothing new: the same figures object, not computed again.
    expect(await figures.of(id, now)).toBe(first);
    expect((await figures.all(now)).get(id)).toBe(first);
    // A new low: the read brings it in, and the drawdown deepens.
    await put(now, "900.000000");
    const after = await figures.of(id, now);
    expect(after).toEqual(await expected(now));
    expect(after.maxDrawdown!).toBeGreaterThan(first.maxDrawdown!);
    // A model without a point in the window has none.
    expect(await figures.of("no-such-model", now)).toEqual(CurveMetricsReadModel.none);
  });
});
