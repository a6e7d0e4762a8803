import { describe, expect, it } from "vitest";
import { executionText } from "./backtests.ts";
import { parseFieldErrors } from "./form-errors.ts";
import { checkWhatIfForm, placeWhatIfErrors, whatIfBody, whatIfForm } from "./what-if-form.ts";

const execution = { makerFeeBps: -0.5, takerFeeBps: 6, extraSlippageBps: 1.5, latency: { minMs: 20, maxMs: 80 } };
const run = {
  seed: 7,
  execution,
  models: [
    { name: "Trend Follower", risk: { maxLeverage: 5, requireStop: false } },
    { name: "Breakout Hunter", risk: undefined },
  ],
};

describe("what-if form", () => {
  it("starts from the run's own execution, seed, entries and limits and sends the execution whole", () => {
    const f = whatIfForm(run);
    expect(f).toMatchObject({ seed: "7", makerFeeBps: "-0.5", takerFeeBps: "6", slippageBps: "1.5", latencyMinMs: "20", latencyMaxMs: "80", entryType: "market" });
    expect(f.risk.map((m) => m.name)).toEqual(["Trend Follower", "Breakout Hunter"]);
    expect(f.risk[0]!.limits).toMatchObject({ maxLeverage: "5", requireStop: "no", maxOpenPositions: "" });
    expect(Object.values(f.risk[1]!.limits).every((v) => v === "")).toBe(true);
    expect(checkWhatIfForm(f)).toEqual({});
    // Only the taker fee changed, yet every execution field goes (the server takes it in place of the run's); no model's limits changed, so none is named.
    expect(whatIfBody({ ...f, takerFeeBps: "30" }, run)).toEqual({ execution: { ...execution, takerFeeBps: 30, entries: { type: "market" } }, seed: 7 });
  });

  it("prefills a run's limit entries in seconds and sends them in milliseconds", () => {
    const f = whatIfForm({ ...run, execution: { ...execution, entries: { type: "limit", offsetBps: 2.5, expireAfterMs: 120_000 } } });
    expect(f).toMatchObject({ entryType: "limit", entryOffsetBps: "2.5", entryExpireS: "120" });
    expect(whatIfBody({ ...f, entryExpireS: "30" }).execution.entries).toEqual({ type: "limit", offsetBps: 2.5, expireAfterMs: 30_000 });
    expect(whatIfBody({ ...f, entryType: "market" }).execution.entries).toEqual({ type: "market" });
  });

  it("names only the models whose limits changed, each with every limit it sets (they replace the run's)", () => {
    const f = whatIfForm(run);
    const tighter = f.risk.map((m, i) => (i === 1 ? { ...m, limits: { ...m.limits, maxOpenPositions: "1", requireStop: "yes" } } : m));
    expect(whatIfBody({ ...f, risk: tighter }, run).risk).toEqual({ "Breakout Hunter": { maxOpenPositions: 1, requireStop: true } });
    // Clearing the run's own limit sends the model without it (back to the default).
    const cleared = f.risk.map((m, i) => (i === 0 ? { ...m, limits: { ...m.limits, maxLeverage: "" } } : m));
    expect(whatIfBody({ ...f, risk: cleared }, run).risk).toEqual({ "Trend Follower": { requireStop: false } });
  });

  it("finds unreadable inputs before sending and leaves signs and ranges to the server", () => {
    const f = whatIfForm(run);
    expect(Object.keys(checkWhatIfForm({ ...f, seed: "x", takerFeeBps: "", latencyMinMs: "90" })).sort()).toEqual(["latency", "seed", "takerFeeBps"]);
    expect(checkWhatIfForm({ ...f, takerFeeBps: "-1" })).toEqual({});
    // Limit entries' inputs count only when limits are chosen.
    expect(checkWhatIfForm({ ...f, entryOffsetBps: "x", entryExpireS: "soon" })).toEqual({});
    expect(Object.keys(checkWhatIfForm({ ...f, entryType: "limit", entryOffsetBps: "x", entryExpireS: "1.5" })).sort()).toEqual(["entryExpireS", "entryOffsetBps"]);
    expect(checkWhatIfForm({ ...f, entryType: "limit", entryOffsetBps: "600" })).toEqual({});
    const bad = f.risk.map((m, i) => (i === 1 ? { ...m, limits: { ...m.limits, maxLeverage: "lots", maxOpenPositions: "1.5", maxDailyLossPct: "500" } } : m));
    expect(Object.keys(checkWhatIfForm({ ...f, risk: bad })).sort()).toEqual(["risk.1.maxLeverage", "risk.1.maxOpenPositions"]);
  });

  it("puts the server's errors under their inputs: fees, entries, each model's limits; the rest above the form", () => {
    const message =
      'execution.takerFeeBps: Too small: expected number to be >=0; execution.entries.offsetBps: Too big: expected number to be <=500; models[1].risk.maxLeverage: must be a leverage from 1 to 100, with at most 2 decimals; models[0].risk: must be an object of limits; risk: backtest b has no model "X"';
    expect(placeWhatIfErrors(parseFieldErrors(message))).toEqual({
      byField: {
        takerFeeBps: "Too small: expected number to be >=0",
        entryOffsetBps: "Too big: expected number to be <=500",
        "risk.1.maxLeverage": "must be a leverage from 1 to 100, with at most 2 decimals",
      },
      other: ["models[0].risk: must be an object of limits", 'risk: backtest b has no model "X"'],
    });
  });

  it("says a run's limit entries in its execution", () => {
    expect(executionText(execution)).not.toContain("entries");
    expect(executionText({ ...execution, entries: { type: "limit", offsetBps: 2, expireAfterMs: 60_000 } })).toContain("limit entries 2 bps behind the touch (1m 00s to fill)");
  });
});
