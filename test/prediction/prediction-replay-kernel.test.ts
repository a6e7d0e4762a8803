import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import type { ModelView, TradeView } from "../../src/app/services.js";
import { ManualClock } from "../../src/core/clock.js";
import { PM_REPLAY_BOOKS_FILE, PM_REPLAY_MARKETS_FILE, type RecordedEvent } from "../../src/feeds/prediction/polymarket-replay-data.js";
import { loadPolymarketRecording } from "../../src/feeds/prediction/replay-prediction-feed.js";
import type { PredictionMarketView } from "../../src/prediction/prediction-api.js";
import { createApp } from "../../src/server/app.js";
import { sendJson } from "../server/helpers.js";

const DATA = join(process.cwd(), "../shared/data/market");
const present = existsSync(join(DATA, PM_REPLAY_MARKETS_FILE)) && existsSync(join(DATA, PM_REPLAY_BOOKS_FILE));
if (!present) console.warn(`prediction-replay-kernel: ${DATA} has no recorded Polymarket samples; the end-to-end replay test is skipped`);

/** A price in 10^-4 dollars as the API writes it (0.4800 → "0.48"). */
const price = (ticks: number | undefined) => (ticks === undefined ? null : String(ticks / 10_000));

describe.skipIf(!present)("AUTONOME_PM_FEED=replay through the kernel", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("lists the recorded questions at the recorded prices, and a position redeems with the recorded winner at the recorded resolution", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-pm-replay-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const START = Date.parse("2030-01-01T00:00:00Z");
    const clock = new ManualClock(START);
    const env = { AUTONOME_DATA_DIR: dir, AUTONOME_PM_FEED: "replay", AUTONOME_PM_REPLAY_DIR: DATA, AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" };
    const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }), clock);
    await autonome.start();
    cleanups.push(() => autonome.stop());
    const app = createApp({ services: autonome.services });
    const get = async <T>(path: string) => (await app.request(path)).json() as Promise<T>;

    // What the files say, read on their own: the first recorded market and its first book.
    const recording = loadPolymarketRecording(DATA);
    const firstAt = recording.events[0]!.at;
    const first = recording.markets[0]!;
    const firstBook = recording.events.find((e): e is Extract<RecordedEvent, { kind: "book" }> => e.kind === "book" && e.market === 0)!;
    expect(firstBook.at).toBe(firstAt);

    // The feed started on the kernel's clock: the first recorded instant plays now.
    await vi.waitFor(async () => expect(await get<PredictionMarketView[]>("/api/prediction-markets")).toHaveLength(1), { timeout: 10_000 });
    const [listed] = await get<PredictionMarketView[]>("/api/prediction-markets");
    expect(listed).toMatchObject({
      conditionId: first.conditionId,
      question: first.question,
      status: "open",
      tickSize: "0.01",
      minOrderSize: "5",
      endDate: new Date(START + first.closeTime - firstAt).toISOString(),
    });
    const up = listed!.outcomes.find((o) => o.outcome === "Up")!;
    const down = listed!.outcomes.find((o) => o.outcome === "Down")!;
    expect([up.bid, up.ask]).toEqual([price(firstBook.primary.bids[0]?.[0]), price(firstBook.primary.asks[0]?.[0])]);
    expect([down.bid, down.ask]).toEqual([price(firstBook.complement.bids[0]?.[0]), price(firstBook.complement.asks[0]?.[0])]);
    // Down is the complement: its bid is 1 − Up's ask.
    expect(Number(down.bid) + Number(up.ask)).toBeCloseTo(1, 10);

    // A model bets 10 shares on the recorded winner.
    const [model] = await get<ModelView[]>("/api/models");
    const winner = listed!.outcomes.find((o) => o.outcome === first.winner)!;
    const loser = listed!.outcomes.find((o) => o.outcome !== first.winner)!;
    const bought = await sendJson(app, "POST", `/api/models/${model!.id}/positions`, { symbol: winner.symbol, side: "LONG", quantity: "10" });
    expect(bought.status).toBe(201);

    // The clock runs on, five seconds at a time, to a second before the recorded resolution: the other markets appear, this one closes.
    const resolvedIn = first.resolvedAt - firstAt;
    let played = 0;
    for (let t = 5_000; t < resolvedIn - 1_000; t += 5_000) {
      clock.set(START + t);
      played = t;
      await new Promise((r) => setImmediate(r));
    }
    await vi.waitFor(
      async () => {
        const markets = await get<PredictionMarketView[]>("/api/prediction-markets");
        expect(markets.find((m) => m.conditionId === first.conditionId)?.status).toBe("closed");
      },
      { timeout: 10_000 },
    );
    const questions = (await get<PredictionMarketView[]>("/api/prediction-markets")).map((m) => m.question);
    const reportedBy = recording.events.filter((e) => e.kind === "market" && e.at - firstAt <= played).map((e) => recording.markets[e.market]!.question);
    expect(questions.sort()).toEqual(reportedBy.sort());
    expect(questions.length).toBeGreaterThan(3);
    expect((await get<TradeView[]>(`/api/trades?modelId=${model!.id}`)).filter((t) => t.closeTrigger === "RESOLUTION")).toEqual([]);

    // At the recorded resolved_at the market resolves with the recorded winner and the position redeems at 1 dollar a share.
    clock.set(START + resolvedIn);
    await vi.waitFor(
      async () => {
        const trades = await get<TradeView[]>(`/api/trades?modelId=${model!.id}`);
        expect(trades.find((t) => t.closeTrigger === "RESOLUTION")).toMatchObject({ symbol: winner.symbol, exitPrice: "1", quantity: "10", instrument: { outcome: first.winner } });
      },
      { timeout: 10_000 },
    );
    const after = (await get<PredictionMarketView[]>("/api/prediction-markets")).find((m) => m.conditionId === first.conditionId)!;
    expect(after).toMatchObject({ status: "resolved", winner: first.winner });
    expect(after.outcomes.find((o) => o.tokenId === loser.tokenId)).toMatchObject({ bid: null, ask: null });
  });
});
