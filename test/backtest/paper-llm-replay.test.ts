import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { LlmCallRequest, RecordedLlmCall } from "../../src/agents/llm/recording.js";
import { requestKey } from "../../src/agents/llm/recording-key.js";
import { loadPaperDay } from "../../src/backtest/paper-day.js";
import { parseBacktestRequest } from "../../src/backtest/request.js";
import { runBacktest } from "../../src/backtest/run-backtest.js";
import type { BacktestResult } from "../../src/backtest/types.js";
import { backtestCommand } from "../../src/cli/backtest.js";
import { ManualClock } from "../../src/core/clock.js";
import { openDatabase } from "../../src/db/client.js";
import { invocations, llmCalls, toolCalls } from "../../src/db/schema.js";
import type { SyntheticFeed } from "../../src/feeds/synthetic/index.js";
import { DRIVERS } from "../support/databases.js";
import { startFakeOpenAi, type FakeReply } from "../support/fake-openai.js";
import { kernelEnvironment } from "../support/kernel-env.js";

/**
 * Paper trading records every LLM call (llm_calls), and a what-if of the day answers the LLM
 * from those rows: the model's day reruns without its endpoint, making the decisions it made.
 */

const FROM = Date.parse("2026-11-01T00:00:00Z");
const HOUR = 3_600_000;
const KEY_VAR = "AUTONOME_TEST_PAPER_LLM_KEY";
const KEY = "sk-paper-llm-0123456789abcdef";

const OPEN = { decisions: [{ symbol: "BTC", side: "LONG", quantity: "0.01", leverage: 2, stopLoss: "90000", confidence: 60 }] };
const hold = (reason: string): FakeReply => ({ kind: "tool-calls", calls: [{ name: "holding", arguments: { reason } }] });
/** Twelve cycles: open BTC at the first (two calls), echo the key at the second, close at the third (two calls), then hold. */
const SCRIPT: FakeReply[] = [
  { kind: "tool-calls", text: "BTC trends up: long.", calls: [{ name: "createPosition", arguments: OPEN }] },
  hold("opened"),
  { kind: "tool-calls", text: `my key is ${KEY}`, calls: [{ name: "holding", arguments: { reason: "waiting" } }] },
  { kind: "tool-calls", text: "Taking it off.", calls: [{ name: "closePosition", arguments: { symbols: ["BTC"] } }] },
  hold("closed"),
  // More than the day needs: every call is answered whatever the number of cycles.
  ...Array.from({ length: 12 }, () => hold("flat")),
];

function quiet<T>(work: () => Promise<T>): Promise<T> {
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return work().finally(() => {
    out.mockRestore();
    err.mockRestore();
  });
}

describe.each(DRIVERS)("an LLM model's paper day, recorded and replayed without its LLM, on %s", { timeout: 300_000 }, (driver) => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("records every call; a replay of the day with the endpoint gone makes the same decisions; other settings are a miss naming the step", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-paper-llm-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    process.env[KEY_VAR] = KEY;
    cleanups.push(() => delete process.env[KEY_VAR]);
    const fake = await startFakeOpenAi();
    cleanups.push(() => fake.close());
    fake.reply(...SCRIPT);

    // Paper trading for an hour: the built-in rule models and one LLM model on the fake endpoint.
    const env = await kernelEnvironment(driver, cleanups, { AUTONOME_SEED: "11", PORT: "1", LOG_LEVEL: "silent", AUTONOME_MIRRORS: "off" });
    const config = loadConfig(env);
    const clock = new ManualClock(FROM);
    const paper = await createAutonome(config, pino({ level: "silent" }), clock);
    cleanups.push(() => paper.stop().catch(() => undefined));
    const oracle = await paper.services.createModel({
      name: "Oracle",
      kind: "llm",
      strategy: "capital-preservation",
      initialCapital: "10000",
      llm: { baseUrl: fake.baseUrl, model: "fake-model", apiKeyEnv: KEY_VAR, maxSteps: 3 },
    });
    await paper.start();
    const feed = paper.feed as SyntheticFeed;
    for (let t = FROM + 1000; t <= FROM + HOUR; t += 1000) {
      clock.set(t);
      await paper.settle();
      feed.advanceTo(t);
      await paper.settle();
    }
    const db = paper.database.db;
    const rows = await db
      .select({ call: llmCalls, at: invocations.createdAt, status: invocations.status })
      .from(llmCalls)
      .innerJoin(invocations, eq(invocations.id, llmCalls.invocationId))
      .orderBy(asc(invocations.createdAt), asc(llmCalls.seq));
    const paperCalls = await db
      .select({ type: toolCalls.type, metadata: toolCalls.metadata, at: invocations.createdAt })
      .from(toolCalls)
      .innerJoin(invocations, eq(invocations.id, toolCalls.invocationId))
      .where(eq(toolCalls.modelId, oracle.id))
      .orderBy(asc(invocations.createdAt), asc(toolCalls.createdAt));
    const ids = (await paper.services.listModels()).filter((m) => m.name === "Oracle" || m.name === "Trend Follower").map((m) => m.id);
    await paper.stop();

    // The recording holds every call the endpoint answered, in order, keyed by the hash of its request.
    const served = fake.requests.length;
    expect(served).toBeGreaterThanOrEqual(14); // 12 cycles, two of them with a second step
    expect(rows).toHaveLength(served);
    expect(rows.every((r) => r.status === "ok" && r.call.modelId === oracle.id)).toBe(true);
    const answered = rows.map((r) => (r.call.response as RecordedLlmCall["response"]).content.filter((c) => c.type === "tool-call").map((c) => (c as { toolName: string }).toolName));
    expect(answered.slice(0, 5)).toEqual([["createPosition"], ["holding"], ["holding"], ["closePosition"], ["holding"]]);
    for (const r of rows) {
      const request = r.call.request as LlmCallRequest;
      expect(r.call.key).toBe(requestKey(request));
      expect(request.modelId).toBe("fake-model");
      expect((r.call.usage as RecordedLlmCall["usage"]).inputTokens.total).toBe(120);
    }
    // Its first request is the one the endpoint received: the same system prompt and user prompt.
    const sent = fake.requests[0]!.body.messages as Array<{ role: string; content: string }>;
    const first = (rows[0]!.call.request as LlmCallRequest).call.prompt as Array<{ role: string; content: unknown }>;
    expect(first[0]).toEqual({ role: "system", content: sent[0]!.content });
    expect(JSON.stringify(first[1]!.content)).toContain(JSON.stringify(sent[1]!.content).slice(1, -1));
    // Never the key: not in any row, and redacted where the model wrote it.
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(KEY);
    expect(JSON.stringify(rows[2]!.call.response)).toContain("my key is [redacted]");
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);

    // The what-if of the day with the endpoint shut down: the LLM is answered from the recording.
    await fake.close();
    const out = join(dir, "what-if");
    const span = { from: new Date(FROM).toISOString(), to: new Date(FROM + HOUR).toISOString() };
    await quiet(() =>
      backtestCommand(config, { whatIf: "paper", ...span, models: ids.join(","), llm: "replay", fees: "2,25", out, json: true, feed: "synthetic", seed: "42", bookInterval: "1s", interval: "5m" }),
    );
    expect(fake.requests.length).toBe(served); // nothing reached an endpoint
    const baseline = JSON.parse(readFileSync(join(out, "baseline", "result.json"), "utf8")) as BacktestResult;
    const whatIf = JSON.parse(readFileSync(join(out, "result.json"), "utf8")) as BacktestResult;
    expect(baseline.llm).toBe("replay");
    const oracleResult = baseline.models.find((m) => m.name === "Oracle")!;
    expect(oracleResult.runs.failed).toBe(0);
    // The same decisions as in paper: the same tools at the same runs, with the arguments the model gave.
    const replayed = baseline.decisions!.filter((d) => d.model === "Oracle");
    const inPaper = paperCalls.filter((c) => c.type !== "HOLDING");
    expect(replayed.flatMap((d) => d.calls.map((c) => c.tool))).toEqual(inPaper.map((c) => (c.type === "CREATE_POSITION" ? "createPosition" : "closePosition")));
    // Each at the replay's run of the paper run (the candles' books step within the minute).
    replayed.forEach((d, i) => {
      const late = d.at - inPaper[i]!.at.getTime();
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(60_000);
    });
    expect(replayed[0]!.calls[0]!.args).toMatchObject(OPEN);
    expect(replayed[1]!.calls[0]!.args).toMatchObject({ symbols: ["BTC"] });
    expect(oracleResult.trades.map((t) => [t.symbol, t.side, t.openedAt])).toEqual([["BTC", "LONG", replayed[0]!.at]]);
    // The rule model's tool calls are held as before; the what-if holds the baseline's decisions.
    expect(whatIf.decisions).toEqual(baseline.decisions);

    // Directly: the replayed runs are LLM runs (steps, tokens and text from the recording), and other settings miss.
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    const day = await loadPaperDay(database.db, { from: FROM, to: FROM + HOUR, models: [oracle.id], intervalMs: config.tradeIntervalMs, dir: join(dir, "day"), llm: "replay" }).finally(() =>
      database.close(),
    );
    expect(day.decisions).toEqual([]); // nothing of the Oracle held as tool calls
    expect(day.llmRuns.map((r) => r.calls.length).reduce((a, b) => a + b, 0)).toBe(served);
    const request = parseBacktestRequest(day.request, { decisionsHeld: true });
    let texts: string[] = [];
    await runBacktest(request, {
      llmRuns: day.llmRuns,
      inspect: async (bt) => {
        const runs = await bt.select({ response: invocations.response, inputTokens: invocations.inputTokens }).from(invocations).orderBy(asc(invocations.createdAt));
        texts = runs.map((r) => r.response ?? "");
        expect(runs.every((r) => r.inputTokens !== null && r.inputTokens % 120 === 0 && r.inputTokens > 0)).toBe(true);
      },
    });
    expect(texts[0]).toContain("BTC trends up: long.");
    expect(texts[2]).toContain("Taking it off.");

    const warmer = { ...request, models: request.models.map((m) => ({ ...m, llm: { ...m.llm!, temperature: 0.9 } })) };
    const firstRun = new Date(day.llmRuns[0]!.at).toISOString();
    await expect(runBacktest(warmer, { llmRuns: day.llmRuns })).rejects.toThrow(
      new RegExp(`LLM replay miss at model "Oracle" in its paper run of ${firstRun.replace(/\./g, "\\.")}, step 1: the recorded call was asked with other settings: temperature differ`),
    );
    const otherVariant = { ...request, models: request.models.map((m) => ({ ...m, strategy: "trend-only" })) };
    await expect(runBacktest(otherVariant, { llmRuns: day.llmRuns })).rejects.toThrow(/step 1: the recorded call was asked with other settings: the system prompt differ/);
  });
});
