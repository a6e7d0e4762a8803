import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Cancel, Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { PredictionMarket } from "../../prediction/prediction-market.js";
import type { PredictionFeed, PredictionSink } from "./prediction-feed.js";
import {
  parsePolymarketRecording,
  passConditionId,
  PM_REPLAY_BOOKS_FILE,
  PM_REPLAY_MARKETS_FILE,
  recordedMarketInput,
  recordedTokenId,
  type PolymarketRecording,
  type RecordedEvent,
} from "./polymarket-replay-data.js";

export interface ReplayPredictionFeedOptions {
  recording: PolymarketRecording;
  /** The domain clock: the recording plays on it, its first event at the clock's time when started. */
  clock: Clock;
  /** Recorded milliseconds per millisecond of the clock (1 = recorded pace, 60 = a recorded minute a second). */
  speed?: number;
  /** Play again at the end (default true), each play with its own condition ids; false: stop after one. */
  loop?: boolean;
  /** True for a condition id the catalog already holds (a previous run played it): plays start past those. */
  known?: (conditionId: string) => boolean;
  /** Replay markets a previous run left unresolved (from the catalog): resolved at start with their recorded winner. */
  leftovers?: readonly PredictionMarket[];
  /** How often the feed looks at the clock, ms of the clock (default 250). */
  pollMs?: number;
  /** Where the files were read from (shown by describe()). */
  dir?: string;
  logger?: Pick<Logger, "error" | "warn">;
}

export interface ReplayPredictionFeed extends PredictionFeed {
  readonly kind: "replay";
  /** Delivers every event due by `ms` on the clock. start() drives it from the clock. */
  advanceTo(ms: number): void;
}

/** Recorded time between the last event of a play and the first of the next. */
const LOOP_GAP_MS = 1_000;
/** A loop never searches further than this for a play the catalog has not seen. */
const MAX_PASSES = 1_000_000;

/**
 * The recorded Polymarket samples played as prediction markets on the domain clock: recorded
 * time is re-based so the first event plays when the feed starts (and scaled by `speed`). Each
 * market is reported before its first book, both tokens' books follow each recorded row, the
 * market closes at its recorded close_time and resolves with its recorded winner at resolved_at.
 * The same files and the same start time give the same sequence.
 */
export function createReplayPredictionFeed(options: ReplayPredictionFeedOptions): ReplayPredictionFeed {
  const { recording, clock } = options;
  const speed = options.speed ?? 1;
  const loop = options.loop ?? true;
  const pollMs = options.pollMs ?? 250;
  if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  if (recording.events.length === 0) throw new RangeError("the recording holds no market");
  const events = recording.events;
  const firstAt = events[0]!.at;
  const span = events[events.length - 1]!.at - firstAt + LOOP_GAP_MS;

  // The first play whose markets the catalog has never seen: a resolved market must not reopen.
  let firstPass = 0;
  while (options.known && firstPass < MAX_PASSES && recording.markets.some((m) => options.known!(passConditionId(m.conditionId, firstPass)))) firstPass++;

  let sink: PredictionSink | undefined;
  let cancel: Cancel | undefined;
  let startNow: number | undefined;
  let pass = firstPass;
  let next = 0;
  let delivered = 0;
  let finished = false;

  /** When something recorded at `recordedAt` happens on the clock in play `p`. */
  const domainAt = (recordedAt: number, p: number) => startNow! + Math.round((recordedAt - firstAt + (p - firstPass) * span) / speed);

  const deliver = (e: RecordedEvent, at: number) => {
    const m = recording.markets[e.market]!;
    const conditionId = passConditionId(m.conditionId, pass);
    switch (e.kind) {
      case "market":
        sink?.market(recordedMarketInput(m, pass, domainAt(m.closeTime, pass)));
        return;
      case "tick":
        sink?.tickSize(conditionId, e.tickSize);
        return;
      case "book":
        sink?.book(recordedTokenId(conditionId, m.outcomes[0]), { ts: at, kind: "snapshot", bids: [...e.primary.bids], asks: [...e.primary.asks] });
        sink?.book(recordedTokenId(conditionId, m.outcomes[1]), { ts: at, kind: "snapshot", bids: [...e.complement.bids], asks: [...e.complement.asks] });
        return;
      case "closed":
        sink?.closed(conditionId);
        return;
      case "resolved":
        sink?.resolved(conditionId, m.winner);
        return;
    }
  };

  /** Markets an earlier run reported and never resolved: their result is in the file, so they resolve now rather than stay open forever. */
  const settleLeftovers = (s: PredictionSink) => {
    const leftovers = (options.leftovers ?? []).filter((m) => m.source === "replay" && m.status !== "resolved");
    if (leftovers.length === 0) return;
    const byId = new Map<string, string>();
    for (let p = 0; p < firstPass; p++) {
      for (const m of recording.markets) byId.set(passConditionId(m.conditionId, p), m.winner);
    }
    for (const m of leftovers) {
      const winner = byId.get(m.conditionId.toLowerCase());
      if (winner === undefined) {
        options.logger?.warn({ conditionId: m.conditionId }, "replay prediction feed: a stored replay market is not in these files; left as it is");
        continue;
      }
      if (m.status === "open") s.closed(m.conditionId);
      s.resolved(m.conditionId, winner);
    }
  };

  const feed: ReplayPredictionFeed = {
    kind: "replay",
    advanceTo(ms) {
      if (startNow === undefined || finished) return;
      for (;;) {
        const e = events[next]!;
        const at = domainAt(e.at, pass);
        if (at > ms) return;
        deliver(e, at);
        delivered++;
        next++;
        if (next < events.length) continue;
        if (!loop) {
          finished = true;
          return;
        }
        next = 0;
        pass++;
      }
    },
    start(s) {
      sink = s;
      startNow = clock.now();
      settleLeftovers(s);
      feed.advanceTo(startNow);
      cancel = clock.every(pollMs, () => {
        try {
          feed.advanceTo(clock.now());
        } catch (error) {
          options.logger?.error({ err: error }, "replay prediction feed step failed");
        }
      });
    },
    stop() {
      cancel?.();
      cancel = undefined;
      sink = undefined;
    },
    describe: () => ({
      kind: "replay",
      ...(options.dir !== undefined ? { dir: options.dir } : {}),
      markets: recording.markets.length,
      speed,
      loop,
      pass,
      delivered,
      state: finished ? "done" : startNow === undefined ? "idle" : "playing",
    }),
  };
  return feed;
}

/**
 * Reads the two recorded files from `dir` (relative to the working directory). Throws naming
 * the missing file; the data is read where it lies, never copied into the project.
 */
export function loadPolymarketRecording(dir: string): PolymarketRecording {
  const read = (name: string) => {
    const path = join(resolve(dir), name);
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new Error(`${path}: no such file`);
    return readFileSync(path, "utf8");
  };
  return parsePolymarketRecording(read(PM_REPLAY_MARKETS_FILE), read(PM_REPLAY_BOOKS_FILE));
}
