import { describe, expect, it } from "vitest";
import type { BacktestMetrics, BacktestResult, ModelView } from "../api/types.ts";
import { backtestBody, checkBacktestForm, compareWhatIf, emptyBacktestForm, localInput, placeBacktestErrors, type BacktestForm } from "./backtests.ts";
import { parseFieldErrors } from "./form-errors.ts";

const model = (id: string, kind: ModelView["kind"]) => ({ id, kind, name: id, strategy: "s" }) as ModelView;
const MODELS = [model("rule-1", "rule"), model("llm-1", "llm")];
const form = (patch: Partial<BacktestForm> = {}): BacktestForm => ({ ...emptyBacktestForm(new Date(2026, 10, 2, 13, 25)), modelIds: ["rule-1"], ...patch });

describe("backtest form", () => {
  it("starts with the last full day before the hour, in the browser's time zone", () => {
    const f = emptyBacktestForm(new Date(2026, 10, 2, 13, 25));
    expect([f.from, f.to]).toEqual(["2026-11-01T13:00", "2026-11-02T13:00"]);
    expect(localInput(new Date(2026, 0, 5, 7, 3))).toBe("2026-01-05T07:03");
  });

  it("sends models by id, times in UTC, one seed for the feed and the simulator, and no llm section without an LLM model", () => {
    const f = form({ from: localInput(new Date(Date.UTC(2026, 10, 1))), to: localInput(new Date(Date.UTC(2026, 10, 1, 2))), seed: "7", interval: "15m", latencyMinMs: "20", latencyMaxMs: "80" });
    expect(backtestBody(f, MODELS)).toEqual({
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-01T02:00:00.000Z",
      feed: { kind: "synthetic", seed: 7, intervalMs: 1000 },
      models: ["rule-1"],
      intervalMs: 900_000,
      execution: { makerFeeBps: 2, takerFeeBps: 6, extraSlippageBps: 0, latency: { minMs: 20, maxMs: 80 } },
      seed: 7,
    });
    const replay = backtestBody(
      form({
        feed: "replay",
        files: [
          { symbol: "btc ", path: " /d/btc.csv " },
          { symbol: "", path: "" },
        ],
        modelIds: ["llm-1"],
        llmMode: "replay",
        llmFile: "/d/rec.jsonl",
      }),
      MODELS,
    );
    expect(replay).toMatchObject({ feed: { kind: "replay", files: [{ symbol: "BTC", path: "/d/btc.csv" }] }, llm: { mode: "replay", file: "/d/rec.jsonl" } });
    expect(backtestBody(form({ modelIds: ["llm-1"] }), MODELS).llm).toEqual({ mode: "record" });
  });

  it("finds what the server would refuse before sending", () => {
    expect(checkBacktestForm(form(), MODELS)).toEqual({});
    const bad = checkBacktestForm(form({ to: form().from, modelIds: [], seed: "-1", makerFeeBps: "x", latencyMinMs: "50", latencyMaxMs: "10" }), MODELS);
    expect(Object.keys(bad).sort()).toEqual(["latency", "makerFeeBps", "models", "seed", "to"]);
    expect(checkBacktestForm(form({ feed: "replay", files: [{ symbol: "BTC", path: "" }] }), MODELS).files).toMatch(/at least one/);
    expect(checkBacktestForm(form({ modelIds: ["llm-1"], llmMode: "replay" }), MODELS).llm).toMatch(/recording/);
  });

  it("puts the server's field errors under their inputs, keeping the place in a list", () => {
    const errors = parseFieldErrors(
      'to: must be after from; models[1]: "Copycat" is a follower; feed.files[0].path: no such file: /x; execution.latency: minMs must not exceed maxMs; body: Unrecognized key: "x"',
    );
    expect(placeBacktestErrors(errors)).toEqual({
      byField: { to: "must be after from", models: 'models[1]: "Copycat" is a follower', files: "feed.files[0].path: no such file: /x", latency: "minMs must not exceed maxMs" },
      other: ['Unrecognized key: "x"'],
    });
  });
});

describe("what-if comparison", () => {
  const metrics = (returnPct: number | null, fees: string, trades: number, maxDrawdown: number | null) => ({ returnPct, fees, trades, maxDrawdown }) as BacktestMetrics;
  const run = (models: Array<[string, BacktestMetrics]>) => models.map(([name, m]) => ({ name, metrics: m })) as BacktestResult["models"];

  it("puts each model's figures beside the baseline's, with what-if minus baseline", () => {
    const baseline = {
      models: run([
        ["A", metrics(0.02, "1.200000", 4, 0.01)],
        ["Gone", metrics(0, "0", 0, null)],
      ]),
    } as BacktestResult;
    const result = {
      models: run([
        ["A", metrics(0.015, "3.000001", 4, 0.0125)],
        ["New", metrics(null, "0.5", 1, 0)],
      ]),
      baseline: { label: "b", result: baseline },
    };
    const rows = compareWhatIf(result)!;
    expect(rows.map((r) => r.name)).toEqual(["A", "New", "Gone"]);
    const [a, added, gone] = rows;
    expect(a!.feesDiff).toBe("1.800001");
    expect(a!.tradesDiff).toBe(0);
    // 1.5% - 2% = -0.5 points; 1.25% - 1% = +0.25 points (floats: ratios, not money).
    expect(a!.returnDiff).toBeCloseTo(-0.5, 12);
    expect(a!.maxDrawdownDiff).toBeCloseTo(0.25, 12);
    expect(added).toMatchObject({ baseline: null, feesDiff: null, tradesDiff: null, returnDiff: null, maxDrawdownDiff: null });
    expect(gone).toMatchObject({ whatIf: null, baseline: { fees: "0" }, feesDiff: null });
  });

  it("is nothing for a run that is no what-if", () => {
    expect(compareWhatIf({ models: run([["A", metrics(0, "0", 0, 0)]]) })).toBeNull();
  });
});
