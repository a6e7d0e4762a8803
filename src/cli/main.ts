#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../app/config.js";
import type { AddOptions } from "./models.js";
import type { MirrorAddOptions } from "./mirrors.js";
import type { BacktestCliOptions } from "./backtest.js";

// Each command loads its module when it runs, not before: `--help` and the small commands do not
// pay for loading the whole application (seconds per process under tsx).
const modelCommands = () => import("./models.js");
const mirrorCommands = () => import("./mirrors.js");

/** The autonome command line: thin wrappers over the application, each with --help. */
export function buildCli(): Command {
  const program = new Command("autonome").description("Autonomous trading: models decide, venues execute, PostgreSQL holds the truth.").exitOverride();

  program
    .command("serve")
    .description("start the server: HTTP API and events, market feed, simulator, scheduler (what `npm start` runs)")
    .action(async () => (await import("./serve.js")).serve(loadConfig()));

  program
    .command("migrate")
    .description("apply the database migrations (serve also does this at start)")
    .action(async () => (await modelCommands()).migrateCommand(loadConfig()));

  const modelsCmd = program.command("models").description("list, add, pause and resume models");
  modelsCmd
    .command("list")
    .description("list the models with their accounts")
    .option("--json", "print JSON instead of a table")
    .action(async (o: { json?: boolean }) => (await modelCommands()).modelsList(loadConfig(), o.json === true));
  modelsCmd
    .command("add")
    .description("add a rule model, or with --llm an LLM model on any OpenAI-compatible endpoint (strategies: GET /api/strategies)")
    .requiredOption("--name <name>", "unique model name")
    .requiredOption("--strategy <strategy>", "rule strategy (e.g. trend-following) or, with --llm, prompt variant (e.g. capital-preservation, or its original name Guardian)")
    .option("--capital <usd>", "initial capital in dollars", "10000")
    .option("--llm", "an LLM model (needs --base-url and --model)")
    .option("--base-url <url>", "OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://openrouter.ai/api/v1")
    .option("--model <id>", "the provider's model id, e.g. qwen3:8b")
    .option("--api-key-env <VAR>", "name of the environment variable holding the key (never the key itself)")
    .option("--temperature <t>", "sampling temperature, 0-2")
    .option("--max-steps <n>", "tool-call steps per run, default 10")
    .action(async (o: AddOptions) => (await modelCommands()).modelsAdd(loadConfig(), o));
  for (const [name, status] of [
    ["pause", "paused"],
    ["resume", "active"],
  ] as const) {
    modelsCmd
      .command(`${name} <id>`)
      .description(`${name} a model: the scheduler ${status === "paused" ? "skips" : "runs"} it`)
      .action(async (id: string) => (await modelCommands()).modelsSetStatus(loadConfig(), id, status));
  }

  program
    .command("worker")
    .description("run copy-trading workers without the HTTP server, against the server's PostgreSQL (DATABASE_URL); any number may run")
    .action(async () => {
      const [{ worker }, { crashFaults }] = await Promise.all([import("./worker.js"), import("./faults.js")]);
      await worker(loadConfig(), crashFaults(process.env.AUTONOME_FAULT));
    });

  const mirrors = program.command("mirrors").description("copy trading: followers mirroring a model's trades");
  mirrors
    .command("list")
    .description("list the mirrors")
    .option("--json", "print JSON instead of a table")
    .action(async (o: { json?: boolean }) => (await mirrorCommands()).mirrorsList(loadConfig(), o.json === true));
  mirrors
    .command("add")
    .description("make a follower mirror a source model's trades")
    .requiredOption("--source <id>", "the model to copy")
    .option("--follower <id>", "an existing follower (a model of kind mirror)")
    .option("--follower-name <name>", "create a follower with this name")
    .option("--capital <usd>", "the new follower's initial capital in dollars (with --follower-name)")
    .option("--sizing <mode>", "proportional (follower equity / source equity), ratio, or fixed-notional", "proportional")
    .option("--ratio <r>", "with --sizing ratio: the source's quantity times this")
    .option("--usd <amount>", "with --sizing fixed-notional: dollars per order")
    .option("--max-notional <usd>", "cap of one order in dollars")
    .option("--order-type <type>", "IOC (default), FOK, GTC or GTT", "IOC")
    .option("--ttl <ms>", "GTC/GTT: cancel what is left after this many milliseconds")
    .option("--max-slippage-bps <bps>", "worst price of an entry, in basis points from the source's fill (default 50)")
    .option("--min-notional <usd>", "skip orders below this many dollars")
    .option("--max-signal-age <ms>", "skip signals older than this (default 30000)")
    .option("--symbols <list>", "only these symbols, comma-separated")
    .option("--paused", "create it paused")
    .action(async (o: MirrorAddOptions) => (await mirrorCommands()).mirrorsAdd(loadConfig(), o));
  for (const [name, active] of [
    ["pause", false],
    ["resume", true],
  ] as const) {
    mirrors
      .command(`${name} <id>`)
      .description(`${name} a mirror: signals are ${active ? "copied again" : "recorded as skipped (mirror_paused)"}`)
      .action(async (id: string) => (await mirrorCommands()).mirrorsSetActive(loadConfig(), id, active));
  }
  program
    .command("backtest")
    .description("run models over past or synthetic markets on a simulated clock, as fast as the machine allows, into a database of its own; writes result.json and report.html")
    .option("--from <time>", "start, ISO 8601 (2026-11-01T00:00:00Z) or epoch ms (required)")
    .option("--to <time>", "end, ISO 8601 or epoch ms (required)")
    .option("--models <ids|file>", "model ids or names of this installation (comma-separated), or a JSON file of POST /api/models bodies (required)")
    .option("--request <file>", "the whole run as a JSON file in the body format of POST /api/backtests, instead of the options above")
    .option(
      "--what-if <result.json|paper>",
      "rerun an earlier backtest (its result.json), or with `paper` the models' real decisions of --from..--to over the stored candles, with the decisions held fixed and the execution changed (--fees, --slippage, --latency, --entries; risk limits by a --models file); the report compares both",
    )
    .option("--feed <kind>", "synthetic (seeded books) or replay (recorded files)", "synthetic")
    .option("--seed <n>", "seed of the synthetic feed and the simulator", "42")
    .option("--files <list>", "with --feed replay: SYMBOL=path,... (L2 or candle CSV files)")
    .option("--book-interval <ms>", "with --feed synthetic: time between books", "1s")
    .option("--interval <duration>", "how often the models decide", "5m")
    .option("--fees <bps>", "maker,taker fees in basis points (default 2,6)")
    .option("--slippage <bps>", "extra adverse slippage on every taker fill, basis points")
    .option("--latency <ms>", "order latency, ms or a range min-max drawn from the seed")
    .option("--entries <type>", "models' entries: market (default) or limit[:offsetBps[:seconds]], post-only behind the touch, canceled unfilled after the seconds (default 0 bps, 60 s)")
    .option(
      "--llm <mode>",
      "record (call the endpoints and record every answer) or replay (answer from the recording; a miss stops the run). With --what-if paper, LLM models are answered from the day's recorded calls; replay requires every one to have them",
    )
    .option("--llm-file <path>", "the LLM recording", "llm-recording.jsonl")
    .option("--database-url <url>", "run on this PostgreSQL server, in a database of its own that is dropped after (default: a throwaway embedded database)")
    .option("--out <dir>", "where result.json and report.html go (default backtests/<time>)")
    .option("--json", "print the result as JSON on stdout")
    .action(async (o: BacktestCliOptions) => (await import("./backtest.js")).backtestCommand(loadConfig(), o));
  return program;
}

async function main(): Promise<void> {
  try {
    await buildCli().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof ConfigError ? `configuration: ${error.message}` : error instanceof Error ? error.message : String(error);
    pino({ base: null }).error(message);
    process.stderr.write(`autonome: ${message}\n`);
    process.exit(1);
  }
}

void main();
