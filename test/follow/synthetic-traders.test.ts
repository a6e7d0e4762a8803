import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { ManualClock } from "../../src/core/clock.js";
import { createAutonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { ModelView, SignalView } from "../../src/app/services.js";
import { createSyntheticPredictionFeed } from "../../src/feeds/prediction/synthetic-prediction-feed.js";
import { SYNTHETIC_TRADERS } from "../../src/feeds/prediction/synthetic-traders.js";
import type { PredictionSink } from "../../src/feeds/prediction/prediction-feed.js";
import { syntheticWalletSource } from "../../src/follow/synthetic-wallet-source.js";
import type { WalletSource } from "../../src/follow/wallet-source.js";
import { sendJson } from "../server/helpers.js";

const T0 = Date.parse("2026-06-15T00:00:00Z");
const NOOP: PredictionSink = { market: () => {}, book: () => {}, tickSize: () => {}, closed: () => {}, resolved: () => {} };
const UNUSED: WalletSource = { poll: () => Promise.reject(new Error("not this one")), traderRecord: () => Promise.reject(new Error("not this one")) };

function feedAt(seed: number) {
  const clock = new ManualClock(T0);
  const feed = createSyntheticPredictionFeed({ seed, clock, intervalMs: 1000, openMarkets: 4, resolveDelayMs: 30_000 });
  feed.start(NOOP);
  return { clock, feed };
}

describe("the synthetic prediction feed's traders", () => {
  it("trade the open markets at the touch, sell only what they hold, the same way for the same seed", () => {
    const run = () => {
      const { feed } = feedAt(5);
      for (let s = 1; s <= 3_600; s++) feed.advanceTo(T0 + s * 1000);
      return SYNTHETIC_TRADERS.map((t) => feed.walletFills(t.wallet, 0));
    };
    const a = run();
    expect(a).toEqual(run());
    for (const fills of a) {
      expect(fills.length).toBeGreaterThan(5);
      const held = new Map<string, bigint>();
      for (const f of fills) {
        const lots = BigInt(f.size.replace(".", "").padEnd(f.size.includes(".") ? 0 : f.size.length + 2, "0"));
        const now = (held.get(f.tokenId) ?? 0n) + (f.side === "BUY" ? lots : -lots);
        expect(now >= 0n).toBe(true);
        held.set(f.tokenId, now);
      }
    }
  });

  it("as wallets to follow: the first read delivers the fills since following began, later reads each fill once, another run starts over", async () => {
    const { clock, feed } = feedAt(9);
    const source = syntheticWalletSource(feed, clock, UNUSED);
    const wallet = SYNTHETIC_TRADERS[0]!.wallet;
    for (let s = 1; s <= 3_000; s++) feed.advanceTo(T0 + s * 1000);
    // Following began at 600 s: the first read (at 3,000 s) delivers the fills from then on, none before.
    const since = T0 + 600_000;
    const all = feed.walletFills(wallet, 0);
    expect(all.some((f) => f.tradedAt < since)).toBe(true);
    const expected = all.filter((f) => f.tradedAt >= since).map((f) => f.txHash);
    expect(expected.length).toBeGreaterThan(0);
    const first = await source.poll(wallet, null, since);
    expect(first.trades.map((t) => t.txHash)).toEqual(expected);
    for (let s = 3_001; s <= 6_000; s++) feed.advanceTo(T0 + s * 1000);
    const second = await source.poll(wallet, first.cursor, since);
    const third = await source.poll(wallet, second.cursor, since);
    expect(second.trades.length).toBeGreaterThan(0);
    expect(third.trades).toEqual([]);
    expect(new Set([...first.trades, ...second.trades].map((t) => t.key)).size).toBe(first.trades.length + second.trades.length);
    expect(second.trades.every((t) => t.wallet === wallet && t.tradedAt > T0 + 3_000_000)).toBe(true);
    // Following that began after the wallet's last fill: nothing now, and the cursor it leaves never reaches back either.
    const quiet = await source.poll(wallet, null, T0 + 7_000_000);
    expect(quiet.trades).toEqual([]);
    expect((await source.poll(wallet, quiet.cursor, T0 + 7_000_000)).trades).toEqual([]);
    // Another wallet goes to the other source.
    await expect(source.poll("0x9999999999999999999999999999999999999999", null, since)).rejects.toThrow("not this one");
    // A cursor of another run of the feed (before a restart) starts following anew.
    const { clock: c2, feed: f2 } = feedAt(9);
    for (let s = 1; s <= 6_000; s++) f2.advanceTo(T0 + s * 1000);
    expect((await syntheticWalletSource(f2, c2, UNUSED).poll(wallet, second.cursor, since)).trades).toEqual([]);
  });
});

describe("a follow model copying a synthetic trader, offline", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("copies or skips every one of the trader's fills, each once", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "autonome-ft-synth-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new ManualClock(T0);
    const env = { AUTONOME_DATA_DIR: dir, AUTONOME_PM_FEED: "synthetic", AUTONOME_FOLLOW_POLL: "5s", AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" };
    const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }), clock);
    await autonome.start();
    cleanups.push(() => autonome.stop());
    const app = createApp({ services: autonome.services });
    const wallet = SYNTHETIC_TRADERS[0]!.wallet;
    const created = await sendJson(app, "POST", "/api/models", { kind: "follow", name: "Momentum copier", wallets: [wallet], sizing: { mode: "fixed", usd: "10" }, initialCapital: "1000" });
    expect(created.status).toBe(201);
    const model = (await created.json()) as ModelView;
    for (let s = 1; s <= 1_800; s++) {
      clock.set(T0 + s * 1000);
      if (s % 5 === 0) await autonome.follow!.tick();
    }
    await autonome.follow!.tick();
    const signals = (await (await app.request(`/api/models/${model.id}/signals?limit=1000`)).json()) as SignalView[];
    const feedFills = (autonome.predictionFeed as ReturnType<typeof createSyntheticPredictionFeed>).walletFills(wallet, 0);
    // Following began at the first read (5 s in): every later fill of the trader is a signal, once.
    const expected = feedFills.filter((f) => f.tradedAt > T0 + 5_000);
    expect(signals.length).toBe(expected.length);
    expect(signals.length).toBeGreaterThan(0);
    const tally = signals.reduce<Record<string, number>>((a, s) => ({ ...a, [s.reason ?? s.decision]: (a[s.reason ?? s.decision] ?? 0) + 1 }), {});
    expect(signals.every((s) => s.decision === "copied" || (s.decision === "skipped" && typeof s.reason === "string"))).toBe(true);
    expect(
      signals.some((s) => s.decision === "copied"),
      JSON.stringify(tally),
    ).toBe(true);
  });
});
