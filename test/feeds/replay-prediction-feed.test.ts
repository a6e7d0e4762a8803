import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { parsePolymarketRecording, passConditionId, PM_REPLAY_BOOKS_FILE, PM_REPLAY_MARKETS_FILE, recordedTokenId } from "../../src/feeds/prediction/polymarket-replay-data.js";
import type { PredictionSink } from "../../src/feeds/prediction/prediction-feed.js";
import { createReplayPredictionFeed, loadPolymarketRecording } from "../../src/feeds/prediction/replay-prediction-feed.js";
import type { PredictionMarket } from "../../src/prediction/prediction-market.js";

const DATA = join(process.cwd(), "../shared/data/market");
const present = existsSync(join(DATA, PM_REPLAY_MARKETS_FILE)) && existsSync(join(DATA, PM_REPLAY_BOOKS_FILE));
if (!present) console.warn(`replay-prediction-feed: ${DATA} has no recorded Polymarket samples; the tests on the real files are skipped`);

const MARKETS_HEADER = "market_id,condition_id,series,event,subtype,question,outcomes,winning_outcome,open_time,close_time,resolved_at,volume_usd,data_start,data_end,file";
const BOOKS_HEADER = "market_id,time,t_ms,best_bid,best_ask,midpoint,spread,bid_depth,ask_depth,bid_levels,ask_levels";
const T0 = Date.parse("2026-06-15T00:00:00Z");
const A = `0x${"aa".repeat(32)}`;
const B = `0x${"bb".repeat(32)}`;
/** Two markets: A (5 min, Up wins) and B (opens a minute later, Down wins). */
const RECORDING = parsePolymarketRecording(
  [
    MARKETS_HEADER,
    `a,${A},btc-up-or-down-5m,"A",up_or_down,"Market A?",Up|Down,Up,2026-06-15T00:00:00Z,2026-06-15T00:05:00Z,2026-06-15T00:06:00Z,1,x,y,f`,
    `b,${B},btc-up-or-down-5m,"B",up_or_down,"Market B?",Up|Down,Down,2026-06-15T00:01:00Z,2026-06-15T00:06:00Z,2026-06-15T00:07:00Z,1,x,y,f`,
  ].join("\n"),
  [
    BOOKS_HEADER,
    `a,x,${T0},0.4800,0.4900,,,10.00,10.00,1,1`,
    `a,x,${T0 + 120_000},0.6000,0.6200,,,10.00,10.00,2,2`,
    `b,x,${T0 + 60_000},0.3000,0.3100,,,10.00,10.00,1,1`,
    `b,x,${T0 + 330_000},0.0100,0.0200,,,10.00,10.00,1,1`,
  ].join("\n"),
);

type Call = { at: number; what: string; id: string; detail?: unknown };

/** A sink that writes down what it was told and when (on the clock). */
function recorder(clock: ManualClock): PredictionSink & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    market: (m) => calls.push({ at: clock.now(), what: "market", id: m.conditionId, detail: m }),
    book: (tokenId, u) => calls.push({ at: clock.now(), what: "book", id: tokenId, detail: u }),
    tickSize: (id, t) => calls.push({ at: clock.now(), what: "tick", id, detail: t }),
    closed: (id) => calls.push({ at: clock.now(), what: "closed", id }),
    resolved: (id, winner) => calls.push({ at: clock.now(), what: "resolved", id, detail: winner }),
  };
}

const START = 1_000_000_000_000;

describe("replay prediction feed", () => {
  it("plays the recording on the clock from now: markets before their books, Up and Down books, close and resolution at the recorded times", () => {
    const clock = new ManualClock(START);
    const sink = recorder(clock);
    const feed = createReplayPredictionFeed({ recording: RECORDING, clock, loop: false });
    feed.start(sink);
    // At start: the first recorded instant (A reported, its first book).
    expect(sink.calls.map((c) => c.what)).toEqual(["market", "book", "book"]);
    const a = sink.calls[0]!.detail as { conditionId: string; endDate: number; outcomes: Array<{ outcome: string; tokenId: string }>; question: string };
    expect(a).toMatchObject({ conditionId: A, question: "Market A?", endDate: START + 300_000, source: "replay", category: "crypto", tickSize: "0.01", minOrderSize: "5" });
    expect(a.outcomes).toEqual([
      { outcome: "Up", tokenId: recordedTokenId(A, "Up") },
      { outcome: "Down", tokenId: recordedTokenId(A, "Down") },
    ]);
    expect(sink.calls[1]).toMatchObject({ id: recordedTokenId(A, "Up"), detail: { ts: START, kind: "snapshot", bids: [[4800, 1000]], asks: [[4900, 1000]] } });
    expect(sink.calls[2]).toMatchObject({ id: recordedTokenId(A, "Down"), detail: { ts: START, bids: [[5100, 1000]], asks: [[5200, 1000]] } });

    // Just before A closes, not closed; at its close_time, closed; at resolved_at, resolved with the recorded winner.
    clock.set(START + 299_999);
    expect(sink.calls.some((c) => c.what === "closed")).toBe(false);
    clock.set(START + 300_000);
    expect(sink.calls.filter((c) => c.what === "closed")).toEqual([{ at: START + 300_000, what: "closed", id: A }]);
    // A second at a time: each event is delivered when the clock reaches it (the recorder notes the clock's time).
    for (let t = START + 301_000; t <= START + 420_000; t += 1_000) clock.set(t);
    const ends = sink.calls.filter((c) => c.what === "closed" || c.what === "resolved").map((c) => [c.what, c.id, c.at - START, c.detail]);
    expect(ends).toEqual([
      ["closed", A, 300_000, undefined],
      ["resolved", A, 360_000, "Up"],
      ["closed", B, 360_000, undefined],
      ["resolved", B, 420_000, "Down"],
    ]);
    // Each token's first book comes after its market; books are stamped with their recorded instant re-based.
    for (const [i, c] of sink.calls.entries()) {
      if (c.what !== "book") continue;
      const cid = [A, B].find((id) => recordedTokenId(id, "Up") === c.id || recordedTokenId(id, "Down") === c.id)!;
      expect(sink.calls.findIndex((x) => x.what === "market" && x.id === cid)).toBeLessThan(i);
    }
    expect(sink.calls.filter((c) => c.what === "book").map((c) => (c.detail as { ts: number }).ts - START)).toEqual([0, 0, 60_000, 60_000, 120_000, 120_000, 330_000, 330_000]);
    // One play, no loop: nothing more, ever.
    const n = sink.calls.length;
    clock.set(START + 10 * 3_600_000);
    expect(sink.calls.length).toBe(n);
    expect(feed.describe()).toMatchObject({ kind: "replay", state: "done", pass: 0 });
    feed.stop();
  });

  it("speed scales recorded time: at 60, a recorded minute is a second of the clock", () => {
    const clock = new ManualClock(START);
    const sink = recorder(clock);
    createReplayPredictionFeed({ recording: RECORDING, clock, speed: 60, loop: false }).start(sink);
    clock.set(START + 5_999);
    expect(sink.calls.some((c) => c.what === "resolved")).toBe(false);
    clock.set(START + 6_000);
    expect(sink.calls.filter((c) => c.what === "resolved").map((c) => c.id)).toEqual([A]);
    expect((sink.calls[0]!.detail as { endDate: number }).endDate).toBe(START + 5_000);
  });

  it("loops with fresh condition ids per play, so no resolved market is reported again", () => {
    const clock = new ManualClock(START);
    const sink = recorder(clock);
    const feed = createReplayPredictionFeed({ recording: RECORDING, clock });
    feed.start(sink);
    // A play spans 420 s recorded plus a 1 s gap: three plays begin by 842 s, a fourth at 1263 s.
    for (let t = START; t < START + 1_263_000; t += 1_000) clock.set(t);
    const markets = sink.calls.filter((c) => c.what === "market").map((c) => c.id);
    expect(markets).toEqual([A, B, passConditionId(A, 1), passConditionId(B, 1), passConditionId(A, 2), passConditionId(B, 2)]);
    expect(new Set(markets).size).toBe(6);
    const resolved = new Set<string>();
    for (const c of sink.calls) {
      if (c.what === "resolved") resolved.add(c.id);
      if (c.what === "market") expect(resolved.has(c.id)).toBe(false);
    }
    // The second play's slug names its loop, so its tokens get their own symbols.
    expect((sink.calls.find((c) => c.id === passConditionId(A, 1))!.detail as { slug: string }).slug).toBe("btc-up-or-down-5m-1781481600-loop1");
    expect(sink.calls.find((c) => c.what === "market" && c.id === passConditionId(A, 1))!.at).toBe(START + 421_000);
    // The third play (pass 2) has ended with B's resolution: the next is pass 3.
    expect(feed.describe()).toMatchObject({ pass: 3 });
  });

  it("after a restart, plays past the condition ids the catalog holds, and resolves the markets the last run left open with their recorded winner", () => {
    const clock = new ManualClock(START);
    const sink = recorder(clock);
    const stored = new Set([A, B, passConditionId(A, 1)]);
    const leftover = { conditionId: passConditionId(A, 1), status: "open", source: "replay" } as PredictionMarket;
    const feed = createReplayPredictionFeed({
      recording: RECORDING,
      clock,
      known: (id) => stored.has(id),
      leftovers: [leftover, { conditionId: B, status: "resolved", source: "replay" } as PredictionMarket],
    });
    feed.start(sink);
    expect(sink.calls.slice(0, 3).map((c) => [c.what, c.id, c.detail === undefined ? undefined : typeof c.detail === "string" ? c.detail : "market"])).toEqual([
      ["closed", passConditionId(A, 1), undefined],
      ["resolved", passConditionId(A, 1), "Up"],
      ["market", passConditionId(A, 2), "market"],
    ]);
  });

  it("is deterministic: the same recording from the same start gives the same sequence", () => {
    const run = () => {
      const clock = new ManualClock(START);
      const sink = recorder(clock);
      createReplayPredictionFeed({ recording: RECORDING, clock }).start(sink);
      for (let t = START; t <= START + 900_000; t += 13_000) clock.set(t);
      return JSON.stringify(sink.calls);
    };
    expect(run()).toBe(run());
  });

  it.skipIf(!present)("plays the real files: 17 markets, every one closed and resolved with its recorded winner, the same sequence twice", () => {
    const recording = loadPolymarketRecording(DATA);
    const run = () => {
      const clock = new ManualClock(START);
      const sink = recorder(clock);
      createReplayPredictionFeed({ recording, clock, loop: false }).start(sink);
      // Jumps of a minute: everything due in a jump is delivered, in order.
      for (let t = START; t <= START + 2 * 3_600_000; t += 60_000) clock.set(t);
      return sink.calls;
    };
    const calls = run();
    expect(calls.filter((c) => c.what === "market")).toHaveLength(17);
    const winners = calls.filter((c) => c.what === "resolved").map((c) => c.detail);
    expect(winners.filter((w) => w === "Up")).toHaveLength(9);
    expect(winners.filter((w) => w === "Down")).toHaveLength(8);
    for (const m of recording.markets) {
      const own = calls.filter((c) => c.id === m.conditionId && c.what !== "tick");
      expect(own.map((c) => c.what)).toEqual(["market", "closed", "resolved"]);
      expect(own[2]!.detail).toBe(m.winner);
    }
    expect(JSON.stringify(run())).toBe(JSON.stringify(calls));
  });
});
