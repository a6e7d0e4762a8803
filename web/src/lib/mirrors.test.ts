import { describe, expect, expectTypeOf, it } from "vitest";
import type { ExecutionView, MirrorDetail, Outcome, OutcomeCounts, Reason } from "../api/types.ts";
import {
  actionText,
  bps,
  countSummary,
  executionStatus,
  followerSources,
  isExecutionOf,
  latency,
  mirrorStatus,
  orderTypeText,
  OUTCOMES,
  outcomeTone,
  pp,
  REASON_TEXT,
  reasonBreakdown,
  reasonText,
  sizingText,
  slippageClass,
  upsertExecution,
} from "./mirrors.ts";

const exec = (over: Partial<ExecutionView> = {}): ExecutionView => ({
  id: "1",
  mirrorId: "m1",
  signalId: "10",
  sourceModelId: "src",
  followerModelId: "fol",
  action: "open",
  symbol: "BTC",
  side: "LONG",
  state: "done",
  outcome: "filled",
  reason: null,
  detail: null,
  message: null,
  source: { price: "100000", quantity: "0.01", at: "2025-01-02T03:04:05.000Z" },
  intendedQuantity: "0.005",
  filledQuantity: "0.005",
  avgPrice: "100010",
  slippageBps: "1",
  trader: null,
  traderSlippageBps: null,
  clientOrderId: "c1",
  attempts: 1,
  latencyMs: { sent: 3, filled: 5 },
  sentAt: null,
  filledAt: null,
  finishedAt: null,
  ...over,
});

const counts = (over: Partial<OutcomeCounts> = {}): OutcomeCounts => ({ signals: 0, filled: 0, partial: 0, skipped: 0, failed: 0, inFlight: 0, byReason: {}, ...over });

describe("the server's outcomes and reasons", () => {
  it("are every one named here, and nothing else (checked by the typecheck)", () => {
    expectTypeOf<(typeof OUTCOMES)[number]>().toEqualTypeOf<Outcome>();
    expectTypeOf<keyof typeof REASON_TEXT>().toEqualTypeOf<Reason>();
    expect(new Set(OUTCOMES).size).toBe(OUTCOMES.length);
  });
});

describe("mirror settings in words", () => {
  it("says deleted before paused or active", () => {
    expect(mirrorStatus({ active: true, deleted: false })).toBe("active");
    expect(mirrorStatus({ active: false, deleted: false })).toBe("paused");
    expect(mirrorStatus({ active: false, deleted: true })).toBe("deleted");
    expect(mirrorStatus({ active: true, deleted: true })).toBe("deleted");
  });

  it("describes each sizing mode with its cap", () => {
    expect(sizingText({ mode: "proportional" })).toBe("proportional");
    expect(sizingText({ mode: "ratio", ratio: "0.5" })).toBe("ratio 0.5×");
    expect(sizingText({ mode: "fixedNotional", usd: "100" })).toBe("fixed $100.00");
    expect(sizingText({ mode: "proportional", maxNotional: "2500" })).toBe("proportional, at most $2,500.00 an order");
  });

  it("gives the order type with its slippage bound, and the TTL only for resting orders", () => {
    expect(orderTypeText({ orderType: "IOC", maxSlippageBps: 50, ttlMs: null })).toBe("IOC ±50 bps");
    expect(orderTypeText({ orderType: "GTT", maxSlippageBps: 20, ttlMs: 60_000 })).toBe("GTT ±20 bps, 1.0 min TTL");
    expect(orderTypeText({ orderType: "FOK", maxSlippageBps: 0, ttlMs: 5000 })).toBe("FOK ±0 bps");
  });
});

describe("outcomes and reasons", () => {
  it("puts a reason in words with the check's or the venue's code", () => {
    expect(reasonText(null)).toBeNull();
    expect(reasonText("slippage_exceeded")).toBe("slippage exceeded");
    expect(reasonText("risk_rejected", "max_leverage")).toBe("risk rejected (max_leverage)");
    expect(reasonText("expired", "expired")).toBe("expired");
    expect(reasonText("some_new_reason")).toBe("some new reason");
  });

  it("shows an execution's outcome, or where it stands before it has one", () => {
    expect(executionStatus({ outcome: "skipped", state: "done" })).toBe("skipped");
    expect(executionStatus({ outcome: null, state: "working" })).toBe("resting");
    expect(executionStatus({ outcome: null, state: "claimed" })).toBe("sending");
    expect(executionStatus({ outcome: null, state: "pending" })).toBe("pending");
  });

  it("colours filled good, failed bad, skipped and partial as warnings, in flight neutral", () => {
    expect(outcomeTone("filled")).toBe("good");
    expect(outcomeTone("failed")).toBe("bad");
    expect(outcomeTone("skipped")).toBe("warn");
    expect(outcomeTone("partial")).toBe("warn");
    expect(outcomeTone(null)).toBe("neutral");
  });

  it("names the source's change", () => {
    expect(actionText({ action: "exit_plan", side: "SHORT" })).toBe("exit plan SHORT");
  });

  it("breaks the reasons down, most frequent first, as shares of the signals", () => {
    const rows = reasonBreakdown(counts({ signals: 10, byReason: { slippage_exceeded: 2, signal_too_old: 5, expired: 2, below_min_size: 0 } }));
    expect(rows.map((r) => [r.reason, r.count, r.share])).toEqual([
      ["signal_too_old", 5, 0.5],
      ["expired", 2, 0.2],
      ["slippage_exceeded", 2, 0.2],
    ]);
    expect(rows[0]!.label).toBe("signal too old");
    expect(rows[0]!.help).toMatch(/maxSignalAgeMs/);
    expect(reasonBreakdown(counts())).toEqual([]);
  });

  it("sums the counts up in one line, naming only the outcomes that occurred", () => {
    expect(countSummary(counts())).toBe("no signals");
    expect(countSummary(counts({ signals: 1, filled: 1 }))).toBe("1 signal: 1 filled");
    expect(countSummary(counts({ signals: 12, filled: 9, partial: 1, skipped: 1, inFlight: 1 }))).toBe("12 signals: 9 filled, 1 partial, 1 skipped, 1 in flight");
  });
});

describe("figures with their units", () => {
  it("formats latencies from fractions of a millisecond to hours", () => {
    expect(latency(null)).toBe("—");
    expect(latency(-1)).toBe("—");
    expect(latency(0.42)).toBe("0.4 ms");
    expect(latency(12.6)).toBe("13 ms");
    expect(latency(1500)).toBe("1.5 s");
    expect(latency(90_000)).toBe("1.5 min");
    expect(latency(7_200_000)).toBe("2.0 h");
  });

  it("formats basis points from numbers or decimal strings, signed when asked, never -0.0", () => {
    expect(bps(null)).toBe("—");
    expect(bps("abc")).toBe("—");
    expect(bps("12.345")).toBe("12.3 bps");
    expect(bps(4, { signed: true })).toBe("+4.0 bps");
    expect(bps(-2.5, { signed: true })).toBe("-2.5 bps");
    expect(bps(-0.01, { signed: true })).toBe("0.0 bps");
  });

  it("colours slippage: paying more than the source is red, less green, nothing shown as 0.0 neither", () => {
    expect(slippageClass("3")).toBe("loss");
    expect(slippageClass(-1)).toBe("gain");
    expect(slippageClass("0.04")).toBe("");
    expect(slippageClass(null)).toBe("");
  });

  it("formats percentage points", () => {
    expect(pp(0.1234)).toBe("+0.12 pp");
    expect(pp(-1.5)).toBe("-1.50 pp");
    expect(pp(-0.001)).toBe("0.00 pp");
    expect(pp(null)).toBe("—");
  });
});

describe("upsertExecution", () => {
  const list = [exec({ id: "3", signalId: "30" }), exec({ id: "1", signalId: "10" })];

  it("puts a new execution in order, newest first, and caps the list", () => {
    const out = upsertExecution(list, exec({ id: "2", signalId: "20" }), "", 10);
    expect(out.map((e) => e.id)).toEqual(["3", "2", "1"]);
    expect(upsertExecution(list, exec({ id: "4", signalId: "40" }), "", 2).map((e) => e.id)).toEqual(["4", "3"]);
  });

  it("orders by numeric ids, not as text", () => {
    const out = upsertExecution([exec({ id: "9", signalId: "9" })], exec({ id: "10", signalId: "10" }), "", 10);
    expect(out.map((e) => e.id)).toEqual(["10", "9"]);
  });

  it("replaces the earlier version of the same execution", () => {
    const pending = [exec({ id: "5", signalId: "50", state: "claimed", outcome: null }), ...list];
    const out = upsertExecution(pending, exec({ id: "5", signalId: "50", outcome: "skipped", reason: "slippage_exceeded" }), "", 10);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ id: "5", outcome: "skipped", reason: "slippage_exceeded" });
  });

  it("keeps to the outcome filter: drops an execution whose new version no longer matches, ignores one that never did", () => {
    const skippedOnly = [exec({ id: "5", signalId: "50", outcome: "skipped" })];
    expect(upsertExecution(skippedOnly, exec({ id: "5", signalId: "50", outcome: "filled" }), "skipped", 10)).toEqual([]);
    expect(upsertExecution(skippedOnly, exec({ id: "6", signalId: "60", outcome: "filled" }), "skipped", 10)).toBe(skippedOnly);
    expect(upsertExecution(skippedOnly, exec({ id: "6", signalId: "60", outcome: "skipped" }), "skipped", 10).map((e) => e.id)).toEqual(["6", "5"]);
  });

  it("recognises only executions of the given mirror", () => {
    expect(isExecutionOf(exec(), "m1")).toBe(true);
    expect(isExecutionOf(exec({ mirrorId: "m2" }), "m1")).toBe(false);
    expect(isExecutionOf({ mirrorId: "m1" }, "m1")).toBe(false);
    expect(isExecutionOf(null, "m1")).toBe(false);
  });
});

describe("followerSources", () => {
  const mirror = (over: Partial<MirrorDetail>) =>
    ({ id: "x", sourceModelId: "s", followerModelId: "f", sourceName: "Source", active: true, deleted: false, createdAt: "2025-01-01T00:00:00.000Z", ...over }) as MirrorDetail;

  it("maps each follower to its live mirror's source", () => {
    const m = followerSources([mirror({ id: "a", followerModelId: "f1", sourceName: "Alpha" }), mirror({ id: "b", followerModelId: "f2", sourceName: "Beta", active: false })]);
    expect(m.get("f1")).toEqual({ mirrorId: "a", sourceModelId: "s", sourceName: "Alpha", status: "active" });
    expect(m.get("f2")?.status).toBe("paused");
    expect(m.has("s")).toBe(false);
  });

  it("prefers the live mirror over deleted ones, and the newest deleted one when none is live", () => {
    const old = mirror({ id: "old", sourceName: "Old", deleted: true, createdAt: "2025-01-01T00:00:00.000Z" });
    const newer = mirror({ id: "newer", sourceName: "Newer", deleted: true, createdAt: "2025-02-01T00:00:00.000Z" });
    const live = mirror({ id: "live", sourceName: "Live", createdAt: "2024-12-01T00:00:00.000Z" });
    expect(followerSources([old, live, newer]).get("f")?.mirrorId).toBe("live");
    expect(followerSources([live, old]).get("f")?.mirrorId).toBe("live");
    expect(followerSources([old, newer]).get("f")).toMatchObject({ mirrorId: "newer", status: "deleted" });
  });
});
