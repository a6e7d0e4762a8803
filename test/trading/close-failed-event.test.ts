import { DrizzleQueryError, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/core/errors.js";
import type { Logger } from "../../src/core/logger.js";
import { DEFAULT_MARKETS, findMarket, priceToTicks, quantityToLots } from "../../src/core/market.js";
import { orders } from "../../src/db/schema.js";
import { createApp } from "../../src/server/app.js";
import { closeFailure, ExitEngine } from "../../src/trading/exit-engine.js";
import { eventually, SseReader } from "../server/helpers.js";
import { DRIVERS } from "../support/databases.js";
import { createHarness, PERMISSIVE_LIMITS, type Harness } from "../support/trading-harness.js";
import { harnessServices } from "../support/harness-services.js";

/** Makes the next insert into `table` fail with a database error that quotes SQL and values. */
async function failNextInsert(h: Harness, table: string) {
  const db = h.t.database.db;
  await db.execute(sql.raw(`create sequence close_fault_seq`));
  await db.execute(
    sql.raw(`create function close_fault() returns trigger language plpgsql as $$
      begin
        if nextval('close_fault_seq') <= 1 then raise exception 'injected: insert into ${table} (price, quantity) values (48990.5, 0.1)'; end if;
        return new;
      end $$`),
  );
  await db.execute(sql.raw(`create trigger close_fault before insert on ${table} for each row execute function close_fault()`));
}

interface Logged {
  level: string;
  obj: Record<string, unknown>;
}

function captureLogger(): { logger: Logger; logged: Logged[] } {
  const logged: Logged[] = [];
  const at = (level: string) => (obj: object | string) => logged.push({ level, obj: typeof obj === "string" ? { msg: obj } : (obj as Record<string, unknown>) });
  return { logged, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}

/** Everything an error could leak through an event: the statement, its values, the driver's words. */
const LEAKS = ["insert into", "Failed query", "params", "48990.5", "injected"];

describe.each(DRIVERS)("a failed triggered close on %s", (driver) => {
  let h: Harness;
  let exits: ExitEngine | undefined;
  afterEach(async () => {
    exits?.stop();
    await exits?.idle();
    await h?.dispose();
  });

  it("streams a close_failed event with a code and a readable message, the full error only in the log, and the retry closes", async () => {
    h = await createHarness(driver, {}, { limits: PERMISSIVE_LIMITS });
    const { logger, logged } = captureLogger();
    // The harness's own engine stands aside: this one logs.
    h.exits.stop();
    exits = new ExitEngine({ service: h.service, uow: h.uow, markets: DEFAULT_MARKETS, now: () => h.clock.now(), retryInitialMs: 5, retryMaxMs: 20, logger });
    const id = await h.model("10000");
    h.book("BTC", [["49990", "5"]], [["50000", "5"]]);
    await h.service.openPosition(id, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "2", exitPlan: { stop: "49000" } });

    await failNextInsert(h, "fills");
    const m = findMarket(DEFAULT_MARKETS, "BTC")!;
    h.clock.advance(1);
    h.venue.applyBookUpdate({
      symbol: "BTC",
      ts: h.clock.now(),
      kind: "snapshot",
      bids: [[priceToTicks(m, "48990"), quantityToLots(m, "5")]],
      asks: [[priceToTicks(m, "49000"), quantityToLots(m, "5")]],
    });
    const b = h.venue.l2("BTC")!;
    exits.onBook("BTC", b.bestBid(), b.bestAsk());
    const closeFailed = () => h.bus.filter((e) => e.type === "order" && (e.data as { action?: string }).action === "close_failed");
    await eventually(() => closeFailed().length > 0, 10_000);

    // The event as published live...
    const failed = closeFailed();
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.data).toMatchObject({ action: "close_failed", symbol: "BTC", closeTrigger: "STOP", attempt: 1, reason: "database_error" });
    expect((failed[0]!.data as { message: string }).message).toMatch(/^[a-z].*[a-z]$/);
    for (const leak of LEAKS) expect(JSON.stringify(failed[0]!.data)).not.toContain(leak);

    // The retry closed it.
    await exits.idle();
    expect(closeFailed()).toHaveLength(1);
    const [row] = await h.t.database.db.select().from(orders).where(eq(orders.modelId, id));
    expect(row).toMatchObject({ status: "CLOSED", closeTrigger: "STOP" });

    // ...and as a client replaying the stream receives it.
    const services = harnessServices(h, driver);
    const sse = new SseReader((await createApp({ services }).request("/api/events?lastEventId=0")).body);
    let streamed: string | undefined;
    for (let i = 0; i < 50 && streamed === undefined; i++) {
      const frame = await sse.nextEvent(10_000);
      if (frame.data?.includes("close_failed")) streamed = frame.data;
    }
    await sse.cancel();
    expect(JSON.parse(streamed!)).toMatchObject({ action: "close_failed", reason: "database_error" });
    for (const leak of LEAKS) expect(streamed).not.toContain(leak);

    // The log has the whole error, for the operator.
    const warn = logged.find((l) => l.level === "warn" && l.obj.reason === "database_error");
    expect(warn).toBeDefined();
    const err = warn!.obj.err as Error;
    expect(`${err.message} ${String((err.cause as Error | undefined)?.message)}`).toContain("insert into fills");
  });
});

describe("closeFailure: the code and message of a failed close", () => {
  const noLeak = (r: { reason: string; message: string }, secret: string) => {
    expect(r.reason).toMatch(/^[a-z0-9_]+(:[a-z0-9_]+)?$/);
    expect(JSON.stringify(r)).not.toContain(secret);
  };

  it("a driver's failed query is database_error", () => {
    const wrapped = new DrizzleQueryError('insert into "ledger" ("amount") values ($1)', ["-12.5"], new Error("deadlock detected"));
    expect(closeFailure(wrapped).reason).toBe("database_error");
    noLeak(closeFailure(wrapped), "ledger");
    // A server error as both drivers raise it: a SQLSTATE and a severity.
    const server = Object.assign(new Error('duplicate key value violates unique constraint "fills_pkey"'), { code: "23505", severity: "ERROR" });
    expect(closeFailure(server).reason).toBe("database_error");
    noLeak(closeFailure(server), "fills_pkey");
  });

  it("an unreachable venue is venue_unavailable; a refusal is rejected:<code>", () => {
    expect(closeFailure(new AppError(503, "venue_unavailable", "the venue did not answer for order close-1")).reason).toBe("venue_unavailable");
    expect(closeFailure(new AppError(422, "market_closed", "no book for BTC")).reason).toBe("rejected:market_closed");
  });

  it("anything else is internal_error, its message kept out", () => {
    const r = closeFailure(new TypeError("Cannot read properties of undefined (reading 'lots') at /srv/autonome/src/x.ts"));
    expect(r.reason).toBe("internal_error");
    noLeak(r, "/srv/autonome");
    expect(closeFailure("a string").reason).toBe("internal_error");
  });
});
