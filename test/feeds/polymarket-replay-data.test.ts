import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScaled } from "../../src/core/decimal.js";
import { OUTCOME_PAYOUT_TICKS, tickSizeTicks } from "../../src/core/instrument.js";
import {
  complementBook,
  parsePolymarketRecording,
  passConditionId,
  PM_REPLAY_BOOKS_FILE,
  PM_REPLAY_MARKETS_FILE,
  recordedMarketInput,
  recordedTokenId,
  RecordingError,
  spreadSide,
  splitCsvLine,
} from "../../src/feeds/prediction/polymarket-replay-data.js";
import { predictionMarketProblem } from "../../src/prediction/prediction-market.js";

const DATA = join(process.cwd(), "../shared/data/market");
const present = existsSync(join(DATA, PM_REPLAY_MARKETS_FILE)) && existsSync(join(DATA, PM_REPLAY_BOOKS_FILE));
if (!present) console.warn(`polymarket-replay-data: ${DATA} has no recorded Polymarket samples; the tests on the real files are skipped`);

const MARKETS_HEADER = "market_id,condition_id,series,event,subtype,question,outcomes,winning_outcome,open_time,close_time,resolved_at,volume_usd,data_start,data_end,file";
const BOOKS_HEADER = "market_id,time,t_ms,best_bid,best_ask,midpoint,spread,bid_depth,ask_depth,bid_levels,ask_levels";
const CID = `0x${"1a".repeat(32)}`;
const marketLine = (winner = "Up") =>
  `m1,${CID},btc-up-or-down-5m,"Bitcoin Up or Down - June 14, 8:00PM-8:05PM ET",up_or_down,"Bitcoin Up or Down - June 14, 8:00PM-8:05PM ET",Up|Down,${winner},2026-06-15T00:00:00Z,2026-06-15T00:05:00Z,2026-06-15T00:07:00Z,1.00,x,y,f.parquet`;
const T0 = Date.parse("2026-06-15T00:00:00Z");
const bookLine = (t: number, bid: string, ask: string, bidDepth: string, askDepth: string, bidLevels: number, askLevels: number) =>
  `m1,x,${t},${bid},${ask},,,${bidDepth},${askDepth},${bidLevels},${askLevels}`;

describe("recorded Polymarket samples: parsing", () => {
  it("splits quoted CSV fields (the questions hold commas)", () => {
    expect(splitCsvLine(`a,"b, c",d,"say ""hi"""`)).toEqual(["a", "b, c", "d", 'say "hi"']);
  });

  it("spreads a side's depth evenly in whole lots over levels one tick apart, the touch's levels taking the remainder", () => {
    // 10 lots over 3 levels: 4, 3, 3; bids go down from the touch, asks up.
    expect(spreadSide(4800, 10n, 3, 100, "bid")).toEqual([
      [4800, 4],
      [4700, 3],
      [4600, 3],
    ]);
    expect(spreadSide(4900, 10n, 3, 100, "ask")).toEqual([
      [4900, 4],
      [5000, 3],
      [5100, 3],
    ]);
    // Never past the edge (tick … 1 − tick): a bid at 0.02 has two levels left.
    expect(spreadSide(200, 1000n, 48, 100, "bid")).toEqual([
      [200, 500],
      [100, 500],
    ]);
    expect(spreadSide(9900, 7n, 5, 100, "ask")).toEqual([[9900, 7]]);
    // Fewer lots than levels: one lot a level, as many levels as lots.
    expect(spreadSide(5000, 2n, 10, 100, "bid")).toEqual([
      [5000, 1],
      [4900, 1],
    ]);
    // A finer tick spreads finer.
    expect(spreadSide(10, 300n, 3, 10, "ask")).toEqual([
      [10, 100],
      [20, 100],
      [30, 100],
    ]);
  });

  it("the complement's bids are 1 − the asks and its asks 1 − the bids, same sizes, best first", () => {
    const book = { bids: spreadSide(4800, 30n, 3, 100, "bid"), asks: spreadSide(4900, 20n, 2, 100, "ask") };
    expect(complementBook(book)).toEqual({
      bids: [
        [5100, 10],
        [5000, 10],
      ],
      asks: [
        [5200, 10],
        [5300, 10],
        [5400, 10],
      ],
    });
  });

  it("orders a market's life: reported at its first row, books, closed at close_time, a tick change off the 0.01 grid, resolved at resolved_at; rows after the resolution left out", () => {
    const books = [
      BOOKS_HEADER,
      bookLine(T0 - 1000, "0.4800", "0.4900", "10.00", "20.00", 2, 3),
      bookLine(T0 + 300_000, "", "0.0100", "0.00", "5.00", 0, 5),
      bookLine(T0 + 360_000, "", "0.0010", "0.00", "3.00", 0, 3),
      bookLine(T0 + 420_000, "", "", "0.00", "0.00", 0, 0),
    ].join("\n");
    const r = parsePolymarketRecording(`${MARKETS_HEADER}\n${marketLine()}\n`, books);
    expect(r.markets[0]).toMatchObject({ conditionId: CID, question: "Bitcoin Up or Down - June 14, 8:00PM-8:05PM ET", outcomes: ["Up", "Down"], winner: "Up" });
    expect(r.events.map((e) => [e.kind, e.at - T0])).toEqual([
      ["market", -1000],
      ["book", -1000],
      ["closed", 300_000],
      ["book", 300_000],
      ["tick", 360_000],
      ["book", 360_000],
      ["resolved", 420_000],
    ]);
    expect(r.rowsAfterResolution).toBe(1);
    const first = r.events[1]!;
    if (first.kind !== "book") throw new Error("expected a book");
    expect(first.primary.bids).toEqual([
      [4800, 500],
      [4700, 500],
    ]);
    expect(first.complement.asks).toEqual([
      [5200, 500],
      [5300, 500],
    ]);
    const tick = r.events[4]!;
    expect(tick.kind === "tick" && tick.tickSize).toBe("0.001");
    // An empty side stays empty, on both tokens.
    const last = r.events[5]!;
    if (last.kind !== "book") throw new Error("expected a book");
    expect(last.primary.bids).toEqual([]);
    expect(last.complement.asks).toEqual([]);
    expect(last.complement.bids.map(([p]) => p)).toEqual([9990, 9980, 9970]);
  });

  it("refuses bad files naming the file and line", () => {
    const good = `${MARKETS_HEADER}\n${marketLine()}\n`;
    const parse = (markets: string, books: string) => () => parsePolymarketRecording(markets, books);
    expect(parse("a,b\n", BOOKS_HEADER)).toThrow(/polymarket_btc_updown_markets_20260615\.csv: header/);
    expect(parse(`${MARKETS_HEADER}\n${marketLine("Sideways")}\n`, BOOKS_HEADER)).toThrow(RecordingError);
    expect(parse(good, `${BOOKS_HEADER}\n${bookLine(T0, "0.5000", "0.4900", "1.00", "1.00", 1, 1)}`)).toThrow(/book_snapshots_20260615\.csv:2: .*crossed/);
    expect(parse(good, `${BOOKS_HEADER}\n${bookLine(T0, "0.50001", "", "1.00", "0.00", 1, 0)}`)).toThrow(/:2: best_bid/);
    expect(parse(good, `${BOOKS_HEADER}\nother,x,${T0},,,,,0.00,0.00,0,0`)).toThrow(/:2: market_id "other"/);
  });

  it("derives stable decimal token ids from the condition id and outcome, and fresh condition ids for each loop", () => {
    expect(recordedTokenId(CID, "Up")).toMatch(/^[0-9]+$/);
    expect(recordedTokenId(CID, "Up")).toBe(recordedTokenId(CID.toUpperCase().replace("0X", "0x"), "Up"));
    expect(recordedTokenId(CID, "Up")).not.toBe(recordedTokenId(CID, "Down"));
    expect(passConditionId(CID, 0)).toBe(CID);
    const ids = new Set([0, 1, 2, 3].map((p) => passConditionId(CID, p)));
    expect(ids.size).toBe(4);
    const r = parsePolymarketRecording(`${MARKETS_HEADER}\n${marketLine()}\n`, BOOKS_HEADER);
    const input = recordedMarketInput(r.markets[0]!, 2, 123);
    expect(predictionMarketProblem(input)).toBeNull();
    expect(input).toMatchObject({
      conditionId: passConditionId(CID, 2),
      slug: "btc-up-or-down-5m-1781481600-loop2",
      endDate: 123,
      tickSize: "0.01",
      minOrderSize: "5",
      category: "crypto",
      source: "replay",
    });
  });
});

describe.skipIf(!present)("recorded Polymarket samples: the real files", () => {
  const marketsText = present ? readFileSync(join(DATA, PM_REPLAY_MARKETS_FILE), "utf8") : "";
  const booksText = present ? readFileSync(join(DATA, PM_REPLAY_BOOKS_FILE), "utf8") : "";

  it("holds the 17 markets of PROVENANCE.md, 9 won by Up and 8 by Down, each a valid market for the catalog", () => {
    const r = parsePolymarketRecording(marketsText, booksText);
    expect(r.markets).toHaveLength(17);
    expect(r.markets.filter((m) => m.winner === "Up")).toHaveLength(9);
    expect(r.markets.filter((m) => m.winner === "Down")).toHaveLength(8);
    for (const m of r.markets) expect(predictionMarketProblem(recordedMarketInput(m, 0, m.closeTime))).toBeNull();
    expect(new Set(r.markets.map((m) => recordedMarketInput(m, 0, 0).slug)).size).toBe(17);
  });

  it("every book is on the market's tick, inside (0, 1), uncrossed, sorted best first, its Down book the exact complement; each side holds the recorded depth", () => {
    const r = parsePolymarketRecording(marketsText, booksText);
    // The recorded rows of each market, in time order, to compare totals with.
    const rows = booksText
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    const tick = new Map<number, number>();
    const reported = new Set<number>();
    let books = 0;
    const problems: string[] = [];
    for (const e of r.events) {
      if (e.kind === "market") reported.add(e.market);
      else expect(reported.has(e.market)).toBe(true);
      if (e.kind === "tick") tick.set(e.market, tickSizeTicks(e.tickSize)!);
      if (e.kind !== "book") continue;
      books++;
      const t = tick.get(e.market) ?? 100;
      // Thousands of levels: collected, then asserted once (an expect per level takes seconds).
      for (const book of [e.primary, e.complement]) {
        for (const [p, s] of [...book.bids, ...book.asks]) {
          if (p % t !== 0 || p < t || p > OUTCOME_PAYOUT_TICKS - t) problems.push(`${e.at}: price ${p} off the tick ${t} or outside the range`);
          if (!(Number.isSafeInteger(s) && s > 0)) problems.push(`${e.at}: size ${s}`);
        }
        for (let i = 1; i < book.bids.length; i++) if (book.bids[i]![0] >= book.bids[i - 1]![0]) problems.push(`${e.at}: bids out of order`);
        for (let i = 1; i < book.asks.length; i++) if (book.asks[i]![0] <= book.asks[i - 1]![0]) problems.push(`${e.at}: asks out of order`);
        if (book.bids.length > 0 && book.asks.length > 0 && book.bids[0]![0] >= book.asks[0]![0]) problems.push(`${e.at}: crossed`);
      }
      expect(e.complement.bids).toEqual(e.primary.asks.map(([p, s]) => [OUTCOME_PAYOUT_TICKS - p, s]));
      expect(e.complement.asks).toEqual(e.primary.bids.map(([p, s]) => [OUTCOME_PAYOUT_TICKS - p, s]));
      const row = rows.find((c) => Number(c[2]) === e.at && c[0] === r.markets[e.market]!.marketId)!;
      const total = (levels: ReadonlyArray<readonly [number, number]>) => levels.reduce((a, [, s]) => a + BigInt(s), 0n);
      expect(total(e.primary.bids)).toBe(parseScaled(row[7]!, 2));
      expect(total(e.primary.asks)).toBe(parseScaled(row[8]!, 2));
      expect(e.primary.bids[0]?.[0]).toBe(row[3] === "" ? undefined : Number(parseScaled(row[3]!, 4)));
      expect(e.primary.asks[0]?.[0]).toBe(row[4] === "" ? undefined : Number(parseScaled(row[4]!, 4)));
    }
    expect(problems).toEqual([]);
    // Every row is a book, but for those at or after their market's resolution.
    expect(books + r.rowsAfterResolution).toBe(rows.length);
    expect(books).toBeGreaterThan(300);
  });

  it("closes each market at its close_time and resolves it at resolved_at, after its last book; the times only increase", () => {
    const r = parsePolymarketRecording(marketsText, booksText);
    for (let i = 1; i < r.events.length; i++) expect(r.events[i]!.at).toBeGreaterThanOrEqual(r.events[i - 1]!.at);
    r.markets.forEach((m, i) => {
      const own = r.events.filter((e) => e.market === i);
      expect(own[0]!.kind).toBe("market");
      expect(own.filter((e) => e.kind === "closed").map((e) => e.at)).toEqual([m.closeTime]);
      expect(own.at(-1)).toMatchObject({ kind: "resolved", at: m.resolvedAt });
    });
  });
});
