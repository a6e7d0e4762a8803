import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DerivativesSnapshot } from "../../src/market/derivatives.js";
import { createReplayFeed, detectLayout, type ReplayFileConfig } from "../../src/feeds/replay/index.js";

const dir = mkdtempSync(join(tmpdir(), "autonome-replay-funding-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const KRAKEN = "open_time_ms,open_time_utc,open,high,low,close,vwap,volume_btc,trade_count";
const H8 = 8 * 3_600_000;
/** 2025-11-10T12:17:00Z, as in the recorded Kraken file. */
const T = 1_762_777_020_000;

async function derivativesOf(files: ReplayFileConfig[], loop = false): Promise<DerivativesSnapshot[]> {
  const feed = createReplayFeed({ files, speed: "max", loop });
  const out: DerivativesSnapshot[] = [];
  feed.start(
    () => {
      if (loop && out.length >= 4) feed.stop();
    },
    undefined,
    (d) => out.push(d),
  );
  await feed.whenDone();
  return out;
}

describe("replayed funding rate and open interest", () => {
  it("a candle file ending in funding_rate,open_interest reports them with each minute's first book; an empty cell reports nothing", async () => {
    const path = file("kraken-funding.csv", [
      `${KRAKEN},funding_rate,open_interest`,
      `${T},2025-11-10T12:17:00Z,106038.2,106040.0,106030.0,106035.0,0,0.5,3,0.0001,1234.56789`,
      `${T + 60_000},2025-11-10T12:18:00Z,106035.0,106036.0,106020.0,106021.0,0,0.2,2,,`,
      `${T + 120_000},2025-11-10T12:19:00Z,106021.0,106050.0,106021.0,106049.9,0,0.9,5,-0.00002500,`,
    ]);
    const out = await derivativesOf([{ path, symbol: "BTC" }]);
    expect(out).toEqual([
      // 1234.56789 BTC in 0.00001 lots, half-up.
      { symbol: "BTC", ts: T, fundingRate: "0.0001", fundingIntervalMs: H8, nextFundingAt: Date.parse("2025-11-10T16:00:00Z"), openInterestLots: 123_456_789 },
      { symbol: "BTC", ts: T + 120_000, fundingRate: "-0.00002500", fundingIntervalMs: H8, nextFundingAt: Date.parse("2025-11-10T16:00:00Z") },
    ]);
  });

  it("the funding interval is the file's setting, and a looping replay moves the times on", async () => {
    const path = file("kraken-rate-only.csv", [`${KRAKEN},funding_rate`, `${T},2025-11-10T12:17:00Z,106038.2,106040.0,106030.0,106035.0,0,0.5,3,0.0003`]);
    const [first] = await derivativesOf([{ path, symbol: "BTC", fundingIntervalMs: 3_600_000 }]);
    expect(first).toMatchObject({ fundingRate: "0.0003", fundingIntervalMs: 3_600_000, nextFundingAt: Date.parse("2025-11-10T13:00:00Z") });
    const looped = await derivativesOf([{ path, symbol: "BTC", fundingIntervalMs: 3_600_000 }], true);
    expect(looped.length).toBeGreaterThan(1);
    // One minute-candle pass lasts 45 s, then the 1 s gap: each pass is 46 s later than the one before.
    expect(looped[1]!.ts - looped[0]!.ts).toBe(46_000);
    expect(looped[1]!.nextFundingAt).toBe(Date.parse("2025-11-10T13:00:00Z"));
  });

  it("a bad rate is an error naming the line; other extra columns are no known layout", async () => {
    const bad = file("kraken-bad.csv", [`${KRAKEN},funding_rate`, `${T},2025-11-10T12:17:00Z,106038.2,106040.0,106030.0,106035.0,0,0.5,3,0.01%`]);
    await expect(derivativesOf([{ path: bad, symbol: "BTC" }])).rejects.toThrow(/kraken-bad\.csv:2: funding_rate: funding rate "0\.01%"/);
    expect(() => detectLayout(`${KRAKEN},open_interest`, "x.csv")).toThrow(/unrecognised CSV header/);
    expect(() => detectLayout("exchange_ts_ms,update_id,is_snapshot,side,price,qty,funding_rate", "x.csv")).toThrow(/unrecognised CSV header/);
  });

  it.skipIf(!existsSync("../shared/data/market/candles_1m_kraken_xbtusdt_20251110.csv"))("the recorded files carry no funding: nothing is reported", async () => {
    const out = await derivativesOf([{ path: "../shared/data/market/candles_1m_kraken_xbtusdt_20251110.csv", symbol: "BTC" }]);
    expect(out).toEqual([]);
  });
});
