import { describe, expect, it } from "vitest";
import type { ModelView } from "../api/types.ts";
import { backtestBody, checkBacktestForm, emptyBacktestForm, localInput, placeBacktestErrors, type BacktestForm } from "./backtests.ts";
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
