import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { models } from "../../src/db/schema.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, type Harness } from "../support/trading-harness.js";

/** The CLI creates models without the HTTP layer: the trading service refuses bad input itself, and writes nothing. */
describe.each(DRIVERS)("creating an account without the HTTP layer (%s)", (driver) => {
  let h: Harness;
  afterEach(async () => {
    await h?.dispose();
    h = undefined as unknown as Harness;
  });

  it.each([
    [{ name: "nul\u0000name" }, /name: must not contain NUL/],
    [{ name: "lone \uD800 surrogate" }, /name: must not contain unpaired UTF-16 surrogates/],
    [{ initialCapital: "100.1234567" }, /initialCapital: "100.1234567" must be a positive decimal of dollars with at most 6 decimals/],
    [{ initialCapital: "1000000000000.5" }, /initialCapital: must be at most 1000000000000 dollars/],
    [{ initialCapital: "0" }, /initialCapital: must be positive/],
  ])("refuses %j with a 400 and writes nothing", async (bad, message) => {
    h = await createHarness(driver);
    const row = { id: randomUUID(), name: "ok", kind: "rule" as const, strategy: "manual", initialCapital: "10000", ...bad };
    await expect(h.service.createAccount(row)).rejects.toMatchObject({ status: 400, code: "invalid_request", message: expect.stringMatching(message) });
    expect(await h.t.database.db.select().from(models)).toHaveLength(0);
    expect(h.accounts.size).toBe(0);
  });
});
