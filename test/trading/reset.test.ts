import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { ledger } from "../../src/db/schema.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";

describe.each(DRIVERS)("account reset (%s)", (driver) => {
  let h: Harness;
  afterEach(async () => {
    await h?.dispose();
    h = undefined as unknown as Harness;
  });

  it("a reset that cannot close everything says what is left and books no reset", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
    const id = await h.model("100000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.5", leverage: "2" });
    // Only 0.2 BTC is bid within the price bound now.
    h.book("BTC", [["49990", "0.2"]], [["50000", "5"]]);
    await expect(h.service.resetAccount(id)).rejects.toMatchObject({ status: 422, code: "reset_incomplete", message: expect.stringContaining("0.3 BTC") });
    expect(h.accounts.get(id)!.positions.get("BTC")!.state.lots).toBe(30_000n);
    expect(await h.t.database.db.select().from(ledger).where(eq(ledger.kind, "RESET"))).toHaveLength(0);

    // Once the book refills, the reset completes.
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    const account = await h.service.resetAccount(id);
    expect(account.positions.size).toBe(0);
    expect(account.cash).toBe(100_000_000_000n);
  });
});
