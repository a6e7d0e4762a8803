import { afterEach, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { equitySnapshots } from "../../src/db/schema.js";
import { EquityRecorder, equityHistory } from "../../src/trading/equity.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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
