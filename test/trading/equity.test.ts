import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { equitySnapshots, outbox } from "../../src/db/schema.js";
import { EquityRecorder, equityHistory } from "../../src/trading/equity.js";
import { CurveMetricsReadModel } from "../../src/trading/curve-read-models.js";
import { CurveWindow } from "../../src/trading/curve-window.js";
import { sharpeRatio, sortinoRatio } from "../../src/core/metrics.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(DRIVERS)("equity history on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("snapshots every account each minute and rolls old minutes up to the last value of each hour", async () => {
    h = await createHarness(driver);
    const id = await h.model("1000");
    const start = Date.parse("2026-03-01T00:00:00Z");
    let now = start;
    const recorder = new EquityRecorder(h.uow, h.service, () => now);
    // 3 hours of minutes; the account's capital changes every minute so each snapshot is distinct.
    for (let i = 0; i < 180; i++) {
      h.accounts.get(id)!.initialCapital = BigInt(1000 + i) * 1_000_000n;
      now = start + i * MINUTE;
      await recorder.snapshot();
    }
    const minutes = await h.t.database.db.select().from(equitySnapshots).where(eq(equitySnapshots.modelId, id));
    expect(minutes).toHaveLength(180);
    expect(h.bus.filter((e) => e.type === "account" && (e.data as { ts?: string }).ts)).toHaveLength(180);

    now = start + 26 * HOUR + 30 * MINUTE; // older than a day: the first 2 hours (before 02:00 rolled back a day)
    await recorder.rollUp();
    const rows = await h.t.database.db.select().from(equitySnapshots).where(eq(equitySnapshots.modelId, id)).orderBy(asc(equitySnapshots.ts));
    const hourly = rows.filter((r) => r.resolution === "1h");
    expect(hourly.map((r) => new Date(r.ts).toISOString())).toEqual(["2026-03-01T00:00:00.000Z", "2026-03-01T01:00:00.000Z"]);
    // the last minute of each hour: 00:59 had capital 1059, 01:59 had 1119
    expect(hourly.map((r) => r.equity)).toEqual(["1059.000000", "1119.000000"]);
    expect(rows.filter((r) => r.resolution === "1m")).toHaveLength(60); // 02:00-02:59 stay minutes

    const all = await equityHistory(h.t.database.db, id, "all", now);
    expect(all).toHaveLength(62);
    expect(all.map((p) => p.ts.getTime())).toEqual([...all.map((p) => p.ts.getTime())].sort((a, b) => a - b));
    const lastHour = await equityHistory(h.t.database.db, id, "1h", start + 3 * HOUR);
    expect(lastHour.every((p) => p.ts.getTime() >= start + 2 * HOUR)).toBe(true);
    // rolling up again changes nothing
    await recorder.rollUp();
    expect(
      await h.t.database.db
        .select()
        .from(equitySnapshots)
        .where(and(eq(equitySnapshots.modelId, id), eq(equitySnapshots.resolution, "1h"))),
    ).toHaveLength(2);
  });
});

describe.each(DRIVERS)("ratios of a window of mixed resolutions on %s", (driver) => {
  let h: Harness;
  afterEach(async () => h?.dispose());

  it("a week's Sharpe and Sortino are those of its hourly path, before and after the roll-up of another hour of minutes", async () => {
    h = await createHarness(driver);
    const id = await h.model("10000");
    const start = Date.parse("2026-03-01T00:00:00Z");
    // The equity at the end of hour k: up 150 on odd hours, down 80 on even ones (exact decimals).
    const end = (k: number) => 10_000 + 35 * k + (k % 2 === 1 ? 150 : 0);
    const row = (resolution: "1m" | "1h", ts: number, equity: number) => ({ modelId: id, resolution, ts: new Date(ts), equity: equity.toFixed(6), cash: equity.toFixed(6), unrealizedPnl: "0" });
    // Hours 0-143 already rolled up (stamped at the hour, the hour's last equity), then minute rows
    // to 169:30 that swing 0.5% about the previous hour's end and reach the hour's at minute 59.
    const rows = Array.from({ length: 144 }, (_, k) => row("1h", start + k * HOUR, end(k)));
    for (let t = 144 * HOUR; t <= 169 * HOUR + 30 * MINUTE; t += MINUTE) {
      const k = Math.floor(t / HOUR);
      const m = (t / MINUTE) % 60;
      rows.push(row("1m", start + t, m === 59 ? end(k) : end(k - 1) * (m % 2 === 0 ? 1.005 : 0.995)));
    }
    await h.t.database.db.insert(equitySnapshots).values(rows);
    const now = start + 169 * HOUR + 30 * MINUTE;
    // What the window holds sampled hourly: hour 2 (the first row at or after now - 7 days) to hour 168, then 169:30.
    const hourlyPath = [...Array.from({ length: 167 }, (_, i) => ({ ts: start + (i + 2) * HOUR, equity: end(i + 2) })), { ts: now, equity: Number((end(168) * 1.005).toFixed(6)) }]; // as stored
    const expected = { sharpe: sharpeRatio(hourlyPath), sortino: sortinoRatio(hourlyPath) };
    expect(expected.sharpe).toBeGreaterThan(0);

    const figures = new CurveMetricsReadModel(new CurveWindow(h.t.database.db, 7 * DAY));
    expect(await figures.of(id, now)).toMatchObject(expected);
    // The hour-old minutes of 144:00-144:59 become one hourly row: the figures stay as they were.
    figures.window.rolledUp(await new EquityRecorder(h.uow, h.service, () => now).rollUp());
    const stored = await h.t.database.db
      .select()
      .from(equitySnapshots)
      .where(and(eq(equitySnapshots.modelId, id), eq(equitySnapshots.resolution, "1h")));
    expect(stored).toHaveLength(145);
    expect(await figures.of(id, now)).toMatchObject(expected);
  });
});

describe.each(DRIVERS)("equity rounds held and written together on %s", (driver) => {
  const hs: Harness[] = [];
  afterEach(async () => {
    for (const h of hs.splice(0)) await h.dispose();
  });

  /** Three models, then rounds with capital changes between them (some queued just before a round, two rounds in one minute). */
  async function run(hold: number) {
    const h = await createHarness(driver);
    hs.push(h);
    const ids = [await h.model("1000"), await h.model("2500"), await h.model("400")];
    const start = Date.parse("2026-03-01T00:00:00Z");
    let now = start;
    const recorder = new EquityRecorder(h.uow, h.service, () => now);
    if (hold > 1) recorder.hold(hold);
    for (let i = 0; i < 40; i++) {
      now = start + Math.floor(i * 0.8) * MINUTE + (i % 3) * 1000; // minutes 0, 0, 1, 2, 3, 3, ...: some twice
      const account = h.accounts.get(ids[i % 3]!)!;
      const capital = BigInt(1000 + 37 * i) * 1_000_000n;
      // A change queued before the round commits before the round reads the figures, in both modes.
      const change = h.uow.run(async (_tx, ctx) => ctx.onCommit(() => void (account.initialCapital = capital)));
      await Promise.all([change, recorder.snapshot()]);
    }
    await recorder.flush();
    const index = new Map(ids.map((id, i) => [id, i]));
    const rows = (await h.t.database.db.select().from(equitySnapshots)).map((r) => ({ ...r, modelId: index.get(r.modelId), ts: r.ts.getTime() }));
    rows.sort((a, b) => a.ts - b.ts || a.modelId! - b.modelId!);
    const stored = (await h.t.database.db.select().from(outbox).orderBy(asc(outbox.id)))
      .filter((r) => r.type === "EquitySnapshotted")
      .map((r) => JSON.stringify({ ...(r.payload as object), modelId: index.get(r.modelId!) }));
    const published = h.bus.filter((e) => e.type === "account").map((e) => JSON.stringify({ ...(e.data as object), modelId: index.get(e.modelId!) }));
    return { rows, stored, published };
  }

  it("leaves exactly the rows and events of rounds written one by one", async () => {
    const one = await run(1);
    const held = await run(7);
    expect(one.rows).toHaveLength(3 * 32); // 32 distinct minutes
    expect(held.rows).toEqual(one.rows);
    expect(one.stored).toHaveLength(3 * 40);
    expect(held.stored).toEqual(one.stored);
    expect(held.published).toEqual(one.published);
  });
});
