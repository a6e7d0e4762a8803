import { and, asc, eq, gte, sql } from "drizzle-orm";
import { parseScaled } from "../core/decimal.js";
import type { Logger } from "../core/logger.js";
import { silentLogger } from "../core/logger.js";
import { lotsToQuantity, ticksToPrice, type MarketSpec } from "../core/market.js";
import type { Db } from "../db/client.js";
import { insertRows, type TableKeys } from "../db/json-rows.js";
import { candles } from "../db/schema.js";
import { CandleBuilder, aggregate } from "../feeds/candles.js";
import type { Candle, CandleInterval } from "../feeds/feed.js";
import type { MarketRoom } from "./market-room.js";

const KEEP: Record<CandleInterval, number> = { "1m": 4320, "5m": 2000, "1h": 500 };
const HISTORY_MINUTES = 4320;

/**
 * Candles for market intelligence: 1m, 5m and 1h per symbol, built from whatever the feed
 * delivers to the market room (see attach), with closed 1-minute candles stored in the database
 * so a restart keeps history.
 */
export class CandleStore {
  private readonly closed = new Map<string, Candle[]>();
  private readonly builder: CandleBuilder;
  private readonly markets: Map<string, MarketSpec>;
  private readonly logger: Logger;
  /** Candle writes in flight: nothing reads them back while running, but a shutdown or a backtest's end waits for them. */
  private readonly writes = new Set<Promise<void>>();
  /** Closed 1m candles not written yet; `writing` once a write that takes them is scheduled. */
  private readonly unwritten: Candle[] = [];
  private writing = false;
  private holdCandles = 1;

  constructor(
    private readonly db: Db,
    markets: readonly MarketSpec[],
    logger?: Logger,
  ) {
    this.markets = new Map(markets.map((m) => [m.symbol, m]));
    this.logger = logger ?? silentLogger;
    this.builder = new CandleBuilder({ onClose: (c) => this.onClose(c) });
  }

  /** Loads the last three days of 1m candles; a symbol without history gets `backfill(symbol)`. */
  async load(now: number, backfill: (market: MarketSpec) => Candle[] | null): Promise<void> {
    for (const market of this.markets.values()) {
      const since = new Date(now - HISTORY_MINUTES * 60_000);
      const rows = await this.db
        .select()
        .from(candles)
        .where(and(eq(candles.symbol, market.symbol), eq(candles.interval, "1m"), gte(candles.openTime, since)))
        .orderBy(asc(candles.openTime));
      let minutes = rows.map((r) => fromRow(market, r));
      if (minutes.length === 0) {
        minutes = backfill(market) ?? [];
        await this.store(minutes);
        if (minutes.length > 0) this.logger.info({ symbol: market.symbol, candles: minutes.length }, "backfilled candle history");
      }
      this.closed.set(key(market.symbol, "1m"), minutes.slice(-KEEP["1m"]));
      for (const interval of ["5m", "1h"] as const) this.closed.set(key(market.symbol, interval), aggregate(minutes, interval).slice(-KEEP[interval]));
    }
  }

  /**
   * Listens to the room: every update adds the feed's mid (while the market has one), every
   * trade print its volume. Returns the removal of both listeners.
   */
  attach(room: MarketRoom): () => void {
    const offBook = room.onBook("candles", (u, q) => {
      if (q.mid !== undefined) this.add(u.symbol, u.ts, q.mid);
    });
    const offTrade = room.onTrade("candles", (t) => this.add(t.symbol, t.ts, t.priceTicks, t.sizeLots));
    return () => {
      offBook();
      offTrade();
    };
  }

  add(symbol: string, ts: number, midTicks: number, volumeLots = 0): void {
    // Only markets it keeps: one that joined the room without addMarket (none today) has no candles.
    if (!this.markets.has(symbol)) return;
    this.builder.add(symbol, ts, midTicks, volumeLots);
  }

  /** A market that joined while running (an outcome token): its candles start from its first book. */
  addMarket(market: MarketSpec): void {
    if (this.markets.has(market.symbol)) return;
    this.markets.set(market.symbol, market);
    this.closed.set(key(market.symbol, "1m"), []);
    for (const interval of ["5m", "1h"] as const) this.closed.set(key(market.symbol, interval), []);
  }

  get busy(): boolean {
    return this.writes.size > 0;
  }

  async idle(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  closeUpTo(ts: number): void {
    this.builder.closeUpTo(ts);
  }

  /** Closed candles followed by the one in progress, oldest first. */
  get(symbol: string, interval: CandleInterval): Candle[] {
    const list = this.closed.get(key(symbol, interval)) ?? [];
    const current = this.builder.current(symbol, interval);
    if (!current) return list;
    const last = list[list.length - 1];
    return last && last.openTime >= current.openTime ? list : [...list, current];
  }

  private onClose(c: Candle): void {
    const k = key(c.symbol, c.interval);
    const list = this.closed.get(k) ?? [];
    const last = list[list.length - 1];
    if (last && last.openTime >= c.openTime) return; // history already covers it
    list.push(c);
    if (list.length > KEEP[c.interval] * 1.2) list.splice(0, list.length - KEEP[c.interval]);
    this.closed.set(k, list);
    if (c.interval !== "1m") return;
    this.unwritten.push(c);
    if (this.unwritten.length >= this.holdCandles) this.scheduleWrite();
  }

  /**
   * Keeps up to `candles` closed 1-minute candles in memory before writing them in one statement,
   * for a run that reads no candle rows before it ends (a backtest); call flush() at its end.
   * 1 (the default) writes at once: every candle that closes at the same moment goes in one
   * statement, started after the code that closed them has run.
   */
  hold(candles: number): void {
    if (!Number.isSafeInteger(candles) || candles < 1) throw new RangeError(`candles must be a whole number of at least 1, got ${candles}`);
    this.holdCandles = candles;
  }

  /** Writes the candles kept so far and waits for every write. */
  async flush(): Promise<void> {
    if (this.unwritten.length > 0) this.scheduleWrite();
    await this.idle();
  }

  private scheduleWrite(): void {
    if (this.writing) return;
    this.writing = true;
    const write = Promise.resolve()
      .then(() => {
        this.writing = false;
        return this.store(this.unwritten.splice(0));
      })
      .catch((e: unknown) => this.logger.warn({ err: e }, "could not store a candle"))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  private async store(list: Candle[]): Promise<void> {
    for (let i = 0; i < list.length; i += 1000) {
      const batch = list.slice(i, i + 1000).map((c) => {
        const m = this.markets.get(c.symbol)!;
        return {
          symbol: c.symbol,
          interval: c.interval,
          openTime: new Date(c.openTime),
          open: ticksToPrice(m, c.open),
          high: ticksToPrice(m, c.high),
          low: ticksToPrice(m, c.low),
          close: ticksToPrice(m, c.close),
          volume: lotsToQuantity(m, c.volume),
        };
      });
      if (batch.length === 0) continue;
      // One jsonb parameter rather than eight a candle: a backtest writes a thousand at a time.
      await this.db.execute(sql`${insertRows(candles, CANDLE_KEYS, batch)} on conflict do nothing`);
    }
  }
}

const CANDLE_KEYS: TableKeys<typeof candles> = ["symbol", "interval", "openTime", "open", "high", "low", "close", "volume"];

function key(symbol: string, interval: CandleInterval): string {
  return `${symbol}/${interval}`;
}

function fromRow(m: MarketSpec, r: typeof candles.$inferSelect): Candle {
  const px = (v: string) => Number(parseScaled(v, m.priceDecimals, "half-up"));
  return {
    symbol: m.symbol,
    interval: "1m",
    openTime: r.openTime.getTime(),
    open: px(r.open),
    high: px(r.high),
    low: px(r.low),
    close: px(r.close),
    volume: Number(parseScaled(r.volume, m.sizeDecimals, "half-up")),
  };
}
