#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { pino } from "pino";
import { ConfigError, loadConfig } from "../app/config.js";
import { serve } from "./serve.js";
import { migrateCommand, modelsAdd, modelsList, modelsSetStatus, type AddOptions } from "./models.js";

/** The autonome command line: thin wrappers over the application, each with --help. */
export function buildCli(): Command {
  const program = new Command("autonome").description("Autonomous trading: models decide, venues execute, PostgreSQL holds the truth.").exitOverride();

  program
    .command("serve")
    .description("start the server: HTTP API and events, market feed, simulator, scheduler (what `npm start` runs)")
    .action(async () => serve(loadConfig()));

  program
    .command("migrate")
    .description("apply the database migrations (serve also does this at start)")
    .action(async () => migrateCommand(loadConfig()));

  const models = program.command("models").description("list, add, pause and resume models");
  models
    .command("list")
    .description("list the models with their accounts")
    .option("--json", "print JSON instead of a table")
    .action(async (o: { json?: boolean }) => modelsList(loadConfig(), o.json === true));
  models
    .command("add")
    .description("add a rule model, or with --llm an LLM model on any OpenAI-compatible endpoint (strategies: GET /api/strategies)")
    .requiredOption("--name <name>", "unique model name")
    .requiredOption("--strategy <strategy>", "rule strategy (e.g. trend-following) or, with --llm, prompt variant (e.g. capital-preservation)")
    .option("--capital <usd>", "initial capital in dollars", "10000")
    .option("--llm", "an LLM model (needs --base-url and --model)")
    .option("--base-url <url>", "OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://openrouter.ai/api/v1")
    .option("--model <id>", "the provider's model id, e.g. qwen3:8b")
    .option("--api-key-env <VAR>", "name of the environment variable holding the key (never the key itself)")
    .option("--temperature <t>", "sampling temperature, 0-2")
    .option("--max-steps <n>", "tool-call steps per run, default 10")
    .action(async (o: AddOptions) => modelsAdd(loadConfig(), o));
  for (const [name, status] of [
    ["pause", "paused"],
    ["resume", "active"],
  ] as const) {
    models
      .command(`${name} <id>`)
      .description(`${name} a model: the scheduler ${status === "paused" ? "skips" : "runs"} it`)
      .action(async (id: string) => modelsSetStatus(loadConfig(), id, status));
  }
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
