/**
 * LT over the fakes: a followed wallet's trade, from the moment the poller sees it, to the follow
 * model's paper fill (FT) and on to the mirrored order sent to the fake Polymarket CLOB and its
 * fill recorded (LT), p50/p99. Live mode against the fake CLOB, Gamma, Data API and geoblock,
 * PGlite in memory. `npm run bench -- --only follow-lt`.
 */
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createAutonome } from "../src/app/autonome.js";
import { loadConfig } from "../src/app/config.js";
import type { ModelView } from "../src/app/services.js";
import { createApp } from "../src/server/app.js";
import { DEFAULT_MARKETS } from "../test/fake-polymarket/clob/markets.js";
import { startFakeClob } from "../test/fake-polymarket/clob/server.js";
import { startFakeDataApi, startFakeGamma, startFakeGeoblock } from "../test/fake-polymarket/data-api/index.js";
import { ms, percentile, type Figure } from "./report.js";

const WALLET = `0x${"3b".repeat(20)}`;
const MARKET = DEFAULT_MARKETS[0]!;
const YES = MARKET.tokens[0]!.tokenId;
const KEY_ENV = "AUTONOME_BENCH_PM_KEY";
const PERMISSIVE = { maxRiskPerTradePct: 100, maxGrossExposure: 10, requireStop: false };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`follow-lt bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function runFollowLtBench(options: { quick?: boolean } = {}): Promise<Figure[]> {
  const n = options.quick ? 20 : 100;
  const clob = await startFakeClob({ tickMs: 50 });
  const gamma = await startFakeGamma({
    markets: [
      {
        conditionId: MARKET.conditionId,
        question: MARKET.question,
        slug: "bench-lt",
        outcomes: MARKET.tokens.map((t) => t.outcome),
        clobTokenIds: MARKET.tokens.map((t) => t.tokenId),
        outcomePrices: ["0.5", "0.5"],
        endDate: "2030-12-31T00:00:00Z",
        negRisk: MARKET.negRisk,
        orderPriceMinTickSize: Number(MARKET.tickSize),
        orderMinSize: Number(MARKET.minOrderSize),
        volume24hr: 1,
      },
    ],
  });
  const dataApi = await startFakeDataApi();
  const geoblock = await startFakeGeoblock();
  clob.seedBook(YES, [["0.40", "1000000"]], [["0.50", "1000000"]]);
  const key = generatePrivateKey();
  process.env[KEY_ENV] = key;
  clob.fund(privateKeyToAccount(key).address, "1000000");
  const autonome = await createAutonome(
    loadConfig({
      AUTONOME_DATA_DIR: "memory://",
      TRADING_MODE: "live",
      AUTONOME_PM_FEED: "polymarket",
      POLYMARKET_CLOB_URL: clob.url,
      POLYMARKET_CLOB_WS_URL: clob.wsUrl,
      POLYMARKET_GAMMA_URL: gamma.url,
      POLYMARKET_DATA_API_URL: dataApi.url,
      POLYMARKET_GEOBLOCK_URL: geoblock.checkUrl,
      POLYMARKET_CHAIN_ID: String(clob.chainId),
      AUTONOME_FOLLOW_POLL: "1h",
      AUTONOME_TRADE_INTERVAL: "0",
      AUTONOME_FEED_INTERVAL: "1h",
    }),
    pino({ level: "silent" }),
  );
  try {
    await autonome.start();
    const app = createApp({ services: autonome.services });
    const post = async (path: string, body: unknown) => {
      const r = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (r.status !== 201) throw new Error(`follow-lt bench: POST ${path} answered ${r.status}: ${await r.text()}`);
      return r.json() as Promise<ModelView>;
    };
    await until(async () => autonome.prediction.symbolOf(YES) !== undefined, "the live feed's market");
    const ft = await post("/api/models", { kind: "follow", name: "bench FT", wallets: [WALLET], sizing: { mode: "fixed", usd: "5" }, initialCapital: "1000000", risk: PERMISSIVE });
    const lt = await post("/api/models", { kind: "mirror", name: "bench LT", venue: { kind: "polymarket", privateKeyEnv: KEY_ENV, signatureType: 0 }, risk: PERMISSIVE });
    await post("/api/mirrors", { sourceModelId: ft.id, followerModelId: lt.id, sizing: { mode: "ratio", ratio: "1" }, maxSlippageBps: 500, maxSignalAgeMs: 600_000 });
    const db = autonome.database.db;
    const count = async (q: ReturnType<typeof sql>) => Number(((await db.execute(q)) as unknown as { rows: Array<{ n: string | number }> }).rows[0]!.n);
    const t0 = Math.floor(Date.now() / 1000);
    for (let i = 0; i < n; i++) {
      dataApi.addFill({
        wallet: WALLET,
        role: "taker",
        side: "BUY",
        conditionId: MARKET.conditionId,
        tokenId: YES,
        price: "0.5",
        size: "20",
        timestamp: t0 + i,
        txHash: `0x${(i + 1).toString(16).padStart(64, "0")}`,
      });
      await autonome.follow!.tick();
      // One signal at a time: the next trade is seen once this one's LT order has its outcome.
      await until(async () => (await count(sql`select count(*) as n from mirror_executions where outcome is not null`)) >= i + 1, `execution ${i + 1}`);
    }
    const rows = (
      (await db.execute(sql`
        select extract(epoch from (s.decided_at - s.seen_at)) * 1000 as ft,
               extract(epoch from (e.sent_at - s.seen_at)) * 1000 as sent,
               extract(epoch from (e.filled_at - s.seen_at)) * 1000 as filled,
               e.outcome
        from (select *, row_number() over (order by id) as k from follow_signals where model_id = ${ft.id}) s
        join (select *, row_number() over (order by id) as k from mirror_executions) e on e.k = s.k`)) as unknown as {
        rows: Array<{ ft: string | number; sent: string | number | null; filled: string | number | null; outcome: string }>;
      }
    ).rows;
    const sorted = (xs: Array<string | number | null>) =>
      xs
        .filter((x): x is string | number => x !== null)
        .map(Number)
        .sort((a, b) => a - b);
    const ftMs = sorted(rows.map((r) => r.ft));
    const sentMs = sorted(rows.map((r) => r.sent));
    const filledMs = sorted(rows.map((r) => r.filled));
    const filled = rows.filter((r) => r.outcome === "filled").length;
    const posts = clob.requests.filter((r) => r.method === "POST" && r.path === "/order").length;
    const line = (xs: number[]) => `${ms(percentile(xs, 0.5))} / ${ms(percentile(xs, 0.99))}`;
    console.log(`follow-lt: ${rows.length} signals, ${filled} LT orders filled, ${posts} orders posted to the CLOB`);
    console.log(`follow-lt: seen -> FT paper fill committed p50/p99 ${line(ftMs)}; -> LT order sent ${line(sentMs)}; -> LT fill recorded ${line(filledMs)}`);
    return [
      {
        benchmark: "follow-lt",
        figure: "LT orders filled / posted / signals",
        measured: `${filled} / ${posts} / ${rows.length}`,
        goal: `${n} / ${n} / ${n}`,
        met: filled === n && posts === n && rows.length === n,
      },
      { benchmark: "follow-lt", figure: "trade seen -> FT paper fill, p50 / p99 (PGlite)", measured: line(ftMs), goal: "none set", met: undefined },
      { benchmark: "follow-lt", figure: "trade seen -> LT order sent to the CLOB, p50 / p99", measured: line(sentMs), goal: "none set", met: undefined },
      { benchmark: "follow-lt", figure: "trade seen -> LT fill recorded, p50 / p99", measured: line(filledMs), goal: "none set", met: undefined },
    ];
  } finally {
    await autonome.stop();
    delete process.env[KEY_ENV];
    await Promise.all([clob.close(), gamma.close(), dataApi.close(), geoblock.close()]);
  }
}
