import { systemClock } from "../../src/core/clock.js";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, MAX_TIMER_MS } from "../../src/app/config.js";
import { Scheduler, type SchedulerOptions } from "../../src/scheduler/scheduler.js";

const dir = mkdtempSync(join(tmpdir(), "autonome-config-"));
const replayFile = join(dir, "btc.csv");
writeFileSync(replayFile, "exchange_ts_ms,update_id,is_snapshot,side,price,qty\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ConfigError loadConfig throws for env (fails the test when it does not throw one). */
function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("starts from the documented defaults", () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: "127.0.0.1",
      apiToken: undefined,
      dataDir: "./data",
      databaseUrl: undefined,
      feed: "synthetic",
      replayFiles: [],
      replaySpeed: 1,
      seed: 42,
      tradeIntervalMs: 300_000,
      runOnStart: "rules",
      feedIntervalMs: 500,
      mode: "simulation",
      logLevel: "info",
      mirrors: true,
      mirrorLeaseMs: 10_000,
      reconcileIntervalMs: 60_000,
      backtestConcurrency: 1,
      llmCallsRetentionDays: 30,
      lighter: {
        baseUrl: "https://mainnet.zklighter.elliot.ai",
        wsUrl: "wss://mainnet.zklighter.elliot.ai/stream",
        chainId: 304,
        symbols: ["BTC", "ETH", "SOL"],
        marketBoundBps: 100,
        requestsPerMinute: 60,
        staleMs: 30_000,
      },
      polymarket: {
        feed: "synthetic",
        clobUrl: "https://clob.polymarket.com",
        clobWsUrl: "wss://ws-subscriptions-clob.polymarket.com/ws",
        dataApiUrl: "https://data-api.polymarket.com",
        gammaUrl: "https://gamma-api.polymarket.com",
        geoblockUrl: "https://polymarket.com/api/geoblock",
        chainId: 137,
        followPollMs: 5_000,
        replayDir: "../shared/data/market",
        replaySpeed: 1,
        markets: [],
        marketLimit: 20,
      },
    });
  });

  it("Polymarket live feed: AUTONOME_PM_MARKETS lists condition ids (lower-cased) and slugs, once each; AUTONOME_PM_MARKET_LIMIT is 1 to 100; bad values name their variable", () => {
    const id = `0x${"AB".repeat(32)}`;
    const c = loadConfig({ AUTONOME_PM_FEED: "polymarket", AUTONOME_PM_MARKETS: ` ${id}, will-it-rain-tomorrow,${id.toLowerCase()}`, AUTONOME_PM_MARKET_LIMIT: "5" });
    expect(c.polymarket).toMatchObject({ feed: "polymarket", markets: [id.toLowerCase(), "will-it-rain-tomorrow"], marketLimit: 5 });
    expect(loadConfig({ AUTONOME_PM_MARKET_LIMIT: "100" }).polymarket.marketLimit).toBe(100);
    expect(problemsOf({ AUTONOME_PM_MARKETS: "a,,b" }).problems).toEqual([expect.stringMatching(/^AUTONOME_PM_MARKETS: "a,,b" has an empty entry/)]);
    // 0x and too few hex digits is a mistyped condition id, not a slug.
    const wrong = problemsOf({ AUTONOME_PM_MARKETS: `0x${"ab".repeat(31)},will it rain,ok-slug` });
    expect(wrong.problems).toHaveLength(1);
    expect(wrong.problems[0]).toMatch(/^AUTONOME_PM_MARKETS: "0xabab[0-9a-f]*", "will it rain" are neither a condition id \(0x \+ 64 hex digits\) nor a market slug/);
    expect(problemsOf({ AUTONOME_PM_MARKETS: " " }).problems[0]).toMatch(/^AUTONOME_PM_MARKETS: is set but empty/);
    for (const limit of ["0", "101", "-1", "2.5", "many"])
      expect(problemsOf({ AUTONOME_PM_MARKET_LIMIT: limit }).problems[0], limit).toMatch(/^AUTONOME_PM_MARKET_LIMIT: .*whole number from 1 to 100/);
  });

  it("Polymarket replay: AUTONOME_PM_REPLAY_DIR must hold both recorded files when AUTONOME_PM_FEED=replay (the error names the variable and the file); AUTONOME_PM_REPLAY_SPEED is a positive number", () => {
    const pmDir = join(dir, "pm");
    mkdirSync(pmDir, { recursive: true });
    writeFileSync(join(pmDir, "polymarket_btc_updown_markets_20260615.csv"), "x\n");
    const missing = problemsOf({ AUTONOME_PM_FEED: "replay", AUTONOME_PM_REPLAY_DIR: pmDir });
    expect(missing.problems).toHaveLength(1);
    expect(missing.problems[0]).toMatch(/^AUTONOME_PM_REPLAY_DIR: .*polymarket_btc_updown_book_snapshots_20260615\.csv: no such file/);
    // Another feed does not need the files.
    expect(loadConfig({ AUTONOME_PM_REPLAY_DIR: pmDir }).polymarket.replayDir).toBe(pmDir);
    writeFileSync(join(pmDir, "polymarket_btc_updown_book_snapshots_20260615.csv"), "x\n");
    const c = loadConfig({ AUTONOME_PM_FEED: "replay", AUTONOME_PM_REPLAY_DIR: pmDir, AUTONOME_PM_REPLAY_SPEED: "60" });
    expect(c.polymarket).toMatchObject({ feed: "replay", replayDir: pmDir, replaySpeed: 60 });
    for (const speed of ["0", "max", "-1", "fast"]) expect(problemsOf({ AUTONOME_PM_REPLAY_SPEED: speed }).problems[0]).toMatch(/^AUTONOME_PM_REPLAY_SPEED: .*positive number/);
  });

  it("Polymarket: AUTONOME_PM_FEED picks the prediction-market feed; every endpoint can point at a fake; bad values name their variable", () => {
    const c = loadConfig({
      AUTONOME_PM_FEED: "off",
      POLYMARKET_CLOB_URL: "http://127.0.0.1:9000/",
      POLYMARKET_CLOB_WS_URL: "ws://127.0.0.1:9000/ws",
      POLYMARKET_DATA_API_URL: "http://127.0.0.1:9001",
    });
    expect(c.polymarket).toMatchObject({ feed: "off", clobUrl: "http://127.0.0.1:9000", clobWsUrl: "ws://127.0.0.1:9000/ws", dataApiUrl: "http://127.0.0.1:9001" });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(loadConfig({}).polymarket).toMatchObject({
      feed: "synthetic",
      clobUrl: "https://clob.polymarket.com",
      dataApiUrl: "https://data-api.polymarket.com",
      gammaUrl: "https://gamma-api.polymarket.com",
      geoblockUrl: "https://polymarket.com/api/geoblock",
    });
    expect(problems({ AUTONOME_PM_FEED: "kalshi" })[0]).toMatch(/^AUTONOME_PM_FEED/);
    expect(problems({ POLYMARKET_CLOB_WS_URL: "https://x" })[0]).toMatch(/^POLYMARKET_CLOB_WS_URL: .*ws\(s\) URL/);
    expect(problems({ POLYMARKET_GAMMA_URL: "gamma" })[0]).toMatch(/^POLYMARKET_GAMMA_URL/);
  });

  it("Lighter: the WebSocket URL follows the base URL (path /stream) unless set; bad values name their variable", () => {
    const testnet = loadConfig({ LIGHTER_BASE_URL: "https://testnet.zklighter.elliot.ai", LIGHTER_CHAIN_ID: "300", LIGHTER_MARKETS: "eth, btc" });
    expect(testnet.lighter).toMatchObject({ wsUrl: "wss://testnet.zklighter.elliot.ai/stream", chainId: 300, symbols: ["ETH", "BTC"] });
    expect(loadConfig({ LIGHTER_BASE_URL: "http://127.0.0.1:8799" }).lighter.wsUrl).toBe("ws://127.0.0.1:8799/stream");
    expect(loadConfig({ LIGHTER_WS_URL: "ws://127.0.0.1:9/stream" }).lighter.wsUrl).toBe("ws://127.0.0.1:9/stream");
    expect(loadConfig({ AUTONOME_FEED: "lighter" }).feed).toBe("lighter");
    let error: unknown;
    try {
      loadConfig({ LIGHTER_BASE_URL: "mainnet", LIGHTER_WS_URL: "https://x", LIGHTER_CHAIN_ID: "main", LIGHTER_MARKETS: "BTC-PERP", LIGHTER_MARKET_BOUND_BPS: "0", LIGHTER_REQUESTS_PER_MINUTE: "0" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(["LIGHTER_BASE_URL", "LIGHTER_WS_URL", "LIGHTER_CHAIN_ID", "LIGHTER_MARKETS", "LIGHTER_MARKET_BOUND_BPS", "LIGHTER_REQUESTS_PER_MINUTE"]);
  });

  it("accepts intervals up to Node's timer limit and 0 (disabled) for the scheduler", () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    const c = loadConfig({ AUTONOME_TRADE_INTERVAL: String(MAX_TIMER_MS), AUTONOME_FEED_INTERVAL: String(MAX_TIMER_MS) });
    expect(c.tradeIntervalMs).toBe(MAX_TIMER_MS);
    expect(c.feedIntervalMs).toBe(MAX_TIMER_MS);
    expect(loadConfig({ AUTONOME_TRADE_INTERVAL: "0" }).tradeIntervalMs).toBe(0);
    expect(loadConfig({ AUTONOME_TRADE_INTERVAL: "24d" }).tradeIntervalMs).toBe(24 * 86_400_000);
  });

  it("AUTONOME_RUN_ON_START: true runs every model at start, rules (the default) only rule models, false none; anything else names the variable and the words", () => {
    expect(loadConfig({ AUTONOME_RUN_ON_START: "true" }).runOnStart).toBe("all");
    expect(loadConfig({ AUTONOME_RUN_ON_START: "rules" }).runOnStart).toBe("rules");
    expect(loadConfig({ AUTONOME_RUN_ON_START: "false" }).runOnStart).toBe("none");
    expect(loadConfig({}).runOnStart).toBe("rules");
    for (const bad of ["yes", "TRUE", "1", "llm"]) {
      const e = problemsOf({ AUTONOME_RUN_ON_START: bad });
      expect(e.problems).toEqual([`AUTONOME_RUN_ON_START: "${bad}" must be one of true, false, rules`]);
    }
    expect(problemsOf({ AUTONOME_RUN_ON_START: "" }).message).toMatch(/^AUTONOME_RUN_ON_START: is set but empty/);
  });

  it.each(["2147483648", "600h", "35792m", "25d"])("rejects AUTONOME_TRADE_INTERVAL=%s beyond the timer limit, naming the variable and the maximum", (value) => {
    const e = problemsOf({ AUTONOME_TRADE_INTERVAL: value });
    expect(e.problems).toHaveLength(1);
    expect(e.message).toMatch(/^AUTONOME_TRADE_INTERVAL: /);
    expect(e.message).toContain("2147483647 ms");
  });

  it("rejects AUTONOME_FEED_INTERVAL beyond the timer limit or 0, naming the variable", () => {
    expect(problemsOf({ AUTONOME_FEED_INTERVAL: "1000h" }).message).toMatch(/^AUTONOME_FEED_INTERVAL: .*maximum of 2147483647 ms/);
    expect(problemsOf({ AUTONOME_FEED_INTERVAL: "0" }).message).toMatch(/^AUTONOME_FEED_INTERVAL: "0" must be more than 0/);
    expect(problemsOf({ AUTONOME_FEED_INTERVAL: "0.2ms" }).message).toMatch(/^AUTONOME_FEED_INTERVAL: /);
    expect(problemsOf({ AUTONOME_FEED_INTERVAL: "soon" }).message).toMatch(/^AUTONOME_FEED_INTERVAL: "soon" is not a duration/);
  });

  it.each([
    ["PORT", "", /is set but empty/],
    ["PORT", "0", /"0" is not a port number \(1-65535\)/],
    ["PORT", "65536", /is not a port number/],
    ["PORT", "80a", /is not a port number/],
    ["PORT", "3000.5", /is not a port number/],
    ["LOG_LEVEL", "verbose", /"verbose" must be one of fatal, error, warn, info, debug, trace, silent/],
    ["LOG_LEVEL", "INFO", /must be one of fatal, error, warn, info, debug, trace, silent/],
    ["AUTONOME_SEED", "1.5", /"1.5" must be an integer/],
    ["AUTONOME_SEED", "seven", /must be an integer/],
    ["AUTONOME_SEED", "", /is set but empty/],
    ["AUTONOME_REPLAY_SPEED", "fast", /must be a positive number .* or "max"/],
    ["AUTONOME_REPLAY_SPEED", "0", /must be a positive number/],
    ["AUTONOME_REPLAY_SPEED", "Infinity", /must be a positive number/],
    ["TRADING_MODE", "paper", /"paper" must be one of simulation, live/],
    ["IS_SIMULATION_ENABLED", "yes", /must be one of true, false/],
    ["AUTONOME_FEED", "live", /must be one of synthetic, replay/],
    ["AUTONOME_API_TOKEN", "", /is set but empty/],
    ["AUTONOME_HOST", " ", /is set but empty/],
    ["DATABASE_URL", "", /is set but empty/],
  ])("%s=%j is rejected with a message naming it", (name, value, message) => {
    const e = problemsOf({ [name]: value });
    expect(e.problems).toHaveLength(1);
    expect(e.message.startsWith(`${name}: `)).toBe(true);
    expect(e.message).toMatch(message);
  });

  it("AUTONOME_BACKTEST_CONCURRENCY: a whole number from 1 to 64", () => {
    expect(loadConfig({ AUTONOME_BACKTEST_CONCURRENCY: "3" }).backtestConcurrency).toBe(3);
    for (const bad of ["0", "65", "1.5", "two"]) expect(problemsOf({ AUTONOME_BACKTEST_CONCURRENCY: bad }).problems).toEqual([expect.stringMatching(/^AUTONOME_BACKTEST_CONCURRENCY: .*1 to 64/)]);
  });

  it("AUTONOME_LLM_CALLS_RETENTION_DAYS: whole days from 1 to 3650 (default 30), 0 or off keeps every recorded LLM call; anything else names the variable and stops the start", () => {
    expect(loadConfig({ AUTONOME_LLM_CALLS_RETENTION_DAYS: "7" }).llmCallsRetentionDays).toBe(7);
    expect(loadConfig({ AUTONOME_LLM_CALLS_RETENTION_DAYS: " 3650 " }).llmCallsRetentionDays).toBe(3650);
    for (const off of ["off", "OFF", "0", "00"]) expect(loadConfig({ AUTONOME_LLM_CALLS_RETENTION_DAYS: off }).llmCallsRetentionDays).toBeNull();
    for (const bad of ["-1", "1.5", "30d", "thirty", "3651", "on"]) {
      expect(problemsOf({ AUTONOME_LLM_CALLS_RETENTION_DAYS: bad }).problems).toEqual([
        `AUTONOME_LLM_CALLS_RETENTION_DAYS: ${JSON.stringify(bad)} must be a whole number of days from 1 to 3650, or 0 or off to keep every row`,
      ]);
    }
    expect(problemsOf({ AUTONOME_LLM_CALLS_RETENTION_DAYS: "" }).problems).toEqual([expect.stringMatching(/^AUTONOME_LLM_CALLS_RETENTION_DAYS: is set but empty/)]);
  });

  it("names both variables when TRADING_MODE contradicts IS_SIMULATION_ENABLED", () => {
    expect(problemsOf({ TRADING_MODE: "simulation", IS_SIMULATION_ENABLED: "false" }).message).toMatch(/^TRADING_MODE: .*IS_SIMULATION_ENABLED=false/);
  });

  it("DATABASE_URL must be a postgres:// or postgresql:// URL, and the message never echoes it", () => {
    for (const url of ["mysql://root:hunter2@db/app", "127.0.0.1:5432", "hunter2"]) {
      const e = problemsOf({ DATABASE_URL: url });
      expect(e.message).toMatch(/^DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(e.message).not.toContain("hunter2");
    }
    expect(problemsOf({ DATABASE_URL: "postgres://u:hunter2@db:99999/app" }).message).toMatch(/^DATABASE_URL: is not a valid URL/);
    for (const url of ["postgres://postgres@127.0.0.1:5432/postgres", "postgresql://u:p%40ss@db.example.com/app?sslmode=require", "postgres://u:pa ss@localhost/app"]) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it("replay files must exist and be readable when the replay feed is on, named with their path", () => {
    const missing = join(dir, "nope.csv");
    const e = problemsOf({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: `BTC=${replayFile},ETH=${missing},SOL=${dir}` });
    expect(e.problems).toEqual([`AUTONOME_REPLAY_FILES: ${missing}: no such file`, `AUTONOME_REPLAY_FILES: ${dir}: is not a file`]);
    expect(problemsOf({ AUTONOME_FEED: "replay" }).message).toMatch(/^AUTONOME_REPLAY_FILES: the replay feed .* needs files/);
    expect(problemsOf({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: "DOGE=" + replayFile }).message).toMatch(/^AUTONOME_REPLAY_FILES: no market for DOGE \(known: BTC, ETH, SOL, XRP\)/);
    expect(problemsOf({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: replayFile }).message).toMatch(/^AUTONOME_REPLAY_FILES: ".*" must be SYMBOL=path/);
    // The synthetic feed does not read them.
    expect(loadConfig({ AUTONOME_REPLAY_FILES: `BTC=${missing}` }).feed).toBe("synthetic");
  });

  it("a venue symbol in AUTONOME_REPLAY_FILES becomes ours, so the markets and the feed agree", () => {
    const c = loadConfig({ AUTONOME_FEED: "replay", AUTONOME_REPLAY_FILES: `BTCUSDT=${replayFile}`, AUTONOME_REPLAY_SPEED: "max" });
    expect(c.replayFiles).toEqual([{ symbol: "BTC", path: replayFile }]);
    expect(c.replaySpeed).toBe("max");
  });

  it("reports every bad variable at once, one line each, each line starting with its name", () => {
    const e = problemsOf({
      PORT: "",
      LOG_LEVEL: "loud",
      DATABASE_URL: "mysql://x",
      AUTONOME_FEED_INTERVAL: "0",
      AUTONOME_TRADE_INTERVAL: "9999h",
      AUTONOME_SEED: "x",
      AUTONOME_REPLAY_SPEED: "-1",
      TRADING_MODE: "paper",
      AUTONOME_FEED: "replay",
      AUTONOME_REPLAY_FILES: "BTC=/no/such/file.csv",
    });
    const names = e.problems.map((p) => p.split(":")[0]);
    expect(names.sort()).toEqual(
      ["PORT", "LOG_LEVEL", "DATABASE_URL", "AUTONOME_FEED_INTERVAL", "AUTONOME_TRADE_INTERVAL", "AUTONOME_SEED", "AUTONOME_REPLAY_SPEED", "TRADING_MODE", "AUTONOME_REPLAY_FILES"].sort(),
    );
    const lines = e.message.split("\n");
    expect(lines[0]).toBe("9 bad variables:");
    expect(lines.slice(1).map((l) => l.trim())).toEqual(e.problems);
    expect(e.message).toContain("AUTONOME_REPLAY_FILES: /no/such/file.csv: no such file");
  });
});

describe("Scheduler timer", () => {
  const scheduler = (intervalMs: number) => new Scheduler({ intervalMs, clock: systemClock } as unknown as SchedulerOptions);

  it.each([MAX_TIMER_MS + 1, Number.NaN, Number.POSITIVE_INFINITY])("refuses to arm an interval of %s ms, which Node would fire every millisecond", (ms) => {
    const s = scheduler(ms);
    expect(() => s.start()).toThrow(/at most 2147483647 ms/);
    expect(s.status().enabled).toBe(false);
  });

  it("arms the longest interval Node allows, and none for 0", async () => {
    const s = scheduler(MAX_TIMER_MS);
    s.start();
    expect(s.status().enabled).toBe(true);
    await s.stop();
    const off = scheduler(0);
    off.start();
    expect(off.status().enabled).toBe(false);
  });
});
