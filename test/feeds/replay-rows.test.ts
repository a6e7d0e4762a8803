import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { l2Messages, type Message } from "../../src/feeds/replay/l2-rows.js";
import type { ReplayFileStats } from "../../src/feeds/replay/types.js";

/**
 * The L2 rows are read from the file's bytes when they are plain, through their text otherwise:
 * both must give the same messages, wherever the file's chunks happen to be cut.
 */
const dir = mkdtempSync(join(tmpdir(), "autonome-replay-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stats = (): ReplayFileStats => ({ path: "", symbol: "BTC", layout: "binance-spot-l2", rows: 0, messages: 0, updates: 0, dropped: 0, sequenceErrors: 0 });

async function read(path: string, chunkBytes?: number): Promise<{ messages: Message[]; rows: number }> {
  const s = stats();
  const messages: Message[] = [];
  for await (const m of l2Messages(path, "binance-spot-l2", s, chunkBytes)) messages.push(m);
  return { messages, rows: s.rows };
}

const SPOT = "exchange_ts_ms,update_id,is_snapshot,side,price,qty";

describe("L2 rows from bytes", () => {
  it("plain rows and rows only the text path reads give what the text gives, in chunks of any size", async () => {
    const path = join(dir, "mixed.csv");
    // CRLF ends, an empty line, an exponent, a leading-zero id (another message by its text), a
    // trailing point, a bare point, extra fields, a sell/Buy side, and a last line without an end.
    const lines = [
      SPOT,
      "1000,100,1,bid,100.5,1.5",
      "1000,100,1,ask,100.7,2",
      "",
      "1001,101,0,b,1e2,3",
      "1001,0101,0,Sell,100.80,0.00000001",
      "1002,102,0,Buy,.5,5.",
      "1003,103,0,ask,100.9,1,extra,fields",
      "1004,104,0,a,100.91,7",
    ];
    writeFileSync(path, lines.join("\r\n"));
    const whole = await read(path);
    expect(whole.rows).toBe(7);
    expect(whole.messages.map((m) => [m.idText, m.id, m.ts, m.snapshot, m.asks, m.prices, m.sizes])).toEqual([
      ["100", 100, 1000, true, [false, true], [10_050_000_000, 10_070_000_000], [150_000_000, 200_000_000]],
      ["101", 101, 1001, false, [false], [10_000_000_000], [300_000_000]],
      ["0101", 101, 1001, false, [true], [10_080_000_000], [1]],
      ["102", 102, 1002, false, [false], [50_000_000], [500_000_000]],
      ["103", 103, 1003, false, [true], [10_090_000_000], [100_000_000]],
      ["104", 104, 1004, false, [true], [10_091_000_000], [700_000_000]],
    ]);
    for (const chunk of [1, 2, 7, 16, 64]) expect(await read(path, chunk), `chunks of ${chunk} bytes`).toEqual(whole);
  });

  it("a bad row fails with its line number whichever way it is read", async () => {
    const path = join(dir, "bad.csv");
    writeFileSync(path, [SPOT, "1000,100,1,bid,100.5,1.5", "", "1001,101,0, ask,100.7,2", ""].join("\n"));
    for (const chunk of [3, 1 << 20]) await expect(read(path, chunk)).rejects.toThrow(`${path}:4: side must be bid/ask (or buy/sell), got " ask"`);
    const big = join(dir, "big.csv");
    writeFileSync(big, [SPOT, "1000,100,1,bid,99999999999.5,1"].join("\n"));
    await expect(read(big)).rejects.toThrow(`${big}:2: 99999999999.5 is too large to hold exactly`);
  });
});
