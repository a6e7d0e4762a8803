import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { venueOrders } from "../../src/db/schema.js";
import { DRIVERS } from "../support/databases.js";
import { FaultyVenue } from "../support/faulty-venue.js";
import { createMirrorHarness, restartEngine, type MirrorHarness } from "../support/mirror-harness.js";
import type { ExecutionView } from "../../src/copy/mirror-store.js";
import { clientOrderIdFor } from "../../src/copy/execution-queue.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every outcome and reason an execution can have, each reached by a real scenario. */
describe.each(DRIVERS)("mirror outcomes on %s", { timeout: 90_000 }, (driver) => {
  let h: MirrorHarness;
  afterEach(async () => h?.dispose());

  const only = async (mirrorId: string): Promise<ExecutionView> => {
    const list = await h.services.mirrors.executions(mirrorId, { limit: 10 });
    expect(list).toHaveLength(1);
    return list[0]!;
  };

  it("a follower that was down catches up: old signals are skipped as signal_too_old, none lost, new ones copied", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    h.deepBook("ETH", 3_000);
    const source = await h.source();
    const m = await h.mirror(source, { maxSignalAgeMs: 200, sizing: { mode: "ratio", ratio: "1" } });
    // The engine is down while the source trades.
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.service.openPosition(source, { symbol: "ETH", side: "SHORT", quantity: "0.1" });
    await h.service.closePosition(source, "BTC");
    await sleep(300);
    await h.engine.start();
    await h.settle();
    const list = await h.services.mirrors.executions(m.id, { limit: 10 });
    expect(list.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ["close", "skipped", "signal_too_old"],
      ["open", "skipped", "signal_too_old"],
      ["open", "skipped", "signal_too_old"],
    ]);
    expect(list[0]!.message).toMatch(/above maxSignalAgeMs 200/);
    // Back up (and patient again): the next signals are copied.
    await h.services.mirrors.patch(m.id, { maxSignalAgeMs: 30_000 });
    await h.service.closePosition(source, "ETH");
    await h.service.openPosition(source, { symbol: "BTC", side: "SHORT", quantity: "0.02" });
    await h.settle();
    const latest = (await h.services.mirrors.executions(m.id, { limit: 1 }))[0]!;
    expect([latest.action, latest.outcome, latest.filledQuantity]).toEqual(["open", "filled", "0.02"]);
    // The ETH close found no follower position (its open was too old to copy), and says so.
    const eth = (await h.services.mirrors.executions(m.id, { limit: 10 })).find((e) => e.symbol === "ETH" && e.action === "close")!;
    expect([eth.outcome, eth.reason]).toEqual(["skipped", "no_follower_position"]);
  });

  it("below_min_size, symbol_not_allowed and mirror_paused are decided before anything is sent", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    h.deepBook("ETH", 3_000);
    const source = await h.source();
    const tiny = await h.mirror(source, { sizing: { mode: "ratio", ratio: "0.001" } });
    const ethOnly = await h.mirror(source, { symbols: ["eth"], sizing: { mode: "ratio", ratio: "1" } });
    const paused = await h.mirror(source, { active: false, sizing: { mode: "ratio", ratio: "1" } });
    await h.engine.start();
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.settle();
    expect(await only(tiny.id)).toMatchObject({ outcome: "skipped", reason: "below_min_size", clientOrderId: null });
    expect(await only(ethOnly.id)).toMatchObject({ outcome: "skipped", reason: "symbol_not_allowed" });
    expect(await only(paused.id)).toMatchObject({ outcome: "skipped", reason: "mirror_paused" });
    // Nothing reached the venue for any of them.
    for (const f of [tiny, ethOnly, paused]) {
      expect(await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, f.followerModelId))).toHaveLength(0);
    }
    // Resumed, the paused mirror copies the next signal.
    await h.services.mirrors.patch(paused.id, { active: true });
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.settle();
    expect((await h.services.mirrors.executions(paused.id, { limit: 1 }))[0]).toMatchObject({ action: "scale", outcome: "filled" });
  });

  it("slippage_exceeded when the book moved past the bound; partial when only part is within it; FOK fills all or nothing", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source("100000");
    const ioc = await h.mirror(source, { maxSlippageBps: 10, sizing: { mode: "ratio", ratio: "1" } }, "100000");
    const fok = await h.mirror(source, { orderType: "FOK", maxSlippageBps: 10, sizing: { mode: "ratio", ratio: "1" } }, "100000");
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.1" });
    // Before the followers act the market runs away: 1% up, far past a 10 bps bound.
    h.deepBook("BTC", 50_500);
    await h.engine.start();
    await h.settle();
    expect(await only(ioc.id)).toMatchObject({ outcome: "skipped", reason: "slippage_exceeded", filledQuantity: "0" });
    expect(await only(fok.id)).toMatchObject({ outcome: "skipped", reason: "slippage_exceeded" });

    // Now only 0.03 BTC is offered within the bound (the rest far above it).
    h.deepBook("BTC", 50_000);
    await h.service.closePosition(source, "BTC");
    await h.settle();
    h.book(
      "BTC",
      [["49999.0", "10"]],
      [
        ["50001.0", "0.03"],
        ["50200.0", "10"],
      ],
    );
    await h.engine.stop();
    // A fresh engine (a restart) picks up where the old one stopped.
    h.engine = restartEngine(h);
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.03" });
    h.book(
      "BTC",
      [["49999.0", "10"]],
      [
        ["50001.0", "0.02"],
        ["50200.0", "10"],
      ],
    );
    await h.engine.start();
    await h.settle();
    const partial = (await h.services.mirrors.executions(ioc.id, { limit: 1 }))[0]!;
    expect(partial).toMatchObject({ action: "open", outcome: "partial", reason: "slippage_exceeded", intendedQuantity: "0.03", filledQuantity: "0.02" });
    expect(Number(partial.slippageBps)).toBeGreaterThanOrEqual(0);
    const allOrNothing = (await h.services.mirrors.executions(fok.id, { limit: 1 }))[0]!;
    expect(allOrNothing).toMatchObject({ action: "open", outcome: "skipped", reason: "slippage_exceeded", filledQuantity: "0" });
  });

  it("insufficient_capital and risk_rejected come from the follower's own checks", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source("100000");
    const poor = await h.mirror(source, { sizing: { mode: "fixedNotional", usd: "5000" } }, "100");
    const strict = await h.mirror(source, { sizing: { mode: "ratio", ratio: "0.1" } }, "10000", { maxLeverage: 2 });
    await h.engine.start();
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.1", leverage: "5" });
    await h.settle();
    expect(await only(poor.id)).toMatchObject({ outcome: "skipped", reason: "insufficient_capital", detail: "insufficient_margin" });
    expect(await only(strict.id)).toMatchObject({ outcome: "skipped", reason: "risk_rejected", detail: "risk_max_leverage" });
  });

  it("expired: a GTC order is reaped after its TTL and what filled is kept", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source();
    const gtc = await h.mirror(source, { orderType: "GTC", ttlMs: 1000, maxSlippageBps: 10, sizing: { mode: "ratio", ratio: "1" } });
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.05" });
    // Only 0.01 is offered within the bound: the rest rests on the book.
    h.book(
      "BTC",
      [["49999.0", "10"]],
      [
        ["50001.0", "0.01"],
        ["50200.0", "10"],
      ],
    );
    await h.engine.start();
    await h.settle();
    const working = await only(gtc.id);
    expect(working).toMatchObject({ state: "working", outcome: null, filledQuantity: "0.01" });
    await sleep(1100);
    await h.settle();
    const reaped = await only(gtc.id);
    expect(reaped).toMatchObject({ state: "done", outcome: "partial", reason: "expired", filledQuantity: "0.01" });
    const [order] = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.clientOrderId, reaped.clientOrderId!));
    expect(order!.status).toBe("CANCELED");
    expect(h.venue.book("BTC", 5)).toBeDefined();
  });

  it("venue_error when the venue fails outright; an answer lost after execution is reconciled, never sent twice", async () => {
    let faulty!: FaultyVenue;
    h = await createMirrorHarness(driver, {}, { venue: (sim) => (faulty = new FaultyVenue(sim)) });
    h.deepBook("BTC", 50_000);
    const source = await h.source();
    // The source trades first (its sends are not faulted), then the follower's sends are.
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.02" });
    const m = await h.mirror(source, { sizing: { mode: "ratio", ratio: "1" }, maxSignalAgeMs: 2000 });
    await h.engine.start();
    faulty.faults = ["lost_response"];
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.settle();
    const scale = await only(m.id);
    // The order executed but its answer was lost: looked up by its client id, recorded once.
    expect(scale).toMatchObject({ action: "scale", outcome: "filled", filledQuantity: "0.01" });
    const orders = await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, m.followerModelId));
    expect(orders).toHaveLength(1);
    expect(faulty.sends).toBe(3);

    // The venue goes down for the follower's close: the close stays claimed, unknown, never assumed.
    await h.engine.stop();
    await h.service.closePosition(source, "BTC");
    faulty.down = true;
    h.engine = restartEngine(h);
    await h.engine.start();
    await h.settle();
    let close = (await h.services.mirrors.executions(m.id, { limit: 1 }))[0]!;
    expect(close).toMatchObject({ action: "close", state: "claimed", outcome: null });
    // Its order, keyed by the execution, was written before it was sent and is UNKNOWN, not assumed filled.
    const unknown = (await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, m.followerModelId))).filter((o) => o.status === "UNKNOWN");
    expect(unknown.map((o) => o.clientOrderId)).toEqual([clientOrderIdFor(`${m.id}:${close.signalId}`)]);
    // Back up, the venue cannot find the order (it never arrived, but a remote venue cannot prove
    // that): once the signal is too old to act on, the execution fails as venue_error, never resent.
    faulty.down = false;
    await sleep(2200);
    await h.settle();
    close = (await h.services.mirrors.executions(m.id, { limit: 1 }))[0]!;
    expect(close).toMatchObject({ action: "close", state: "done", outcome: "failed", reason: "venue_error", detail: "outcome_unknown" });
    expect(await h.t.database.db.select().from(venueOrders).where(eq(venueOrders.modelId, m.followerModelId))).toHaveLength(2);
    // The next signal is not held back any more (the follower, still long, adds to its position).
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.01" });
    await h.settle();
    expect((await h.services.mirrors.executions(m.id, { limit: 1 }))[0]).toMatchObject({ action: "open", outcome: "filled" });
  });
});
