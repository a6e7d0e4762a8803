import { MAX_TIMER_MS } from "../core/clock.js";
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import { PM_REPLAY_BOOKS_FILE, PM_REPLAY_MARKETS_FILE } from "../feeds/prediction/polymarket-replay-data.js";
import { ourSymbol, REPLAY_MARKETS } from "../feeds/replay/markets.js";

/**
 * Configuration from the environment, validated once at start: a bad value stops the process
 * with a message that names the variable, and every bad variable is reported at once.
 */
export interface Config {
  port: number;
  host: string;
  apiToken: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  feed: "synthetic" | "replay" | "lighter";
  replayFiles: Array<{ path: string; symbol: string }>;
  replaySpeed: number | "max";
  seed: number;
  tradeIntervalMs: number;
  /**
   * Which models the scheduler runs at start instead of an interval later (AUTONOME_RUN_ON_START):
   * `all` (true), `rules` (the default: rule models only, so a restart costs no LLM calls) or `none` (false).
   */
  runOnStart: RunOnStart;
  feedIntervalMs: number;
  mode: "simulation" | "live";
  logLevel: string;
  /** Copy trading in this process (AUTONOME_MIRRORS=off leaves it to `autonome worker` processes). */
  mirrors: boolean;
  /** How long a process holds a mirror without renewing it (AUTONOME_MIRROR_LEASE): a dead worker's mirrors move after this. */
  mirrorLeaseMs: number;
  /** Lighter's endpoints and the markets this process streams and trades there. */
  lighter: LighterConfig;
  /** How often live accounts are compared with their exchange (AUTONOME_RECONCILE_INTERVAL). */
  reconcileIntervalMs: number;
  /** Backtests from the API running at once, each a child process (AUTONOME_BACKTEST_CONCURRENCY); the rest wait in order. */
  backtestConcurrency: number;
  /** Prediction markets: where their data comes from and Polymarket's endpoints. */
  polymarket: PolymarketConfig;
  /**
   * How many days of recorded LLM calls (llm_calls) are kept (AUTONOME_LLM_CALLS_RETENTION_DAYS,
   * default 30); null (`off` or `0`): every call is kept. A what-if of a paper span replays them.
   */
  llmCallsRetentionDays: number | null;
}

export interface PolymarketConfig {
  /** AUTONOME_PM_FEED: prediction-market data, independent of the perpetuals feed (`off`: none). */
  feed: "synthetic" | "replay" | "polymarket" | "off";
  clobUrl: string;
  clobWsUrl: string;
  dataApiUrl: string;
  gammaUrl: string;
  geoblockUrl: string;
  /** POLYMARKET_CHAIN_ID: the chain live orders are signed for (137 Polygon, 80002 Amoy). */
  chainId: number;
  /** How often follow models read their wallets' trades (AUTONOME_FOLLOW_POLL). */
  followPollMs: number;
  /** AUTONOME_PM_REPLAY_DIR: where the recorded Polymarket samples are (the replay feed reads them there). */
  replayDir: string;
  /** AUTONOME_PM_REPLAY_SPEED: recorded time per unit of domain time in the prediction replay (1 = recorded pace). */
  replaySpeed: number;
  /**
   * AUTONOME_PM_MARKETS: the markets the live feed streams, as condition ids (0x + 64 hex, lower
   * case) or Gamma slugs, in the order given; empty: the most active open markets instead.
   */
  markets: string[];
  /** AUTONOME_PM_MARKET_LIMIT: how many of the most active open markets the live feed streams when AUTONOME_PM_MARKETS is unset. */
  marketLimit: number;
}

/** Polymarket's production hosts: every one can be pointed elsewhere (the fakes in tests). */
export const POLYMARKET_DEFAULTS = {
  clobUrl: "https://clob.polymarket.com",
  clobWsUrl: "wss://ws-subscriptions-clob.polymarket.com/ws",
  dataApiUrl: "https://data-api.polymarket.com",
  gammaUrl: "https://gamma-api.polymarket.com",
  geoblockUrl: "https://polymarket.com/api/geoblock",
} as const;

const PM_CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;
const PM_SLUG = /^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;
/** One Gamma page, and two tokens a market stays well under the CLOB socket's reported 500 assets. */
export const PM_MARKET_LIMIT_MAX = 100;

export type RunOnStart = "all" | "rules" | "none";

/** AUTONOME_RUN_ON_START's words and what each means. */
const RUN_ON_START: Record<string, RunOnStart> = { true: "all", rules: "rules", false: "none" };

export interface LighterConfig {
  baseUrl: string;
  wsUrl: string;
  /** 304 mainnet, 300 testnet: part of every signed transaction's hash. */
  chainId: number;
  /** Symbols to stream (AUTONOME_FEED=lighter) and trade; each must be a Lighter perp market. */
  symbols: string[];
  /** Worst average price of a market order, bps from the touch. */
  marketBoundBps: number;
  /** Requests per rolling minute (60 on a standard account). */
  requestsPerMinute: number;
  /** A market whose book has not updated for this long takes no new entries. */
  staleMs: number;
}

export const LIGHTER_MAINNET_URL = "https://mainnet.zklighter.elliot.ai";

/** `https://host/path` → `wss://host/stream` (Lighter's WebSocket lives at /stream on the same host). */
export function lighterWsUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  u.protocol = u.protocol === "http:" ? "ws:" : "wss:";
  u.pathname = "/stream";
  u.search = "";
  return u.toString();
}

/**
 * A configuration the process cannot start with. `problems` has one line per bad variable, each
 * starting with the variable's name; the message is that line, or a count followed by the lines.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : [...problems];
    super(list.length === 1 ? list[0]! : `${list.length} bad variables:\n${list.map((p) => `  ${p}`).join("\n")}`);
    this.problems = list;
  }
}

/** The longest delay Node's timers accept (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export { MAX_TIMER_MS };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** "300000", "30s", "5m", "1h", "1d" -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new ConfigError(`"${text}" is not a duration (milliseconds, or like 30s, 5m, 1h, 1d)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "ms") as "ms"];
  return Math.round(n * unit);
}

const quoted = (value: string) => JSON.stringify(value);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const bad = (name: string, message: string) => problems.push(`${name}: ${message}`);

  /** The variable's value, or undefined when unset; an empty value is a mistake, not "unset". */
  const read = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined) return undefined;
    if (value.trim() === "") {
      bad(name, "is set but empty: give it a value or unset it");
      return undefined;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    bad(name, `${quoted(value)} must be one of ${allowed.join(", ")}`);
    return undefined;
  };
  const duration = (name: string, fallback: string, { allowZero }: { allowZero: boolean }): number => {
    const text = read(name) ?? fallback;
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (error) {
      bad(name, error instanceof Error ? error.message : String(error));
      return 0;
    }
    if (ms > MAX_TIMER_MS) bad(name, `${quoted(text)} is longer than the maximum of ${MAX_TIMER_MS} ms (about 24.8 days, the longest timer Node.js can arm)`);
    else if (ms === 0 && !allowZero) bad(name, `${quoted(text)} must be more than 0 (at least 1ms)`);
    return ms;
  };

  const portText = read("PORT");
  let port = 3000;
  if (portText !== undefined) {
    const n = /^\s*\d+\s*$/.test(portText) ? Number(portText) : Number.NaN;
    // 0 would listen on a random port that nothing (the models commands, a proxy) could find.
    if (!(Number.isInteger(n) && n >= 1 && n <= 65535)) bad("PORT", `${quoted(portText)} is not a port number (1-65535)`);
    else port = n;
  }

  const host = read("AUTONOME_HOST") ?? "127.0.0.1";
  const apiToken = read("AUTONOME_API_TOKEN");
  const dataDir = read("AUTONOME_DATA_DIR") ?? "./data";

  const databaseUrl = read("DATABASE_URL")?.trim();
  if (databaseUrl !== undefined) {
    // Never echo the value: it usually holds a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1];
    if (!/^postgres(ql)?:\/\//i.test(databaseUrl)) {
      bad("DATABASE_URL", `must be a postgres:// or postgresql:// URL${scheme ? ` (it starts with ${scheme}:)` : ""}, e.g. postgres://user:password@127.0.0.1:5432/autonome`);
    } else if (!validPostgresUrl(databaseUrl)) {
      bad("DATABASE_URL", "is not a valid URL (check the port, and percent-encode special characters in the user and password)");
    }
  }

  const feed = oneOf("AUTONOME_FEED", ["synthetic", "replay", "lighter"] as const) ?? "synthetic";
  const replayFiles = replayFilesFrom(read("AUTONOME_REPLAY_FILES"), feed === "replay", bad);

  const speedText = read("AUTONOME_REPLAY_SPEED") ?? "1";
  let replaySpeed: number | "max" = 1;
  if (speedText.trim() === "max") replaySpeed = "max";
  else {
    const n = /^\s*\d+(\.\d+)?\s*$/.test(speedText) ? Number(speedText) : Number.NaN;
    if (!(Number.isFinite(n) && n > 0)) bad("AUTONOME_REPLAY_SPEED", `${quoted(speedText)} must be a positive number (1 = recorded pace) or "max"`);
    else replaySpeed = n;
  }

  const seedText = read("AUTONOME_SEED");
  let seed = 42;
  if (seedText !== undefined) {
    const n = /^\s*-?\d+\s*$/.test(seedText) ? Number(seedText) : Number.NaN;
    if (!Number.isSafeInteger(n)) bad("AUTONOME_SEED", `${quoted(seedText)} must be an integer`);
    else seed = n;
  }

  const tradeIntervalMs = duration("AUTONOME_TRADE_INTERVAL", "5m", { allowZero: true });
  const feedIntervalMs = duration("AUTONOME_FEED_INTERVAL", "500ms", { allowZero: false });
  const runOnStart = RUN_ON_START[oneOf("AUTONOME_RUN_ON_START", ["true", "false", "rules"] as const) ?? "rules"]!;

  const tradingMode = oneOf("TRADING_MODE", ["simulation", "live"] as const);
  const simulation = oneOf("IS_SIMULATION_ENABLED", ["true", "false"] as const);
  const mode: "simulation" | "live" = tradingMode ?? (simulation === "false" ? "live" : "simulation");
  if (tradingMode && simulation && (tradingMode === "live") !== (simulation === "false")) {
    bad("TRADING_MODE", `TRADING_MODE=${tradingMode} contradicts IS_SIMULATION_ENABLED=${simulation}: set one of them`);
  }

  const logLevel = oneOf("LOG_LEVEL", LOG_LEVELS) ?? "info";
  const mirrors = (oneOf("AUTONOME_MIRRORS", ["on", "off"] as const) ?? "on") === "on";
  const mirrorLeaseMs = duration("AUTONOME_MIRROR_LEASE", "10s", { allowZero: false });
  if (mirrorLeaseMs > 0 && mirrorLeaseMs < 500) bad("AUTONOME_MIRROR_LEASE", `${mirrorLeaseMs} ms is too short to renew in time: at least 500ms`);

  const lighter = lighterConfig();
  const reconcileIntervalMs = duration("AUTONOME_RECONCILE_INTERVAL", "1m", { allowZero: false });

  const concurrencyText = read("AUTONOME_BACKTEST_CONCURRENCY") ?? "1";
  const backtestConcurrency = /^\s*\d+\s*$/.test(concurrencyText) ? Number(concurrencyText) : Number.NaN;
  if (!(Number.isInteger(backtestConcurrency) && backtestConcurrency >= 1 && backtestConcurrency <= 64)) {
    bad("AUTONOME_BACKTEST_CONCURRENCY", `${quoted(concurrencyText)} must be a whole number from 1 to 64 (backtests running at once)`);
  }

  const polymarket = polymarketConfig();
  const llmCallsRetentionDays = retentionDays("AUTONOME_LLM_CALLS_RETENTION_DAYS", 30);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    apiToken,
    dataDir,
    databaseUrl,
    feed,
    replayFiles,
    replaySpeed,
    seed,
    tradeIntervalMs,
    runOnStart,
    feedIntervalMs,
    mode,
    logLevel,
    mirrors,
    mirrorLeaseMs,
    lighter,
    reconcileIntervalMs,
    backtestConcurrency,
    polymarket,
    llmCallsRetentionDays,
  };

  /** Whole days, 1 to 3650 (ten years); `0` or `off` keeps everything (null). */
  function retentionDays(name: string, fallback: number): number | null {
    const text = read(name);
    if (text === undefined) return fallback;
    if (text.trim().toLowerCase() === "off") return null;
    const days = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (days === 0) return null;
    if (!(Number.isInteger(days) && days <= 3650)) {
      bad(name, `${quoted(text)} must be a whole number of days from 1 to 3650, or 0 or off to keep every row`);
      return fallback;
    }
    return days;
  }

  function polymarketConfig(): PolymarketConfig {
    const pmFeed = oneOf("AUTONOME_PM_FEED", ["synthetic", "replay", "polymarket", "off"] as const) ?? "synthetic";
    const url = (name: string, fallback: string, schemes: "http" | "ws"): string => {
      const value = (read(name) ?? fallback).trim();
      const ok = (schemes === "http" ? /^https?:\/\/[^/]/i : /^wss?:\/\/[^/]/i).test(value) && URL.canParse(value);
      if (!ok) bad(name, `${quoted(value)} must be a ${schemes === "http" ? "http(s)" : "ws(s)"} URL, e.g. ${fallback}`);
      return value.replace(/\/+$/, "");
    };
    return {
      feed: pmFeed,
      clobUrl: url("POLYMARKET_CLOB_URL", POLYMARKET_DEFAULTS.clobUrl, "http"),
      clobWsUrl: url("POLYMARKET_CLOB_WS_URL", POLYMARKET_DEFAULTS.clobWsUrl, "ws"),
      dataApiUrl: url("POLYMARKET_DATA_API_URL", POLYMARKET_DEFAULTS.dataApiUrl, "http"),
      gammaUrl: url("POLYMARKET_GAMMA_URL", POLYMARKET_DEFAULTS.gammaUrl, "http"),
      geoblockUrl: url("POLYMARKET_GEOBLOCK_URL", POLYMARKET_DEFAULTS.geoblockUrl, "http"),
      chainId: pmChainId(),
      followPollMs: duration("AUTONOME_FOLLOW_POLL", "5s", { allowZero: false }),
      ...pmReplay(pmFeed === "replay"),
      ...pmLive(),
    };
  }

  /** Which markets the live feed streams: a list (condition ids or slugs), or the N most active. */
  function pmLive(): { markets: string[]; marketLimit: number } {
    const markets: string[] = [];
    const listText = read("AUTONOME_PM_MARKETS");
    if (listText !== undefined) {
      const entries = listText.split(",").map((x) => x.trim());
      // Anything starting 0x is meant as a condition id: a short one is a typo, not a slug.
      const wrong = entries.filter((x) => x !== "" && (/^0x/i.test(x) ? !PM_CONDITION_ID.test(x) : !PM_SLUG.test(x)));
      if (entries.some((x) => x === "")) bad("AUTONOME_PM_MARKETS", `${quoted(listText)} has an empty entry: a comma-separated list of condition ids (0x + 64 hex digits) or market slugs`);
      else if (wrong.length > 0) {
        bad(
          "AUTONOME_PM_MARKETS",
          `${wrong.map(quoted).join(", ")} ${wrong.length === 1 ? "is" : "are"} neither a condition id (0x + 64 hex digits) nor a market slug (letters, digits and hyphens, e.g. will-it-rain-tomorrow)`,
        );
      }
      // Condition ids are hex: one spelling; slugs are Gamma's, kept as written.
      for (const x of entries) {
        const id = PM_CONDITION_ID.test(x) ? x.toLowerCase() : x;
        if (x !== "" && !markets.includes(id)) markets.push(id);
      }
    }
    const limitText = read("AUTONOME_PM_MARKET_LIMIT") ?? "20";
    const marketLimit = /^\s*\d+\s*$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(Number.isInteger(marketLimit) && marketLimit >= 1 && marketLimit <= PM_MARKET_LIMIT_MAX)) {
      bad("AUTONOME_PM_MARKET_LIMIT", `${quoted(limitText)} must be a whole number from 1 to ${PM_MARKET_LIMIT_MAX} (the most active open markets the live feed streams)`);
    }
    return { markets, marketLimit };
  }

  function pmChainId(): number {
    const text = (read("POLYMARKET_CHAIN_ID") ?? "137").trim();
    if (text !== "137" && text !== "80002") bad("POLYMARKET_CHAIN_ID", `${quoted(text)} must be 137 (Polygon) or 80002 (Amoy)`);
    return Number(text);
  }

  /** The prediction replay's directory (both recorded files must be there when it is on) and speed. */
  function pmReplay(needed: boolean): { replayDir: string; replaySpeed: number } {
    const replayDir = (read("AUTONOME_PM_REPLAY_DIR") ?? "../shared/data/market").trim();
    if (needed) {
      for (const file of [PM_REPLAY_MARKETS_FILE, PM_REPLAY_BOOKS_FILE]) {
        const path = resolve(replayDir, file);
        const problem = unreadable(path);
        if (problem) bad("AUTONOME_PM_REPLAY_DIR", `${path}: ${problem} (AUTONOME_PM_FEED=replay plays the recorded Polymarket samples from this directory)`);
      }
    }
    const speedText = read("AUTONOME_PM_REPLAY_SPEED") ?? "1";
    const replaySpeed = /^\s*\d+(\.\d+)?\s*$/.test(speedText) ? Number(speedText) : Number.NaN;
    // No "max": the markets play on the domain clock, and all of them at once would resolve before anyone could trade.
    if (!(Number.isFinite(replaySpeed) && replaySpeed > 0)) bad("AUTONOME_PM_REPLAY_SPEED", `${quoted(speedText)} must be a positive number (1 = recorded pace, 60 = a recorded minute a second)`);
    return { replayDir, replaySpeed };
  }

  function lighterConfig(): LighterConfig {
    const baseUrl = (read("LIGHTER_BASE_URL") ?? LIGHTER_MAINNET_URL).trim();
    let wsUrl = read("LIGHTER_WS_URL")?.trim();
    if (!/^https?:\/\/[^/]/i.test(baseUrl) || !URL.canParse(baseUrl)) bad("LIGHTER_BASE_URL", `${quoted(baseUrl)} must be an http(s) URL, e.g. ${LIGHTER_MAINNET_URL}`);
    else wsUrl ??= lighterWsUrl(baseUrl);
    if (wsUrl !== undefined && (!/^wss?:\/\/[^/]/i.test(wsUrl) || !URL.canParse(wsUrl))) bad("LIGHTER_WS_URL", `${quoted(wsUrl)} must be a ws(s) URL, e.g. wss://mainnet.zklighter.elliot.ai/stream`);
    const chainText = read("LIGHTER_CHAIN_ID") ?? "304";
    const chainId = /^\s*\d+\s*$/.test(chainText) ? Number(chainText) : Number.NaN;
    if (!Number.isSafeInteger(chainId) || chainId <= 0) bad("LIGHTER_CHAIN_ID", `${quoted(chainText)} must be a positive integer (304 mainnet, 300 testnet)`);
    const symbols = (read("LIGHTER_MARKETS") ?? "BTC,ETH,SOL")
      .split(",")
      .map((x) => x.trim().toUpperCase())
      .filter((x) => x.length > 0);
    if (symbols.length === 0 || symbols.some((x) => !/^[A-Z0-9]{1,20}$/.test(x))) bad("LIGHTER_MARKETS", "must be a comma-separated list of Lighter symbols, e.g. BTC,ETH,SOL");
    const boundText = read("LIGHTER_MARKET_BOUND_BPS") ?? "100";
    const marketBoundBps = /^\s*\d+(\.\d{1,2})?\s*$/.test(boundText) ? Number(boundText) : Number.NaN;
    if (!(marketBoundBps > 0 && marketBoundBps <= 1000)) bad("LIGHTER_MARKET_BOUND_BPS", `${quoted(boundText)} must be basis points above 0 and at most 1000 (10%)`);
    const rateText = read("LIGHTER_REQUESTS_PER_MINUTE") ?? "60";
    const requestsPerMinute = /^\s*\d+\s*$/.test(rateText) ? Number(rateText) : Number.NaN;
    if (!(Number.isSafeInteger(requestsPerMinute) && requestsPerMinute >= 1)) bad("LIGHTER_REQUESTS_PER_MINUTE", `${quoted(rateText)} must be a positive whole number (60 on a standard account)`);
    const staleMs = duration("AUTONOME_FEED_STALE", "30s", { allowZero: false });
    return { baseUrl, wsUrl: wsUrl ?? "", chainId, symbols, marketBoundBps, requestsPerMinute, staleMs };
  }
}

/** Parses the way the pg driver does (it encodes spaces and stray % first, and allows an empty host). */
function validPostgresUrl(url: string): boolean {
  const text = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(url) ? encodeURI(url).replace(/%25(\d\d)/g, "%$1") : url;
  for (const candidate of [text, text.replace("@/", "@localhost/")]) {
    try {
      new URL(candidate);
      return true;
    } catch {
      // try the next form
    }
  }
  return false;
}

/** `SYMBOL=path,SYMBOL=path`; when the replay feed is on, every file must exist and be readable now. */
function replayFilesFrom(text: string | undefined, needed: boolean, bad: (name: string, message: string) => void): Array<{ path: string; symbol: string }> {
  const NAME = "AUTONOME_REPLAY_FILES";
  const files: Array<{ path: string; symbol: string }> = [];
  const items = (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    const eq = item.indexOf("=");
    const symbol = eq < 0 ? "" : item.slice(0, eq).trim();
    const path = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (!symbol || !path) {
      bad(NAME, `${quoted(item)} must be SYMBOL=path`);
      continue;
    }
    files.push({ symbol: ourSymbol(symbol), path });
  }
  if (!needed) return files;
  if (items.length === 0) {
    bad(NAME, "the replay feed (AUTONOME_FEED=replay) needs files, e.g. BTC=../shared/data/market/l2_binance_spot_btcusdt_20240808.csv");
    return files;
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (!REPLAY_MARKETS.some((m) => m.symbol === f.symbol)) {
      bad(NAME, `no market for ${f.symbol} (known: ${REPLAY_MARKETS.map((m) => m.symbol).join(", ")})`);
    } else if (seen.has(f.symbol)) {
      bad(NAME, `two files play into ${f.symbol}: give each symbol one file`);
    }
    seen.add(f.symbol);
    const problem = unreadable(f.path);
    if (problem) bad(NAME, `${f.path}: ${problem}`);
  }
  return files;
}

function unreadable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return "is not a file";
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file";
    if (code === "EACCES") return "cannot be read (permission denied)";
    return error instanceof Error ? error.message : String(error);
  }
}
