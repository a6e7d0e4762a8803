/**
 * The Lighter adapter over the local fake Lighter (test/fake-lighter), the whole stack as the
 * tests build it (test/support/lighter-harness.ts): REST client, socket, order-book feed into a
 * market room, LighterVenue, real signatures that the fake verifies. Four parts:
 *
 * (a) place -> fill confirmed: market orders one after the other on one account, each timed from
 *     the placeOrder call to its FILLED report (placeOrder answers with the first decided report:
 *     the order and all of its trades seen on the account channels). Alternating BUY and SELL of
 *     200 lots on a book deep enough never to run out, so every order fills at the touch.
 *     Also split: the sendTx HTTP round trip (the fake verifies the signature and matches before
 *     it answers: executionDelayMs 0) and what comes after it (the account channels' frames).
 * (b) orders/s through the adapter, signing included: sequential on one account (sends are
 *     serialized per API key: the nonce manager), 4 accounts in parallel (each sequential), and
 *     one account with 4 orders in flight (they queue on the key).
 * (c) the signer alone: CreateOrder signs/s (Poseidon2 hash + Schnorr over ECgFp5) and verifyTx
 *     verifies/s (what the fake does per tx).
 * (d) the peer: SimVenue.placeOrder, the paper venue, on the same book and market spec with the
 *     same orders. The ratio says what live plumbing costs over paper: the fake adds an HTTP round
 *     trip, a WebSocket push, a signature and its verification per order, and the fake exchange
 *     runs in this same process, so its CPU is in the figure too.
 *
 * Nothing is asserted: figures are printed. `npm run bench -- --only lighter`, or directly
 * `npx tsx bench/lighter.ts [--quick]`.
 */
import { pathToFileURL } from "node:url";
import type { Level } from "../src/core/book.js";
import { ManualClock } from "../src/core/clock.js";
import type { MarketSpec } from "../src/core/market.js";
import { usd } from "../src/core/money.js";
import { createSigner, ORDER_TYPE, publicKeyOf, TIME_IN_FORCE, verifyTx, type SignedTx } from "../src/venues/lighter/signer/index.js";
import { SimVenue } from "../src/venues/sim/sim-venue.js";
import type { OrderReport, PlaceOrder, Venue } from "../src/venues/venue.js";
import { CHAIN_ID, lighterHarness, newApiKey, T0, type LighterHarness } from "../test/support/lighter-harness.js";
import { distribution, int, ms, type Distribution, type Figure } from "./report.js";

export interface LighterBenchOptions {
  quick?: boolean;
  /** Timed sequential market orders (part a); default 400, 100 quick. */
  orders?: number;
  /** Orders per worker in the parallel runs (part b); default 100, 30 quick. */
  perWorker?: number;
  /** Signs and verifies timed (part c); default 300, 60 quick. */
  signs?: number;
}

const SYMBOL = "BTC";
const LOTS = 200; // 0.002 BTC, about $120: above Lighter's $10 minimum
const WARMUP = 30;
const CAPITAL = "10000000";
/** Ten levels a side of 100 BTC each around 60 000: thousands of 200-lot orders never empty the touch. */
const BIDS: Level[] = Array.from({ length: 10 }, (_, i) => [599_900 - i * 100, 10_000_000] as Level);
const ASKS: Level[] = Array.from({ length: 10 }, (_, i) => [600_100 + i * 100, 10_000_000] as Level);

interface RunResult {
  orders: number;
  seconds: number;
  latency: Distribution;
  notFilled: number;
}

/** Replaces the fake's book and waits until the adapter's market room shows it (the harness's setBook needs vitest). */
async function setBook(h: LighterHarness, bids: Level[], asks: Level[]): Promise<void> {
  h.fake.setBook(h.market(SYMBOL).marketId, bids, asks);
  const want = JSON.stringify([bids, asks]);
  const deadline = performance.now() + 5_000;
  for (;;) {
    const b = h.room.snapshot(SYMBOL, 1_000);
    if (JSON.stringify([b?.bids, b?.asks]) === want) return;
    if (performance.now() > deadline) throw new Error("the adapter's book never showed the fake's");
    await new Promise((r) => setTimeout(r, 2));
  }
}

let seq = 0;
const order = (accountId: string, i: number): PlaceOrder => ({
  clientOrderId: `bench-${accountId}-${++seq}`,
  accountId,
  symbol: SYMBOL,
  side: i % 2 === 0 ? "BUY" : "SELL",
  type: "MARKET",
  timeInForce: "IOC",
  lots: LOTS,
  leverage: 1000, // 10x
});

/** One loop per entry of `accounts` (an account may appear more than once: orders in flight on its key), all at once, each placing `each` orders one after the other; every order timed from the call to its report. */
async function run(venue: Venue, accounts: readonly string[], each: number): Promise<RunResult> {
  const latencies: number[] = [];
  let notFilled = 0;
  const t0 = performance.now();
  await Promise.all(
    accounts.map(async (accountId) => {
      for (let i = 0; i < each; i++) {
        const start = performance.now();
        const r: OrderReport = await venue.placeOrder(order(accountId, i));
        latencies.push(performance.now() - start);
        if (r.status !== "FILLED") notFilled++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { orders: accounts.length * each, seconds, latency: distribution(latencies), notFilled };
}

/** Part c: the signer alone. */
function signerBench(n: number): { signsPerSecond: number; verifiesPerSecond: number; signMs: number; verifyMs: number } {
  const privateKey = newApiKey();
  const signer = createSigner({ privateKey, accountIndex: 1001, apiKeyIndex: 3, chainId: CHAIN_ID });
  const publicKey = publicKeyOf(privateKey);
  const sign = (i: number): SignedTx =>
    signer.createOrder({
      marketIndex: 1,
      clientOrderIndex: i + 1,
      baseAmount: LOTS,
      price: 606_101,
      isAsk: i % 2 === 1,
      type: ORDER_TYPE.market,
      timeInForce: TIME_IN_FORCE.immediateOrCancel,
      reduceOnly: false,
      triggerPrice: 0,
      orderExpiry: 0,
      nonce: i + 1,
      expiredAt: T0 + 600_000,
    });
  for (let i = 0; i < 20; i++) {
    // Warm-up (JIT).
    const s = sign(i);
    verifyTx(s.txType, s.txInfo, CHAIN_ID, publicKey);
  }
  const signed: SignedTx[] = [];
  let t = performance.now();
  for (let i = 0; i < n; i++) signed.push(sign(i));
  const signSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  let bad = 0;
  for (const s of signed) if (!verifyTx(s.txType, s.txInfo, CHAIN_ID, publicKey).ok) bad++;
  const verifySeconds = (performance.now() - t) / 1000;
  if (bad > 0) throw new Error(`${bad} of ${n} signatures did not verify`);
  return { signsPerSecond: n / signSeconds, verifiesPerSecond: n / verifySeconds, signMs: (signSeconds * 1000) / n, verifyMs: (verifySeconds * 1000) / n };
}

/** Part d: the simulator on the same market spec and book, fees 0 like a Lighter standard account. */
async function simBench(market: MarketSpec, n: number): Promise<RunResult> {
  const clock = new ManualClock(T0);
  const sim = new SimVenue({ clock, markets: [market], makerFeeBps: 0, takerFeeBps: 0, extraSlippageBps: 0, marketPriceBoundBps: 100, latency: { minMs: 0, maxMs: 0 } });
  sim.applyBookUpdate({ symbol: SYMBOL, ts: clock.now(), kind: "snapshot", bids: BIDS, asks: ASKS });
  sim.restoreAccount("paper", usd(CAPITAL));
  await run(sim, ["paper"], 2_000); // warm-up (JIT)
  // The same orders, many more of them: one takes microseconds, a few hundred would time the timer.
  return run(sim, ["paper"], Math.max(n, 20_000));
}

const rate = (r: RunResult) => r.orders / r.seconds;
const lat = (d: Distribution) => `${d.p50.toFixed(2)} / ${d.p99.toFixed(2)} / ${d.max.toFixed(2)}`;

export async function runLighterBench(options: LighterBenchOptions = {}): Promise<Figure[]> {
  const quick = options.quick ?? false;
  const n = options.orders ?? (quick ? 100 : 400);
  const perWorker = options.perWorker ?? (quick ? 30 : 100);
  const signs = options.signs ?? (quick ? 60 : 300);

  // The fake's signature check, as the harness sets it up, timed where it runs (inside sendTx).
  const verifyTimes: number[] = [];
  const h = await lighterHarness({
    fake: {
      verifySignature: (txType, txInfo, publicKey) => {
        const t = performance.now();
        const ok = verifyTx(txType, txInfo, CHAIN_ID, publicKey).ok;
        verifyTimes.push(performance.now() - t);
        return ok;
      },
    },
  });
  const market = h.market(SYMBOL); // the catalog's spec, the fake's: the simulator trades the same one
  // The sendTx round trips, timed inside the adapter's own REST client (the code is unchanged).
  const sendTimes: number[] = [];
  const sendTx = h.rest.sendTx.bind(h.rest);
  h.rest.sendTx = async (txType, txInfo) => {
    const t = performance.now();
    try {
      return await sendTx(txType, txInfo);
    } finally {
      sendTimes.push(performance.now() - t);
    }
  };
  let sequential: RunResult;
  let parallel: RunResult;
  let inFlight: RunResult;
  let sendRtt: Distribution;
  let inFakeVerify: Distribution;
  try {
    const accounts = ["acct-1", "acct-2", "acct-3", "acct-4"];
    for (const a of accounts) h.fund(a, CAPITAL);
    await setBook(h, BIDS, ASKS);
    // Warm-up, untimed: the first order of each account also sends its UpdateLeverage tx.
    for (const a of accounts) await run(h.venue, [a], a === "acct-1" ? WARMUP : 4);

    console.log(`(a) ${n} market orders of ${LOTS} lots, one after the other on one account (after ${WARMUP} untimed)`);
    sendTimes.length = 0;
    verifyTimes.length = 0;
    sequential = await run(h.venue, ["acct-1"], n);
    sendRtt = distribution(sendTimes);
    inFakeVerify = distribution(verifyTimes);
    console.log(`(b) 4 accounts in parallel, ${perWorker} orders each; then 1 account with 4 orders in flight, ${perWorker} each`);
    parallel = await run(h.venue, accounts, perWorker);
    inFlight = await run(h.venue, ["acct-2", "acct-2", "acct-2", "acct-2"], perWorker);
  } finally {
    await h.close().catch(() => undefined);
  }
  console.log(`(c) the signer alone: ${signs} CreateOrder signs, then their verification`);
  const signer = signerBench(signs);
  console.log("(d) the simulator (SimVenue.placeOrder) on the same book and market spec, fees 0");
  const sim = await simBench(market, n);

  const crypto = signer.signMs + signer.verifyMs;
  const table: Record<string, Record<string, string>> = {
    "(a) place -> FILLED, 1 account, sequential": {
      orders: int(sequential.orders),
      "p50 / p99 / max (ms)": lat(sequential.latency),
      "orders/s": int(rate(sequential)),
      "not FILLED": int(sequential.notFilled),
    },
    "    of which sendTx HTTP round trip (fake verifies + matches)": { orders: int(sendRtt.n), "p50 / p99 / max (ms)": lat(sendRtt), "orders/s": "-", "not FILLED": "-" },
    "      of which the fake's signature check": { orders: int(inFakeVerify.n), "p50 / p99 / max (ms)": lat(inFakeVerify), "orders/s": "-", "not FILLED": "-" },
    "(b) 4 accounts in parallel, each sequential": {
      orders: int(parallel.orders),
      "p50 / p99 / max (ms)": lat(parallel.latency),
      "orders/s": int(rate(parallel)),
      "not FILLED": int(parallel.notFilled),
    },
    "(b) 1 account, 4 orders in flight (queued on its key)": {
      orders: int(inFlight.orders),
      "p50 / p99 / max (ms)": lat(inFlight.latency),
      "orders/s": int(rate(inFlight)),
      "not FILLED": int(inFlight.notFilled),
    },
    "(c) signer: sign a CreateOrder": { orders: int(signs), "p50 / p99 / max (ms)": `${signer.signMs.toFixed(3)} mean`, "orders/s": `${int(signer.signsPerSecond)} signs/s`, "not FILLED": "-" },
    "(c) signer: verifyTx (the fake's check)": {
      orders: int(signs),
      "p50 / p99 / max (ms)": `${signer.verifyMs.toFixed(3)} mean`,
      "orders/s": `${int(signer.verifiesPerSecond)} verifies/s`,
      "not FILLED": "-",
    },
    "(d) simulator: SimVenue.placeOrder, sequential": {
      orders: int(sim.orders),
      "p50 / p99 / max (ms)": `${sim.latency.p50.toFixed(4)} / ${sim.latency.p99.toFixed(4)} / ${sim.latency.max.toFixed(2)}`,
      "orders/s": int(rate(sim)),
      "not FILLED": int(sim.notFilled),
    },
  };
  console.table(table);
  const slowerP50 = sequential.latency.p50 / sim.latency.p50;
  const slowerRate = rate(sim) / rate(sequential);
  console.log(
    `Lighter adapter over the fake vs simulator: ${int(slowerP50)}x slower per order at p50 (${ms(sequential.latency.p50)} vs ${ms(sim.latency.p50, 4)}), ` +
      `${int(slowerRate)}x fewer orders/s sequentially (${int(rate(sequential))} vs ${int(rate(sim))}).\n` +
      `  Why: the simulator fills inside the call, in memory. Each Lighter order is signed (${ms(signer.signMs, 3)}), sent as an HTTP POST that the fake ` +
      `answers after verifying the signature (p50 ${ms(inFakeVerify.p50, 3)} in place) and matching (sendTx round trip p50 ${ms(sendRtt.p50)}), and is reported FILLED only once ` +
      `the fake's account-channel frames (order, trades) come back over the WebSocket; the fake exchange runs in this same process, so its CPU is in the figure. ` +
      `Signing + verifying, measured alone in (c), is ${ms(crypto, 3)} of the ${ms(sequential.latency.p50)} p50 (${Math.round((crypto / sequential.latency.p50) * 100)}%). ` +
      `Adapter and fake share one Node thread, so orders/s hardly grows with parallelism: at ${ms(crypto, 1)} of crypto CPU per order the ceiling is about ${int(1000 / crypto)} orders/s. ` +
      `Live, Lighter's own taker latency (300 ms on a standard account, shared/venues/lighter.md §4) and the network dwarf all of this.`,
  );
  const figure = (name: string, measured: string): Figure => ({ benchmark: "lighter", figure: name, measured, goal: "-", met: undefined });
  return [
    figure(`(a) market order place -> FILLED over the fake, p50 (p99 ${ms(sequential.latency.p99)}, ${sequential.orders} orders, ${sequential.notFilled} not filled)`, ms(sequential.latency.p50)),
    figure(`(a) of which the sendTx HTTP round trip, p50 (the fake's signature check in it: p50 ${ms(inFakeVerify.p50)})`, ms(sendRtt.p50)),
    figure("(b) orders/s through the adapter, signing included, 1 account sequential", `${int(rate(sequential))} orders/s`),
    figure(`(b) orders/s, 4 accounts in parallel (p50 ${ms(parallel.latency.p50)}, p99 ${ms(parallel.latency.p99)})`, `${int(rate(parallel))} orders/s`),
    figure(`(b) orders/s, 1 account with 4 orders in flight (p50 ${ms(inFlight.latency.p50)})`, `${int(rate(inFlight))} orders/s`),
    figure("(c) signer: CreateOrder signs/s", `${int(signer.signsPerSecond)} signs/s`),
    figure("(c) signer: verifyTx verifies/s", `${int(signer.verifiesPerSecond)} verifies/s`),
    figure(`(d) simulator placeOrder on the same book (p50 ${ms(sim.latency.p50, 4)})`, `${int(rate(sim))} orders/s`),
    figure("(d) Lighter adapter over the fake vs simulator, p50 latency", `${int(slowerP50)}x slower`),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLighterBench({ quick: process.argv.includes("--quick") });
}
