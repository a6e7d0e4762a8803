/**
 * `npm run bench`: every benchmark in sequence, a section each, then a summary with the goal next
 * to every figure and whether it was met. Figures are printed, never asserted.
 *
 *   npm run bench                                   all of them, full sizes (a few minutes)
 *   npm run bench -- --quick                        smaller sizes: a smoke run
 *   npm run bench -- --only matching,stop-latency   a subset, in the usual order
 *   npm run bench -- --only scheduler-llm           one cycle of 100 mock LLM models
 *   npm run bench -- --only model-listing           GET /api/models with 100 models
 *   npm run bench -- --only dashboard               the arena with 100 models x 30 days, API and chromium
 *   npm run bench -- --only mirrors                 10,000 source fills copied onto followers, PGlite and PostgreSQL
 *   npm run bench -- --only follow                  follow models (FT): a followed wallet's trade -> paper fill, over the fake Data API
 *   npm run bench -- --only follow-lt               LT: a followed wallet's trade -> FT paper fill -> LT order on the fake Polymarket CLOB
 *   npm run bench -- --only lighter                 the Lighter adapter over the fake Lighter: latency, orders/s, signer, vs the simulator
 *   npm run bench -- --only backtest                10 rule models over synthetic 1-second books (7 days; the 30-day time extrapolated)
 *
 * Each benchmark runs in its own child process (same Node flags, plus --expose-gc): one
 * benchmark's heap and JIT state must not slow the next one down (the matching bench's streams
 * made the book-update figures up to 2x worse when they shared a process).
 *
 * PostgreSQL for stop-latency (and the other benchmarks that compare the drivers): AUTONOME_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * a fresh database is created for the run and dropped after. Unreachable: that column is skipped.
 */
import { fork } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { BACKTEST_GOAL_DAYS, runBacktestBench } from "./backtest.js";
import { BOOK_UPDATES_GOAL, runBookUpdatesBench } from "./book-updates.js";
import { DASHBOARD_API_GOAL_MS, DASHBOARD_JS_GOAL_KB, DASHBOARD_RENDER_GOAL_MS, runDashboardBench } from "./dashboard.js";
import { runLighterBench } from "./lighter.js";
import { runFollowBench } from "./follow.js";
import { runFollowLtBench } from "./follow-lt.js";
import { runMatchingBench } from "./matching.js";
import { MIRRORS_SENT_P99_GOAL_MS, runMirrorsBench } from "./mirrors.js";
import { MODEL_LISTING_GOAL_MS, runModelListingBench } from "./model-listing.js";
import { int, verdict, type Figure } from "./report.js";
import { REPLAY_GOAL, runReplayBench } from "./replay.js";
import { runSchedulerLlmBench, SCHEDULER_LLM_GOAL_PCT } from "./scheduler-llm.js";
import { runStopLatencyBench, STOP_RATIO_GOAL } from "./stop-latency.js";

interface Bench {
  name: string;
  title: string;
  goals: string[];
  run(quick: boolean): Promise<Figure[]>;
}

const MATCHING_GOAL = 1_000_000;
/** A benchmark process still running after this long is killed and reported as failed. */
const BENCH_TIMEOUT_MS = 10 * 60_000;

const BENCHES: Bench[] = [
  {
    name: "matching",
    title: "Matching engine vs nodejs-order-book (same generated streams)",
    goals: [`>= ${int(MATCHING_GOAL)} orders/s on the cancel-heavy stream`, "ahead of the peer on every stream"],
    async run(quick) {
      const results = await runMatchingBench(quick ? { orders: 50_000, repeats: 1 } : {});
      const figures: Figure[] = [];
      for (const r of results) {
        const cancelHeavy = r.stream.includes("cancel-heavy");
        if (cancelHeavy) {
          figures.push({
            benchmark: "matching",
            figure: `${r.stream}: ours`,
            measured: `${int(r.oursPerSecond)} orders/s`,
            goal: `>= ${int(MATCHING_GOAL)} orders/s`,
            met: r.oursPerSecond >= MATCHING_GOAL,
          });
        }
        figures.push({
          benchmark: "matching",
          figure: `${r.stream}: ours / peer (${int(r.oursPerSecond)} vs ${int(r.peerPerSecond)} orders/s)`,
          measured: `${(r.oursPerSecond / r.peerPerSecond).toFixed(2)}x`,
          goal: "> 1x",
          met: r.oursPerSecond > r.peerPerSecond,
        });
        if (!r.sameBook) figures.push({ benchmark: "matching", figure: `${r.stream}: resting books compared`, measured: "DIFFERENT", goal: "same", met: false });
      }
      return figures;
    },
  },
  {
    name: "book-updates",
    title: "Book updates through feed -> book -> exit-plan check (10 accounts x BTC/ETH/SOL positions)",
    goals: [`>= ${int(BOOK_UPDATES_GOAL)} updates/s`],
    run: (quick) => runBookUpdatesBench({ quick }),
  },
  {
    name: "stop-latency",
    title: "Stop crossed by a book update -> close committed in the database",
    goals: [`p99 within ${STOP_RATIO_GOAL}x the p99 of a bare 3-statement transaction, on PGlite and on PostgreSQL`, "a burst of 10 stops closed in one transaction"],
    run: (quick) => runStopLatencyBench({ quick }),
  },
  {
    name: "mirrors",
    title: "Copy trading: 10,000 source fills mirrored onto simulator followers at a steady rate (PGlite and PostgreSQL)",
    goals: [`p99 source commit -> follower order sent < ${MIRRORS_SENT_P99_GOAL_MS} ms`, "0 missed signals, 0 duplicates"],
    run: (quick) => runMirrorsBench({ quick }),
  },
  {
    name: "scheduler-llm",
    title: "One scheduler cycle with 100 mock LLM models answering in 1 s each (in-memory PGlite)",
    goals: [`cycle overhead above 1 s < ${SCHEDULER_LLM_GOAL_PCT}%`],
    run: (quick) => runSchedulerLlmBench({ quick }),
  },
  {
    name: "model-listing",
    title: "GET /api/models with 100 models and a month of history each (PGlite and PostgreSQL)",
    goals: [`p99 < ${MODEL_LISTING_GOAL_MS} ms while pollers share the curve metrics; statements per listing independent of the number of models`],
    run: (quick) => runModelListingBench({ quick }),
  },
  {
    name: "dashboard",
    title: "The dashboard's arena with 100 models x 30 days: its reads (PGlite and PostgreSQL), its render in chromium, its JavaScript",
    goals: [
      `rendered < ${DASHBOARD_RENDER_GOAL_MS} ms from navigation (p50 of cold loads)`,
      `first-load JS < ${DASHBOARD_JS_GOAL_KB} KB gzipped`,
      `p95 of /api/equity and /api/leaderboard < ${DASHBOARD_API_GOAL_MS} ms`,
    ],
    run: (quick) => runDashboardBench({ quick }),
  },
  {
    name: "lighter",
    title: "Lighter adapter over the local fake Lighter: place -> FILLED latency, orders/s with signing, the signer alone, vs the simulator",
    goals: ["none set: figures reported"],
    run: (quick) => runLighterBench({ quick }),
  },
  {
    name: "follow",
    title: "Follow models (FT) over the fake Data API: a wallet's trade seen -> paper fill committed, and the whole poll round",
    goals: ["every trade copied; latency figures reported"],
    run: (quick) => runFollowBench({ quick }),
  },
  {
    name: "follow-lt",
    title: "LT over the fake Polymarket (CLOB, Gamma, Data API): a wallet's trade seen -> FT paper fill -> LT order sent to the CLOB -> its fill recorded",
    goals: ["every trade copied and mirrored once; latency figures reported"],
    run: (quick) => runFollowLtBench({ quick }),
  },
  {
    name: "replay",
    title: "Replay speed over ../shared/data/market L2 files (and the synthetic feed), then each file through book + exit-plan checks",
    goals: [`>= ${int(REPLAY_GOAL)} level updates/s from the file through book + exit-plan checks`],
    async run(quick) {
      // runReplayBench prints its figures; they are read back from its lines for the summary.
      const lines: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
        log(...args);
      };
      try {
        await runReplayBench({ quick });
      } finally {
        console.log = log;
      }
      const figures: Figure[] = lines.flatMap((line): Figure[] => {
        const exits = /^(replay \S+) -> book \+ exit checks .*? = ([\d,]+)\/s level updates, ([\d,]+)\/s messages/.exec(line);
        if (exits) {
          const perSecond = Number(exits[2]!.replace(/,/g, ""));
          return [
            {
              benchmark: "replay",
              figure: `${exits[1]!} through book + exit checks (${exits[3]!} messages/s)`,
              measured: `${exits[2]!} level updates/s`,
              goal: `>= ${int(REPLAY_GOAL)}/s`,
              met: perSecond >= REPLAY_GOAL,
            },
          ];
        }
        const m = /^(replay \S+|synthetic .+?) -> .*? = ([\d,]+\/s)/.exec(line);
        return m
          ? [{ benchmark: "replay", figure: m[1]!.startsWith("replay") ? `${m[1]!} into an L2Book, one pass` : m[1]!, measured: `${m[2]!.replace("/s", "")} updates/s`, goal: "-", met: undefined }]
          : [];
      });
      return figures.length > 0 ? figures : [{ benchmark: "replay", figure: "updates/s (see the section)", measured: lines.join("; ") || "nothing printed", goal: "-", met: undefined }];
    },
  },
  {
    name: "backtest",
    title: `A ${BACKTEST_GOAL_DAYS}-day backtest of 10 rule models on BTC/ETH/SOL synthetic 1-second books, decisions every 5 minutes (runBacktest, embedded database)`,
    goals: ["none set: wall time, simulated days/s, updates/s and the database's share reported"],
    run: (quick) => runBacktestBench({ quick }),
  },
];

function parseArgs(argv: string[]): { quick: boolean; only: Set<string> | undefined; child: string | undefined } {
  let quick = false;
  let only: Set<string> | undefined;
  let child: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--child") child = argv[++i];
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? argv[++i] : arg.slice("--only=".length);
      if (!value) usage("--only needs a comma-separated list");
      only = new Set(
        value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      );
      const unknown = [...only].filter((n) => !BENCHES.some((b) => b.name === n));
      if (unknown.length > 0) usage(`unknown benchmark ${unknown.join(", ")}`);
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown option ${arg}`);
  }
  return { quick, only, child };
}

function usage(error?: string): never {
  const text = `usage: npm run bench -- [--quick] [--only ${BENCHES.map((b) => b.name).join(",")}]`;
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

interface ChildMessage {
  figures?: Figure[];
  error?: string;
}

/** Runs one benchmark in this process (the child side) and sends its figures to the parent. */
async function runChild(name: string, quick: boolean): Promise<void> {
  const bench = BENCHES.find((b) => b.name === name)!;
  let message: ChildMessage;
  try {
    message = { figures: await bench.run(quick) };
  } catch (error) {
    message = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  await new Promise<void>((resolve) => process.send!(message, () => resolve()));
}

/** Forks this file for one benchmark; its output goes straight to ours. */
function runIsolated(name: string, quick: boolean): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", name, ...(quick ? ["--quick"] : [])], {
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: "inherit",
    });
    let message: ChildMessage | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, BENCH_TIMEOUT_MS);
    child.on("message", (m) => {
      message = m as ChildMessage;
    });
    child.on("error", (error) => resolve({ error: error.message }));
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ error: `killed after ${BENCH_TIMEOUT_MS / 60_000} minutes without finishing` });
      else resolve(message ?? { error: `the benchmark process exited (${signal ?? `code ${code}`}) without reporting` });
    });
  });
}

const { quick, only, child } = parseArgs(process.argv.slice(2));
if (child !== undefined) {
  await runChild(child, quick);
  process.exit(0);
}
const selected = BENCHES.filter((b) => !only || only.has(b.name));
console.log(
  `autonome benchmarks${quick ? " (--quick: smaller sizes, a smoke run)" : ""}: ${selected.map((b) => b.name).join(", ")}\n` +
    `node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown cpu"}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} at start`,
);

const summary: Figure[] = [];
const started = performance.now();
for (const bench of selected) {
  console.log(`\n${"=".repeat(100)}\n${bench.name}: ${bench.title}\ngoal: ${bench.goals.join("; ")}\n${"-".repeat(100)}`);
  const t0 = performance.now();
  const result = await runIsolated(bench.name, quick);
  if (result.figures) {
    console.log(`${"-".repeat(100)}`);
    for (const f of result.figures) console.log(`${verdict(f.met).padEnd(6)} ${f.figure}: ${f.measured}${f.goal === "-" ? "" : ` (goal ${f.goal})`}`);
    summary.push(...result.figures);
  } else {
    console.log(`FAILED: ${result.error}`);
    summary.push({ benchmark: bench.name, figure: "run", measured: "FAILED (see its section)", goal: "-", met: false });
    process.exitCode = 1;
  }
  console.log(`(${bench.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

console.log(
  `\n${"=".repeat(100)}\nsummary (${((performance.now() - started) / 1000).toFixed(1)} s, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} at the end)`,
);
console.table(summary.map((f) => ({ benchmark: f.benchmark, figure: f.figure, measured: f.measured, goal: f.goal, result: verdict(f.met) })));
const missed = summary.filter((f) => f.met === false).length;
const met = summary.filter((f) => f.met === true).length;
console.log(`${met} goal(s) met, ${missed} missed${quick ? " (quick run: sizes are small, figures are indicative)" : ""}`);
