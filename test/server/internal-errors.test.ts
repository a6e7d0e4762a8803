import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import type { ServerLogger } from "../../src/server/logger.js";
import { errorOf, setup } from "./helpers.js";

const SQL = 'insert into "ledger" ("model_id", "kind", "amount") values ($1, $2, $3)';

function capture() {
  const logged: Array<Record<string, unknown>> = [];
  const logger: ServerLogger = { info: () => {}, warn: () => {}, error: (obj) => logged.push(obj) };
  return { logged, logger };
}

describe("API errors carry codes and readable messages, never internals", () => {
  it("a 500 AppError keeps its code but not its message, which goes to the log", async () => {
    const { logged, logger } = capture();
    const { app, services } = setup({ logger });
    services.failNextWith = new AppError(500, "reset_failed", `could not reset: ${SQL} params: m1,RESET,-12.5`);
    const res = await app.request("/api/models");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "reset_failed", message: "internal error" } });
    expect(text).not.toContain("insert into");
    expect(String(logged[0]?.err)).toContain("insert into");
  });

  it("a driver's failed query is a bare 500 internal_error without the SQL or its parameters", async () => {
    const { logged, logger } = capture();
    const { app, services } = setup({ logger });
    services.failNextWith = new DrizzleQueryError(SQL, ["m1", "RESET", "-12.5"], new Error('relation "ledger" does not exist'));
    const res = await app.request("/api/models");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: "internal error" } });
    for (const leak of ["insert into", "ledger", "-12.5", "params"]) expect(text).not.toContain(leak);
    expect(String(logged[0]?.err)).toContain("insert into");
  });

  it("a deliberate 503 keeps its readable message", async () => {
    const { app, services } = setup();
    services.failNextWith = new AppError(503, "venue_unavailable", "the venue did not answer for order o-1; it stays UNKNOWN until reconciled");
    const res = await app.request("/api/models");
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({ code: "venue_unavailable", message: "the venue did not answer for order o-1; it stays UNKNOWN until reconciled" });
  });
});
