import { afterEach, describe, expect, it } from "vitest";
import { DRIVERS } from "../support/databases.js";
import { createMirrorHarness, type MirrorHarness } from "../support/mirror-harness.js";

/** The whole path on both drivers: a source's fills become the follower's sized orders, and every signal an outcome. */
describe.each(DRIVERS)("copy trading on %s", { timeout: 90_000 }, (driver) => {
  let h: MirrorHarness;
  afterEach(async () => h?.dispose());

  it("opens, scales, reduces by the same fraction, mirrors the exit plan and closes", async () => {
    h = await createMirrorHarness(driver);
    h.deepBook("BTC", 50_000);
    const source = await h.source("20000");
    const m = await h.mirror(source, { sizing: { mode: "proportional" } }, "10000");
    await h.engine.start();

    // The source has twice the follower's equity: the follower trades half the quantity.
    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.2", exitPlan: { stop: "45000" } });
    await h.settle();
    const follower = m.followerModelId;
    let pos = h.service.account(follower).positions.get("BTC");
    expect(pos?.state.side).toBe("LONG");
    expect(pos?.state.lots).toBe(10_000n); // 0.1 BTC at 5 size decimals
    expect(pos?.plan.stop).toBe(450_000); // the source's stop, in ticks

    await h.service.openPosition(source, { symbol: "BTC", side: "LONG", quantity: "0.1" });
    await h.settle();
    pos = h.service.account(follower).positions.get("BTC");
    // The scale-in is sized on equities at the time (the follower's equity moved with its position).
    expect(pos!.state.lots).toBeGreaterThan(10_000n);
    const beforeReduce = pos!.state.lots;

    // The source takes off a third of its 0.3: the follower a third of its own.
    await h.service.reducePosition(source, "BTC", 10_000, "MANUAL");
    await h.settle();
    pos = h.service.account(follower).positions.get("BTC");
    expect(pos!.state.lots).toBe(beforeReduce - beforeReduce / 3n);

    await h.service.updateExitPlan(source, "BTC", { stop: "47000", target: "60000" });
    await h.settle();
    pos = h.service.account(follower).positions.get("BTC");
    expect(pos!.plan.stop).toBe(470_000);
    expect(pos!.plan.target).toBe(600_000);

    await h.service.closePosition(source, "BTC");
    await h.settle();
    expect(h.service.account(follower).positions.has("BTC")).toBe(false);

    const execs = await h.services.mirrors.executions(m.id, { limit: 100 });
    expect(execs.map((e) => e.action).reverse()).toEqual(["open", "scale", "reduce", "exit_plan", "close"]);
    expect(execs.every((e) => e.outcome === "filled" && e.state === "done")).toBe(true);
    // Every execution's order carried its derived client id, and the database holds one per execution.
    const ids = execs.filter((e) => e.action !== "exit_plan").map((e) => e.clientOrderId);
    expect(new Set(ids).size).toBe(4);
    for (const e of execs.filter((x) => x.action !== "exit_plan")) {
      expect(e.latencyMs.sent).not.toBeNull();
      expect(e.slippageBps).not.toBeNull();
    }
    // The follower's trade is closed by the mirror.
    const trades = await h.services.trades(follower, 10);
    expect(trades.some((t) => t.closeTrigger === "MIRROR")).toBe(true);
  });
});
