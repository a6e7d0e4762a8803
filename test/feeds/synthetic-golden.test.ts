import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { DEFAULT_MARKETS } from "../../src/core/market.js";
import { createSyntheticFeed } from "../../src/feeds/synthetic/index.js";

/**
 * Every book and trade print the synthetic feed delivers, as they were when these digests were
 * recorded: a change to how books are laid out (a faster builder, say) must not move a single
 * level, or every backtest on the synthetic feed would change its trades.
 */
const GOLDEN: Record<number, string> = {
  1: "213a23a2bb582cd01fec989ef640ab728b23db08e199f8e4fe6bd986d7b5d6fe",
  42: "0a84d17e17b5a3b506902b765356e9b73cb4af7d58150ab10dacb600735f20a5",
  7777: "5d80a7169f24fb2b952fa361239a2eb55e90dbc620291314cb0a14dcbc9bc58a",
};

describe("synthetic feed output", () => {
  it.each(Object.keys(GOLDEN).map(Number))("seed %i: 5,000 one-second steps of BTC, ETH and SOL are the recorded books, bit for bit", (seed) => {
    const start = Date.UTC(2026, 10, 1);
    const feed = createSyntheticFeed({ markets: DEFAULT_MARKETS, seed, clock: new ManualClock(start), intervalMs: 1000, timers: { setInterval: () => 0, clearInterval: () => undefined } });
    const hash = createHash("sha256");
    feed.start(
      (u) => hash.update(JSON.stringify(u)),
      (t) => hash.update(JSON.stringify(t)),
    );
    for (let i = 1; i <= 5000; i++) feed.advanceTo(start + i * 1000);
    expect(hash.digest("hex")).toBe(GOLDEN[seed]);
  });
});
