import { asc } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { appendEvents } from "../../src/db/outbox.js";
import { outbox } from "../../src/db/schema.js";
import { events } from "../../src/events/events.js";
import { DRIVERS, openTestDatabase, type TestDatabase } from "../support/databases.js";

describe.each(DRIVERS)("the outbox on %s", (driver) => {
  let t: TestDatabase;
  afterEach(async () => t?.dispose());

  it("takes more events than one statement holds (a batch of held equity rounds), ids in the events' order", async () => {
    t = await openTestDatabase(driver);
    const n = 10_000 + 2_345;
    const batch = Array.from({ length: n }, (_, i) =>
      events.equitySnapshotted({
        modelId: `m${i % 7}`,
        ts: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        figures: { cash: "1", equity: String(i), unrealizedPnl: "0", realizedPnl: "0", fees: "0", marginUsed: "0", available: "1", returnPct: 0 },
      }),
    );
    const published = await t.database.db.transaction((tx) => appendEvents(tx, batch, driver === "postgres"));
    expect(published.map((e) => (e.event as { figures: { equity: string } }).figures.equity)).toEqual(batch.map((_, i) => String(i)));
    const ids = published.map((e) => e.id!);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const rows = await t.database.db.select({ id: outbox.id, payload: outbox.payload }).from(outbox).orderBy(asc(outbox.id));
    expect(rows.map((r) => (r.payload as { figures: { equity: string } }).figures.equity)).toEqual(batch.map((_, i) => String(i)));
  });
});
