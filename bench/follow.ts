/**
 * Follow models (FT) over the fake Data API: a followed wallet's trade, from the moment the
 * poller sees it to the paper fill committed (decided and recorded), p50/p99; and the whole
 * round (the Data API read over HTTP, storing the signal with the cursor, deciding, the order).
 * PGlite in memory. `npm run bench -- --only follow`.
 */
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { createAutonome } from "../src/app/autonome.js";
import { loadConfig } from "../src/app/config.js";
import { createApp } from "../src/server/app.js";
import type { ModelView } from "../src/app/services.js";
import { startFakeDataApi } from "../test/fake-polymarket/data-api/index.js";
import { ms, percentile, type Figure } from "./report.js";

const WALLET = "0x2222222222222222222222222222222222222222";
const CONDITION = `0x${"be".repeat(32)}`;
const YES = "5555555555555555555555555555";
const NO = "6666666666666666666666666666";

export async function runFollowBench(options: { quick?: boolean } = {}): Promise<Figure[]> {
  const n = options.quick ? 40 : 300;
  const fake = await startFakeDataApi();
  const autonome = await createAutonome(
    loadConfig({ AUTONOME_DATA_DIR: "memory://", AUTONOME_PM_FEED: "off", POLYMARKET_DATA_API_URL: fake.url, AUTONOME_FOLLOW_POLL: "1h", AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h" }),
    pino({ level: "silent" }),
  );
  try {
    await autonome.start();
    await autonome.prediction.upsert({
      conditionId: CONDITION,
      question: "Bench?",
      slug: "bench",
      status: "open",
      endDate: Date.now() + 86_400_000,
      tickSize: "0.01",
      minOrderSize: "5",
      negRisk: false,
      outcomes: [
        { outcome: "Yes", tokenId: YES },
        { outcome: "No", tokenId: NO },
      ],
      source: "synthetic",
    });
    autonome.prediction.applyBook(YES, { ts: Date.now(), kind: "snapshot", bids: [[4000, 10_000_000]], asks: [[4200, 10_000_000]] });
    const app = createApp({ services: autonome.services });
    const created = await app.request("/api/models", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        kind: "follow",
        name: "bench follower",
        wallets: [WALLET],
        sizing: { mode: "fixed", usd: "5" },
        initialCapital: "1000000",
        risk: { maxRiskPerTradePct: 100, maxGrossExposure: 10 },
      }),
    });
    const model = (await created.json()) as ModelView;
    const follow = autonome.follow!;
    await follow.tick();
    const rounds: number[] = [];
    for (let i = 0; i < n; i++) {
      fake.addFill({
        wallet: WALLET,
        role: "taker",
        side: "BUY",
        conditionId: CONDITION,
        tokenId: YES,
        price: "0.42",
        size: String(10 + (i % 50)),
        timestamp: Math.floor(Date.now() / 1000),
        txHash: `0x${i.toString(16).padStart(64, "0")}`,
      });
      const t0 = performance.now();
      await follow.tick();
      rounds.push(performance.now() - t0);
    }
    const rows = await autonome.database.db.execute(sql`select extract(epoch from (decided_at - seen_at)) * 1000 as ms, decision from follow_signals where model_id = ${model.id}`);
    const list = (rows as unknown as { rows: Array<{ ms: string | number; decision: string }> }).rows;
    const copied = list.filter((r) => r.decision === "copied").length;
    const seenToFill = list.map((r) => Number(r.ms)).sort((a, b) => a - b);
    rounds.sort((a, b) => a - b);
    console.log(`follow: ${list.length} signals, ${copied} copied`);
    console.log(`follow: seen -> paper fill committed p50 ${ms(percentile(seenToFill, 0.5))} p99 ${ms(percentile(seenToFill, 0.99))} (PGlite)`);
    console.log(`follow: whole round (Data API read + store + decide + order) p50 ${ms(percentile(rounds, 0.5))} p99 ${ms(percentile(rounds, 0.99))} (PGlite)`);
    return [
      { benchmark: "follow", figure: "signals copied / seen", measured: `${copied} / ${list.length}`, goal: `${n} / ${n}`, met: copied === n && list.length === n },
      {
        benchmark: "follow",
        figure: "trade seen -> FT paper fill committed, p50 / p99 (PGlite)",
        measured: `${ms(percentile(seenToFill, 0.5))} / ${ms(percentile(seenToFill, 0.99))}`,
        goal: "none set",
        met: undefined,
      },
      {
        benchmark: "follow",
        figure: "poll round incl. the Data API read, p50 / p99 (PGlite)",
        measured: `${ms(percentile(rounds, 0.5))} / ${ms(percentile(rounds, 0.99))}`,
        goal: "none set",
        met: undefined,
      },
    ];
  } finally {
    await autonome.stop();
    await fake.close();
  }
}
