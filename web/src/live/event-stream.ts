/**
 * The dashboard's one connection to `/api/events`: resumes from the last event id after any
 * break, drops what it already delivered (no duplicates after a reconnect), and says when the
 * page must refetch because events may have been missed (a reconnect, or the server's `reset`).
 * No React and no globals: the browser's EventSource and timers are passed in, so it is tested
 * with fakes.
 */

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface StreamEvent {
  /** Outbox id; absent on `market` ticks. */
  id?: number;
  type: string;
  data: unknown;
}

/** The part of the browser's EventSource used here. */
export interface EventSourceLike {
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  addEventListener(type: string, listener: (ev: { data: string; lastEventId: string }) => void): void;
  close(): void;
}

export interface EventStreamOptions {
  /** Path of the stream, e.g. `/api/events`. */
  url: string;
  /** Event names to listen to (EventSource only delivers named events to named listeners). */
  names: readonly string[];
  open: (url: string) => EventSourceLike;
  onEvent: (event: StreamEvent) => void;
  onState: (state: ConnectionState) => void;
  /** Events may have been missed: refetch what the page shows. */
  onResync: (why: "reconnected" | "reset") => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Failed attempts after which the state says offline rather than reconnecting (it keeps trying). */
  offlineAfter?: number;
}

/** Reconnect delays: 0.5 s doubling to 10 s. */
export function retryDelay(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.min(attempt, 5));
}

export class EventStream {
  private source: EventSourceLike | null = null;
  private lastId: number | undefined;
  private failures = 0;
  private everConnected = false;
  private timer: unknown = null;
  private stopped = true;
  private state: ConnectionState = "connecting";
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: EventStreamOptions) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** The id of the last event delivered: where the next connection resumes. */
  get lastEventId(): number | undefined {
    return this.lastId;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
  }

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    this.opts.onState(s);
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    const url = this.lastId === undefined ? this.opts.url : `${this.opts.url}${this.opts.url.includes("?") ? "&" : "?"}lastEventId=${this.lastId}`;
    const source = this.opts.open(url);
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      this.failures = 0;
      this.setState("live");
      if (this.everConnected) this.opts.onResync("reconnected");
      this.everConnected = true;
    };
    source.onerror = () => {
      if (this.source !== source) return;
      // Reconnect ourselves (the browser's own retry would forget a server restart's new port
      // state and gives up on any non-200 answer): close, wait, resume from the last id.
      source.close();
      this.source = null;
      this.failures++;
      this.setState(this.failures >= (this.opts.offlineAfter ?? 6) ? "offline" : "reconnecting");
      if (!this.stopped) this.timer = this.setTimer(() => this.connect(), retryDelay(this.failures - 1));
    };
    for (const name of this.opts.names) source.addEventListener(name, (ev) => this.deliver(source, name, ev));
    source.addEventListener("reset", (ev) => {
      if (this.source !== source) return;
      // The server's newest id is behind ours (the database was reset or restored): start over from it.
      const data = safeParse(ev.data) as { lastEventId?: number } | undefined;
      if (typeof data?.lastEventId === "number") this.lastId = data.lastEventId;
      this.opts.onResync("reset");
    });
  }

  private deliver(source: EventSourceLike, name: string, ev: { data: string; lastEventId: string }): void {
    if (this.source !== source) return;
    const id = ev.lastEventId && /^\d+$/.test(ev.lastEventId) ? Number(ev.lastEventId) : undefined;
    if (id !== undefined && name !== "market") {
      if (this.lastId !== undefined && id <= this.lastId) return; // already delivered before a reconnect
      this.lastId = id;
    }
    this.opts.onEvent({ ...(id !== undefined && name !== "market" ? { id } : {}), type: name, data: safeParse(ev.data) });
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
