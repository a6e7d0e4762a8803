import { z } from "zod";

/**
 * Configuration from the environment, validated once at start: a bad value stops the
 * process with a message that names the variable, before anything else happens.
 */
export interface Config {
  port: number;
  host: string;
  apiToken: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  feed: "synthetic" | "replay";
  replayFiles: Array<{ path: string; symbol: string }>;
  replaySpeed: number | "max";
  seed: number;
  tradeIntervalMs: number;
  feedIntervalMs: number;
  mode: "simulation" | "live";
  logLevel: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** "300000", "30s", "5m", "1h" -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) throw new ConfigError(`"${text}" is not a duration (milliseconds, or like 30s, 5m, 1h)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "ms") as "ms"];
  return Math.round(n * unit);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  AUTONOME_HOST: z.string().min(1).default("127.0.0.1"),
  AUTONOME_API_TOKEN: z.string().min(1).optional(),
  AUTONOME_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().min(1).optional(),
  AUTONOME_FEED: z.enum(["synthetic", "replay"]).default("synthetic"),
  AUTONOME_REPLAY_FILES: z.string().optional(),
  AUTONOME_REPLAY_SPEED: z.string().default("1"),
  AUTONOME_SEED: z.coerce.number().int().default(42),
  AUTONOME_TRADE_INTERVAL: z.string().default("5m"),
  AUTONOME_FEED_INTERVAL: z.string().default("500ms"),
  TRADING_MODE: z.enum(["simulation", "live"]).optional(),
  IS_SIMULATION_ENABLED: z.enum(["true", "false"]).optional(),
  LOG_LEVEL: z.string().default("info"),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const wrap = <T>(name: string, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw new ConfigError(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  let mode: "simulation" | "live" = e.TRADING_MODE ?? (e.IS_SIMULATION_ENABLED === "false" ? "live" : "simulation");
  if (e.TRADING_MODE && e.IS_SIMULATION_ENABLED && (e.TRADING_MODE === "live") !== (e.IS_SIMULATION_ENABLED === "false")) {
    throw new ConfigError(`TRADING_MODE=${e.TRADING_MODE} contradicts IS_SIMULATION_ENABLED=${e.IS_SIMULATION_ENABLED}`);
  }
  const replayFiles = (e.AUTONOME_REPLAY_FILES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [symbol, path] = item.includes("=") ? item.split("=", 2) : [undefined, item];
      if (!symbol || !path) throw new ConfigError(`AUTONOME_REPLAY_FILES: "${item}" must be SYMBOL=path`);
      return { symbol: symbol.toUpperCase(), path };
    });
  if (e.AUTONOME_FEED === "replay" && replayFiles.length === 0) {
    throw new ConfigError("AUTONOME_REPLAY_FILES: the replay feed needs files, e.g. BTC=../shared/data/market/l2_binance_spot_btcusdt_20240808.csv");
  }
  const speed = e.AUTONOME_REPLAY_SPEED === "max" ? "max" : Number(e.AUTONOME_REPLAY_SPEED);
  if (speed !== "max" && !(speed > 0)) throw new ConfigError(`AUTONOME_REPLAY_SPEED: "${e.AUTONOME_REPLAY_SPEED}" must be a positive number or "max"`);
  return {
    port: e.PORT,
    host: e.AUTONOME_HOST,
    apiToken: e.AUTONOME_API_TOKEN,
    dataDir: e.AUTONOME_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    feed: e.AUTONOME_FEED,
    replayFiles,
    replaySpeed: speed,
    seed: e.AUTONOME_SEED,
    tradeIntervalMs: wrap("AUTONOME_TRADE_INTERVAL", () => parseDuration(e.AUTONOME_TRADE_INTERVAL)),
    feedIntervalMs: wrap("AUTONOME_FEED_INTERVAL", () => parseDuration(e.AUTONOME_FEED_INTERVAL)),
    mode,
    logLevel: e.LOG_LEVEL,
  };
}
