import { pino } from "pino";
import { ConfigError, type Config } from "../app/config.js";
import { createAutonome, VERSION } from "../app/autonome.js";
import { createApp } from "../server/app.js";
import { DEFAULT_DASHBOARD_DIR } from "../server/dashboard.js";
import { assertSafeListen, startHttpServer } from "../server/serve.js";
import { stopOnSignals } from "./shutdown.js";

/** `autonome serve`: everything in one process, until SIGINT or SIGTERM. */
export async function serve(config: Config): Promise<void> {
  assertSafeListen(config.host, config.apiToken);
  const logger = pino({ level: config.logLevel, base: { service: "autonome" } });
  const autonome = await createAutonome(config, logger);
  const app = createApp({ services: autonome.services, ...(config.apiToken ? { apiToken: config.apiToken } : {}), logger, dashboardDir: DEFAULT_DASHBOARD_DIR });
  const http = await startHttpServer({ app, host: config.host, port: config.port }).catch(async (error: unknown) => {
    await autonome.stop().catch(() => undefined);
    throw listenConfigError(error);
  });
  await autonome.start();

  const dbLabel = autonome.database.kind === "pglite" ? `embedded PGlite (${config.dataDir})` : "PostgreSQL (DATABASE_URL)";
  const banner = [
    `autonome ${VERSION}`,
    `  dashboard ${http.url}/`,
    `  api       ${http.url}/api`,
    `  mode      ${config.mode}`,
    `  feed      ${autonome.feed.kind}${autonome.feed.kind === "synthetic" ? ` (seed ${config.seed})` : ""}`,
    `  database  ${dbLabel}`,
    `  models    every ${Math.round(config.tradeIntervalMs / 1000)} s`,
    `  auth      ${config.apiToken ? "token required for writes" : "none (loopback only)"}`,
  ].join("\n");
  process.stdout.write(`${banner}\n`);
  logger.info({ url: http.url, mode: config.mode, feed: autonome.feed.kind, db: autonome.database.kind }, "autonome started");

  stopOnSignals(logger, async () => {
    await http.close();
    await autonome.stop();
  });
}

/** A listen failure names the variable to change: AUTONOME_HOST for an address problem, PORT otherwise. */
function listenConfigError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  const variable = code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN" ? "AUTONOME_HOST" : "PORT";
  return new ConfigError(`${variable}: ${error.message}`);
}
