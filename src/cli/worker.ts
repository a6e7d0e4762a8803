import { pino } from "pino";
import type { Config } from "../app/config.js";
import { createAutonome, VERSION } from "../app/autonome.js";
import { stopOnSignals } from "./shutdown.js";

/**
 * `autonome worker`: copy trading without the HTTP server, against the server's PostgreSQL. It
 * holds a fair share of the mirrors, trades their followers, and gives its mirrors back on
 * SIGINT/SIGTERM (or loses them when its lease lapses, if it dies), so any number of workers and
 * the server can run together.
 */
export async function worker(config: Config, faults?: Parameters<typeof createAutonome>[3]): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { service: "autonome-worker" } });
  const autonome = await createAutonome(config, logger, undefined, { role: "worker", ...(faults ?? {}) });
  await autonome.start();
  process.stdout.write(`autonome ${VERSION} worker ${autonome.hostId}\n  database  PostgreSQL (DATABASE_URL)\n  feed      ${autonome.feed.kind}\n  lease     ${config.mirrorLeaseMs} ms\n`);
  logger.info({ host: autonome.hostId }, "worker started");
  stopOnSignals(logger, () => autonome.stop());
}
