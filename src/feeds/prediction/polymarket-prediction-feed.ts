import type { Cancel, Clock } from "../../core/clock.js";
import { formatScaled, parseScaled } from "../../core/decimal.js";
import { OUTCOME_PRICE_DECIMALS, tickSizeTicks, type OutcomeTickSize } from "../../core/instrument.js";
import type { Logger } from "../../core/logger.js";
import type { PredictionMarketInput } from "../../prediction/prediction-market.js";
import type { PredictionMarketMeta } from "../../venues/polymarket/gamma.js";
import { PolymarketBook, type WireLevel, type WireSide } from "./polymarket-book.js";
import { listedMarkets, marketByToken, marketsByConditionId, mostActiveMarkets, type GammaAnswer, type GammaMarkets } from "./polymarket-gamma-reads.js";
import { polymarketMarketInput } from "./polymarket-market-input.js";
import { PolymarketMarketSocket, type PolymarketMarketSocketOptions } from "./polymarket-market-socket.js";
import type { PredictionFeed, PredictionSink } from "./prediction-feed.js";

export interface PolymarketPredictionFeedOptions {
  gamma: GammaMarkets;
  /** The CLOB market channel: config.polymarket.clobWsUrl + "/market". */
  wsUrl: string;
  /** AUTONOME_PM_MARKETS: condition ids or slugs; empty: the `marketLimit` most active open markets. */
  markets: readonly string[];
  marketLimit: number;
  /** Condition ids of Polymarket markets a previous run reported and that have not resolved (a position may be held): followed too. */
  adopt?: readonly string[];
  /** Book timestamps, Gamma's re-reads, staleness. */
  clock: Clock;
  logger: Pick<Logger, "warn" | "info" | "error">;
  /** How often Gamma is read again (closings and resolutions the socket did not announce; replacements in the most-active list). Default 60 s of the clock. */
  refreshMs?: number;
  /** A token whose book has not changed for this long is reported stale by describe(). Default 2 min. */
  staleMs?: number;
  /** How long ensureToken waits for the first book. Default 10 s (wall time). */
  bookTimeoutMs?: number;
  /** Socket timing (tests shorten it). */
  socket?: Pick<PolymarketMarketSocketOptions, "pingMs" | "silentMs" | "minBackoffMs" | "maxBackoffMs">;
}

export interface PolymarketPredictionFeed extends PredictionFeed {
  readonly kind: "polymarket";
  ensureToken(tokenId: string): Promise<boolean>;
  /** Reads Gamma now (start() does it at once, then every refreshMs). */
  refresh(): Promise<void>;
  /** One token's book as assembled (for checks), or undefined for a token not followed. */
  book(tokenId: string): PolymarketBook | undefined;
}

interface Followed {
  readonly input: PredictionMarketInput;
  /** From the selection (counts toward marketLimit), a previous run, or ensureToken. */
  readonly origin: "selection" | "adopted" | "on-demand";
  status: PredictionMarketInput["status"];
  tickSize: OutcomeTickSize;
  /** The socket announced a tick change: Gamma's tick (slower to follow) no longer overrides it. */
  tickFromSocket: boolean;
}

interface Token {
  readonly conditionId: string;
  readonly book: PolymarketBook;
  lastUpdateAt: number | undefined;
  updates: number;
}

/** "0.0010" → "0.001": the tick as OUTCOME_TICK_SIZES spells it, or undefined. */
function canonicalTick(text: unknown): OutcomeTickSize | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const tick = formatScaled(parseScaled(text, OUTCOME_PRICE_DECIMALS, "exact"), OUTCOME_PRICE_DECIMALS);
    return tickSizeTicks(tick) === undefined ? undefined : (tick as OutcomeTickSize);
  } catch {
    return undefined;
  }
}

/**
 * Polymarket's live prediction markets: metadata from Gamma (the markets AUTONOME_PM_MARKETS
 * lists, or the most active open ones), books from the CLOB market channel (snapshot, then
 * level changes, assembled exactly), tick-size changes and resolutions as the socket announces
 * them, and Gamma read again every minute for what it does not announce (a market closing, a
 * resolution missed while disconnected). ensureToken adds a market on demand by token id.
 */
export function createPolymarketPredictionFeed(options: PolymarketPredictionFeedOptions): PolymarketPredictionFeed {
  const { gamma, clock, logger } = options;
  const refreshMs = options.refreshMs ?? 60_000;
  const staleMs = options.staleMs ?? 120_000;
  const bookTimeoutMs = options.bookTimeoutMs ?? 10_000;
  const listed = options.markets.length > 0;
  const followed = new Map<string, Followed>();
  const tokens = new Map<string, Token>();
  const waiters = new Map<string, Array<(ok: boolean) => void>>();
  const lookups = new Map<string, Promise<boolean>>();
  const refused = new Map<string, string>();
  let missing: string[] = [];
  let sink: PredictionSink | undefined;
  let cancel: Cancel | undefined;
  let refreshing: Promise<void> | undefined;
  let firstPass = true;
  let lastRefreshAt: number | undefined;
  let refreshError: string | undefined;

  const socket = new PolymarketMarketSocket({
    url: options.wsUrl,
    ...options.socket,
    logger,
    onEvent: (e) => {
      try {
        onEvent(e);
      } catch (error) {
        logger.error({ err: error, event: e.event_type }, "Polymarket market channel event failed");
      }
    },
    onOpen: () => logger.info({ tokens: socket.subscribed }, "Polymarket market channel subscribed"),
    // Whatever changed while down was not seen: every book waits for its fresh snapshot.
    onClose: () => tokens.forEach((t) => t.book.reset()),
  });

  const settleWaiters = (tokenId: string, ok: boolean) => {
    const list = waiters.get(tokenId);
    if (!list) return;
    waiters.delete(tokenId);
    for (const w of list) w(ok);
  };

  /** A market Gamma answered that the feed does not follow yet: reported, then its books subscribed (while it trades). */
  const admit = (meta: PredictionMarketMeta, origin: Followed["origin"]): boolean => {
    if (!sink || followed.has(meta.conditionId)) return false;
    const read = polymarketMarketInput(meta);
    if ("problem" in read) {
      if (!refused.has(meta.conditionId)) logger.warn({ conditionId: meta.conditionId, reason: read.problem }, "Polymarket market left out");
      refused.set(meta.conditionId, read.problem);
      return false;
    }
    const { input } = read;
    refused.delete(input.conditionId);
    followed.set(input.conditionId, { input, origin, status: input.status, tickSize: input.tickSize, tickFromSocket: false });
    sink.market(input);
    // A closed market's tokens stay on the socket until it resolves: market_resolved comes there first.
    if (input.status === "resolved") return true;
    for (const o of input.outcomes) tokens.set(o.tokenId, { conditionId: input.conditionId, book: new PolymarketBook(), lastUpdateAt: undefined, updates: 0 });
    socket.add(input.outcomes.map((o) => o.tokenId));
    return true;
  };

  /** The market resolved: its tokens leave the socket; waiting ensureTokens get false. */
  const retire = (m: Followed) => {
    const ids = m.input.outcomes.map((o) => o.tokenId);
    socket.remove(ids);
    for (const id of ids) {
      tokens.delete(id);
      settleWaiters(id, false);
    }
  };

  const markClosed = (m: Followed) => {
    if (m.status !== "open") return;
    m.status = "closed";
    sink?.closed(m.input.conditionId);
    for (const o of m.input.outcomes) settleWaiters(o.tokenId, false);
  };

  const markResolved = (m: Followed, winner: string) => {
    if (m.status === "resolved") return;
    if (!m.input.outcomes.some((o) => o.outcome === winner)) {
      logger.warn({ conditionId: m.input.conditionId, winner }, "Polymarket resolution names no outcome of the market; ignored");
      return;
    }
    markClosed(m);
    m.status = "resolved";
    sink?.resolved(m.input.conditionId, winner);
    retire(m);
  };

  const setTick = (m: Followed, tick: OutcomeTickSize) => {
    if (m.tickSize === tick) return;
    m.tickSize = tick;
    sink?.tickSize(m.input.conditionId, tick);
  };

  /** What Gamma says now of a followed market: closing, resolution, and its tick unless the socket moved it. */
  const update = (meta: PredictionMarketMeta) => {
    const m = followed.get(meta.conditionId);
    if (!m) return;
    const tick = canonicalTick(meta.tickSize);
    if (tick && !m.tickFromSocket && m.status === "open") setTick(m, tick);
    if (meta.status === "resolved" && meta.winner !== undefined) markResolved(m, meta.winner);
    else if (meta.status === "closed") markClosed(m);
  };

  const take = (answer: GammaAnswer, origin: Followed["origin"], room = Infinity) => {
    let added = 0;
    for (const r of answer.refused) {
      if (r.conditionId && !refused.has(r.conditionId.toLowerCase())) logger.warn({ conditionId: r.conditionId, reason: r.reason }, "Polymarket market left out (Gamma row)");
      if (r.conditionId) refused.set(r.conditionId.toLowerCase(), r.reason);
    }
    for (const meta of answer.markets) {
      if (followed.has(meta.conditionId)) update(meta);
      else if (added < room && admit(meta, origin)) added++;
    }
  };

  const pass = async () => {
    const first = firstPass;
    const seen = new Set<string>();
    if (listed) {
      const answer = await listedMarkets(gamma, options.markets);
      missing = answer.missing;
      if (missing.length > 0 && first) logger.warn({ missing }, "AUTONOME_PM_MARKETS: Gamma does not know these markets");
      take(answer, "selection");
      answer.markets.forEach((m) => seen.add(m.conditionId));
    } else {
      const open = [...followed.values()].filter((m) => m.origin === "selection" && m.status === "open").length;
      const answer = await mostActiveMarkets(gamma, options.marketLimit);
      take(answer, "selection", Math.max(0, options.marketLimit - open));
      answer.markets.forEach((m) => seen.add(m.conditionId));
    }
    const adopt = first ? (options.adopt ?? []).filter((id) => !followed.has(id.toLowerCase())) : [];
    const rest = [...followed.values()].filter((m) => m.status !== "resolved" && !seen.has(m.input.conditionId)).map((m) => m.input.conditionId);
    if (adopt.length + rest.length > 0) {
      const answer = await marketsByConditionId(gamma, [...rest, ...adopt]);
      take(answer, "adopted");
    }
    firstPass = false;
  };

  const refresh = (): Promise<void> => {
    refreshing ??= pass()
      .then(() => {
        lastRefreshAt = clock.now();
        refreshError = undefined;
      })
      .catch((error: unknown) => {
        refreshError = error instanceof Error ? error.message : String(error);
        logger.warn({ err: error }, "Polymarket Gamma read failed; the next one is in a minute");
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  function onEvent(e: Record<string, unknown>): void {
    if (!sink) return;
    switch (e.event_type) {
      case "book":
        return onBook(String(e.asset_id), e.bids, e.asks);
      case "price_change":
        return onPriceChange(e.price_changes);
      case "tick_size_change": {
        const m = followed.get(String(e.market).toLowerCase());
        const tick = canonicalTick(e.new_tick_size);
        if (!m || m.status !== "open") return;
        if (!tick) return void logger.warn({ conditionId: m.input.conditionId, tick: e.new_tick_size }, "Polymarket tick size change to a tick this system does not know; ignored");
        m.tickFromSocket = true;
        // One event per token of the market: the first changes it, the rest find it done.
        setTick(m, tick);
        return;
      }
      case "market_resolved": {
        const m = followed.get(String(e.market ?? e.id).toLowerCase());
        if (!m) return;
        const byToken = m.input.outcomes.find((o) => o.tokenId === String(e.winning_asset_id));
        const byName = m.input.outcomes.find((o) => typeof e.winning_outcome === "string" && o.outcome.toLowerCase() === e.winning_outcome.toLowerCase());
        const winner = (byToken ?? byName)?.outcome;
        if (winner === undefined) return void logger.warn({ conditionId: m.input.conditionId, event: e }, "Polymarket market_resolved names no outcome of the market; Gamma's re-read will tell");
        markResolved(m, winner);
        return;
      }
      default:
        // last_trade_price, best_bid_ask, new_market: nothing the books need.
        return;
    }
  }

  const unreadable = (tokenId: string, t: Token, error: unknown) => {
    logger.warn({ err: error, tokenId }, "unreadable Polymarket book; asking for a fresh snapshot");
    t.book.reset();
    socket.resync(tokenId);
  };

  function onBook(tokenId: string, bids: unknown, asks: unknown): void {
    const t = tokens.get(tokenId);
    if (!t) return;
    const now = clock.now();
    try {
      if (!Array.isArray(bids) || !Array.isArray(asks)) throw new Error("book without bids or asks arrays");
      const update = t.book.applyBook(bids as WireLevel[], asks as WireLevel[], now);
      t.lastUpdateAt = now;
      t.updates++;
      sink?.book(tokenId, update);
    } catch (error) {
      return unreadable(tokenId, t, error);
    }
    settleWaiters(tokenId, true);
  }

  function onPriceChange(changes: unknown): void {
    if (!Array.isArray(changes)) return;
    const now = clock.now();
    for (const c of changes as Array<Record<string, unknown>>) {
      const tokenId = String(c.asset_id);
      const t = tokens.get(tokenId);
      if (!t || !t.book.isSynced) continue;
      try {
        const delta = t.book.applyChange(c.side as WireSide, c.price as string, c.size as string, now);
        if (!delta) continue;
        t.lastUpdateAt = now;
        t.updates++;
        sink?.book(tokenId, delta);
      } catch (error) {
        unreadable(tokenId, t, error);
      }
    }
  }

  const waitForBook = (tokenId: string): Promise<boolean> => {
    const t = tokens.get(tokenId);
    if (!t) return Promise.resolve(false);
    if (t.book.isSynced) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), bookTimeoutMs);
      timer.unref();
      const done = (ok: boolean) => {
        clearTimeout(timer);
        const list = waiters.get(tokenId);
        if (list) {
          const rest = list.filter((w) => w !== done);
          if (rest.length > 0) waiters.set(tokenId, rest);
          else waiters.delete(tokenId);
        }
        resolve(ok);
      };
      waiters.set(tokenId, [...(waiters.get(tokenId) ?? []), done]);
    });
  };

  const lookUp = async (tokenId: string): Promise<boolean> => {
    let found;
    try {
      found = await marketByToken(gamma, tokenId);
    } catch (error) {
      logger.warn({ err: error, tokenId }, "Polymarket Gamma lookup by token failed");
      return false;
    }
    if (!found.market) {
      if (found.refused[0]) logger.warn({ tokenId, reason: found.refused[0].reason }, "Polymarket market of a token cannot be read");
      return false;
    }
    // Its other token may have brought the market in meanwhile.
    if (!followed.has(found.market.conditionId)) admit(found.market, "on-demand");
    return trading(tokenId) ? waitForBook(tokenId) : false;
  };

  /** True for a token of a followed market that still trades (open). */
  const trading = (tokenId: string): boolean => {
    const t = tokens.get(tokenId);
    return t !== undefined && followed.get(t.conditionId)?.status === "open";
  };

  const feed: PolymarketPredictionFeed = {
    kind: "polymarket",
    start(s) {
      sink = s;
      socket.start();
      void refresh();
      cancel = clock.every(refreshMs, () => void refresh());
    },
    stop() {
      cancel?.();
      cancel = undefined;
      socket.stop();
      sink = undefined;
      for (const id of [...waiters.keys()]) settleWaiters(id, false);
    },
    refresh,
    book: (tokenId) => tokens.get(tokenId)?.book,
    ensureToken(tokenId) {
      if (!sink) return Promise.resolve(false);
      if (tokens.has(tokenId)) return trading(tokenId) ? waitForBook(tokenId) : Promise.resolve(false);
      // A token of a market followed but resolved: nothing to wait for.
      if ([...followed.values()].some((m) => m.input.outcomes.some((o) => o.tokenId === tokenId))) return Promise.resolve(false);
      let lookup = lookups.get(tokenId);
      if (!lookup) {
        lookup = lookUp(tokenId).finally(() => lookups.delete(tokenId));
        lookups.set(tokenId, lookup);
      }
      return lookup;
    },
    describe() {
      const now = clock.now();
      const stale = [...tokens].filter(([, t]) => !t.book.isSynced || t.lastUpdateAt === undefined || now - t.lastUpdateAt > staleMs).map(([id]) => id);
      const open = [...followed.values()].filter((m) => m.status === "open");
      return {
        kind: "polymarket",
        selection: listed ? { listed: options.markets.length, missing } : { mostActive: options.marketLimit },
        connected: socket.connected,
        reconnects: socket.reconnects,
        markets: { open: open.length, closed: [...followed.values()].filter((m) => m.status === "closed").length, onDemand: open.filter((m) => m.origin === "on-demand").length },
        tokens: tokens.size,
        synced: [...tokens.values()].filter((t) => t.book.isSynced).length,
        staleAfterMs: staleMs,
        stale: stale.length,
        staleTokens: stale.slice(0, 20),
        lastRefreshAt: lastRefreshAt === undefined ? null : new Date(lastRefreshAt).toISOString(),
        ...(refreshError !== undefined ? { refreshError } : {}),
        ...(refused.size > 0 ? { refused: Object.fromEntries([...refused].slice(0, 20)) } : {}),
      };
    },
  };
  return feed;
}
