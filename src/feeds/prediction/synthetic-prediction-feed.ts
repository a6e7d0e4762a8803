import type { Cancel, Clock } from "../../core/clock.js";
import { tickSizeOf } from "../../core/instrument.js";
import type { Logger } from "../../core/logger.js";
import { createRng } from "../../core/rng.js";
import type { PredictionMarket } from "../../prediction/prediction-market.js";
import type { PredictionFeed, PredictionSink } from "./prediction-feed.js";
import { drawWinner, newSyntheticMarket, outcomeBook, stepProbabilities, wantedTick, type SyntheticPredictionMarket } from "./synthetic-markets.js";
import { fillOf, SYNTHETIC_TRADERS, traderMove, type Holdings, type SyntheticFill } from "./synthetic-traders.js";

export interface SyntheticPredictionFeedOptions {
  seed: number | string;
  clock: Clock;
  /** Time between book updates, ms (default 1000). */
  intervalMs?: number;
  /** Markets kept open at once (default 4): one that ends is replaced. */
  openMarkets?: number;
  /** Time from a market's end to its resolution, ms (default 60 s; Polymarket's take minutes). */
  resolveDelayMs?: number;
  /** Open synthetic markets a previous run left (from the catalog): continued, not abandoned. */
  adopt?: readonly PredictionMarket[];
  /** True for a market resolved outside the feed (by hand, in simulation): the feed drops it and opens another. */
  resolvedElsewhere?: (conditionId: string) => boolean;
  logger?: Pick<Logger, "error">;
}

export interface SyntheticPredictionFeed extends PredictionFeed {
  readonly kind: "synthetic";
  /** Steps to `ms` (each interval boundary since the last step), delivering to the started sink. start() drives it from the clock. */
  advanceTo(ms: number): void;
  /** The markets the process holds now (open and closed, not yet resolved). */
  markets(): readonly SyntheticPredictionMarket[];
  /** Fills of one synthetic trader (SYNTHETIC_TRADERS) after `afterSeq`, oldest first (the last hours kept). */
  walletFills(wallet: string, afterSeq: number): SyntheticFill[];
  /** The sequence number of the newest fill (0 before any). */
  lastFillSeq(): number;
  /** This run of the feed: fill sequence numbers mean nothing across runs (a restart starts them over). */
  readonly run: string;
  /** A synthetic trader's record: the markets it held at resolution, and the share where it held the winner. */
  traderRecord(wallet: string): { resolved: number; winRate: number };
}

/** Fills kept for the synthetic traders' readers: enough for hours of a follow model being down. */
const FILLS_KEPT = 20_000;

/**
 * Seeded prediction markets for `npm start` without network: a few markets open at once
 * (binary and one multi-outcome), probabilities that drift faster as the end nears, books on
 * the tick (which changes near the extremes), closing at the end date and resolving a minute
 * later by a draw on the final odds, each replaced by a new one.
 */
export function createSyntheticPredictionFeed(options: SyntheticPredictionFeedOptions): SyntheticPredictionFeed {
  const { clock } = options;
  const seed = String(options.seed);
  const intervalMs = options.intervalMs ?? 1000;
  const openWanted = options.openMarkets ?? 4;
  const resolveDelayMs = options.resolveDelayMs ?? 60_000;
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`intervalMs must be a positive integer, got ${intervalMs}`);
  if (!Number.isSafeInteger(openWanted) || openWanted < 1) throw new RangeError(`openMarkets must be a positive integer, got ${openWanted}`);
  const rng = createRng(`prediction:${seed}`);
  const live: SyntheticPredictionMarket[] = [];
  let sink: PredictionSink | undefined;
  let cancel: Cancel | undefined;
  let lastStep: number | undefined;
  let created = 0;
  // The synthetic traders: their own RNG, so adding them changed no market, book or winner.
  const traderRng = createRng(`prediction-traders:${seed}`);
  const holdings = new Map<string, Holdings>(SYNTHETIC_TRADERS.map((t) => [t.wallet, new Map()]));
  const fills: SyntheticFill[] = [];
  let fillSeq = 0;
  const records = new Map<string, { resolved: number; wins: number }>();

  for (const m of options.adopt ?? []) {
    if (m.source !== "synthetic" || m.status === "resolved") continue;
    const n = m.outcomes.length;
    live.push({
      meta: { ...m, outcomes: m.outcomes.map((o) => ({ outcome: o.outcome, tokenId: o.tokenId })) },
      probs: m.outcomes.map(() => 1 / n),
      tickTicks: 100,
      phase: m.status,
    });
    created++;
  }

  /** Sends each outcome's book; returns each one's touch (the synthetic traders trade at it). */
  const deliverBooks = (m: SyntheticPredictionMarket, ts: number) =>
    m.meta.outcomes.map((o, i) => {
      const book = m.phase === "open" ? outcomeBook(m.probs[i]!, m.tickTicks, rng) : { bids: [], asks: [] };
      sink?.book(o.tokenId, { ts, kind: "snapshot", ...book });
      return { bestBid: book.bids[0]?.[0], bestAsk: book.asks[0]?.[0] };
    });

  const step = (now: number) => {
    if (options.resolvedElsewhere) for (const m of [...live]) if (options.resolvedElsewhere(m.meta.conditionId)) live.splice(live.indexOf(m), 1);
    while (live.filter((m) => m.phase === "open").length < openWanted) {
      const m = newSyntheticMarket(seed, created++, now, rng);
      live.push(m);
      sink?.market(m.meta);
    }
    for (const m of [...live]) {
      if (m.phase === "open" && now >= m.meta.endDate) {
        m.phase = "closed";
        sink?.closed(m.meta.conditionId);
        deliverBooks(m, now);
        continue;
      }
      if (m.phase === "closed" && now >= m.meta.endDate + resolveDelayMs) {
        m.phase = "resolved";
        const winner = drawWinner(m, rng);
        for (const t of SYNTHETIC_TRADERS) {
          const held = holdings.get(t.wallet)!;
          const tokens = m.meta.outcomes.filter((o) => held.has(o.tokenId));
          if (tokens.length === 0) continue;
          const r = records.get(t.wallet) ?? { resolved: 0, wins: 0 };
          r.resolved++;
          if (tokens.some((o) => o.outcome === winner)) r.wins++;
          records.set(t.wallet, r);
          for (const o of tokens) held.delete(o.tokenId);
        }
        sink?.resolved(m.meta.conditionId, winner);
        live.splice(live.indexOf(m), 1);
        continue;
      }
      if (m.phase !== "open") continue;
      const before = [...m.probs];
      stepProbabilities(m, rng, now, intervalMs);
      const tick = wantedTick(m);
      if (tick !== m.tickTicks) {
        m.tickTicks = tick;
        sink?.tickSize(m.meta.conditionId, tickSizeOf(tick));
      }
      const books = deliverBooks(m, now);
      for (const t of SYNTHETIC_TRADERS) {
        const held = holdings.get(t.wallet)!;
        const move = traderMove(t, m, before, books, held, traderRng);
        if (!move) continue;
        const token = m.meta.outcomes[move.index]!.tokenId;
        held.set(token, (held.get(token) ?? 0) + (move.side === "BUY" ? move.lots : -move.lots));
        if (held.get(token) === 0) held.delete(token);
        fills.push(fillOf(++fillSeq, t, m, move, now));
        if (fills.length > FILLS_KEPT) fills.splice(0, fills.length - FILLS_KEPT);
      }
    }
  };

  const feed: SyntheticPredictionFeed = {
    kind: "synthetic",
    advanceTo(ms) {
      if (lastStep === undefined) {
        lastStep = ms;
        step(ms);
        return;
      }
      // Each boundary once, even after a long pause (capped: a sleeping laptop must not replay hours).
      let next = lastStep + intervalMs;
      let steps = 0;
      while (next <= ms && steps < 600) {
        step(next);
        lastStep = next;
        next += intervalMs;
        steps++;
      }
      if (next <= ms) lastStep = ms - (ms % intervalMs);
    },
    markets: () => live,
    walletFills: (wallet, afterSeq) => fills.filter((f) => f.wallet === wallet && f.seq > afterSeq),
    lastFillSeq: () => fillSeq,
    run: `${seed}:${clock.now()}`,
    traderRecord: (wallet) => {
      const r = records.get(wallet);
      return r ? { resolved: r.resolved, winRate: r.wins / r.resolved } : { resolved: 0, winRate: 0 };
    },
    start(s) {
      sink = s;
      // Adopted markets are known to the catalog already; reporting them again is harmless (an upsert).
      for (const m of live) s.market(m.meta);
      feed.advanceTo(clock.now());
      cancel = clock.every(intervalMs, () => {
        try {
          feed.advanceTo(clock.now());
        } catch (error) {
          options.logger?.error({ err: error }, "synthetic prediction feed step failed");
        }
      });
    },
    stop() {
      cancel?.();
      cancel = undefined;
      sink = undefined;
    },
    describe: () => ({ kind: "synthetic", seed, markets: live.length, intervalMs }),
  };
  return feed;
}
