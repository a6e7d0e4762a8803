import type { SSEStreamingApi } from "hono/streaming";
import type { ServerLogger } from "./logger.js";
import type { AppEvent } from "../app/services.js";

/**
 * Sent first, instead of a replay, to a client that resumes after an id the server never issued
 * (its Last-Event-ID is ahead of the newest event: a database was reset or restored, or the id is
 * made up). It carries the current newest id as its own id, so an EventSource resumes from there
 * on its next reconnect; the client should reload its state, then the stream goes on live.
 */
export interface ResetEvent {
  id: number;
  type: "reset";
  data: { lastEventId: number };
}

export type StreamEvent = AppEvent | ResetEvent;

export function resetEvent(lastEventId: number): ResetEvent {
  return { id: lastEventId, type: "reset", data: { lastEventId } };
}

/**
 * Events waiting for the one writer of an SSE connection, in arrival order. The services'
 * listener only pushes (it never waits for a slow client); the pump drains. Memory is bounded:
 * once `maxQueued` events wait, later ones are refused, the pump writes what it holds (an
 * unbroken run of ids) and ends the stream. The client reconnects with the last id it got and
 * catches up from the outbox, so no event with an id is lost and a long replay still advances.
 */
export class EventQueue {
  private items: StreamEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private isClosed = false;
  private isFull = false;

  constructor(private readonly maxQueued: number) {}

  /** The client went away: stop at once. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Events were refused: finish the queued ones, then end the stream. */
  get overflowed(): boolean {
    return this.isFull;
  }

  push(event: StreamEvent): void {
    if (this.isClosed || this.isFull) return; // late deliveries after an abort or overflow
    if (this.items.length - this.head >= this.maxQueued) {
      this.isFull = true;
      return;
    }
    this.items.push(event);
    this.wake?.();
  }

  close(): void {
    this.isClosed = true;
    this.wake?.();
  }

  take(): StreamEvent | undefined {
    if (this.head >= this.items.length) return undefined;
    const event = this.items[this.head++];
    // Drop the consumed prefix now and then, so a long-lived stream does not keep every event.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return event;
  }

  /** Resolves when an event arrives, the queue closes, or `ms` pass, whichever is first. */
  waitFor(ms: number): Promise<void> {
    if (this.isClosed || this.head < this.items.length) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

export interface PumpOptions {
  /** Wall-clock keep-alive for proxies and clients, not simulated time. */
  pingIntervalMs: number;
  logger: ServerLogger;
}

/** bigint is not JSON; services should not hand one over, but a stray one must not kill the stream. */
const jsonReplacer = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

async function writeEvent(stream: SSEStreamingApi, event: StreamEvent, logger: ServerLogger): Promise<void> {
  let data: string;
  try {
    data = JSON.stringify(event.data, jsonReplacer) ?? "null";
  } catch (err) {
    logger.error({ err, eventId: event.id, type: event.type }, "event data is not serializable; skipped");
    return;
  }
  await stream.writeSSE({ id: event.id === undefined ? undefined : String(event.id), event: event.type, data });
}

/**
 * The single writer of one connection: events in queue order, and a `: ping` comment whenever
 * the interval passes, even while events flow. Returns when the client aborts, or once an
 * overflowed queue is drained; each write waits for the client to take the previous one.
 */
export async function pumpEvents(stream: SSEStreamingApi, queue: EventQueue, options: PumpOptions): Promise<void> {
  // An opening comment sends the headers and first bytes now, so clients and proxies see the
  // stream as established before the first event.
  await stream.write(": connected\n\n");
  // Pings keep the connection alive in elapsed wall time (monotonic), whatever the domain clock says.
  let nextPingAt = performance.now() + options.pingIntervalMs;
  while (!queue.closed && !stream.aborted) {
    const now = performance.now();
    if (now >= nextPingAt) {
      await stream.write(": ping\n\n");
      nextPingAt = now + options.pingIntervalMs;
      continue;
    }
    const event = queue.take();
    if (event) {
      await writeEvent(stream, event, options.logger);
    } else if (queue.overflowed) {
      options.logger.warn({}, "SSE client fell too far behind; stream ended so it resumes by Last-Event-ID");
      return;
    } else {
      await queue.waitFor(nextPingAt - now);
    }
  }
}
