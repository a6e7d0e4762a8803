import { describe, expect, it } from "vitest";
import { EventStream, retryDelay, type ConnectionState, type EventSourceLike, type StreamEvent } from "./event-stream.ts";

/** A scripted EventSource: the test opens, sends and breaks it. */
class FakeSource implements EventSourceLike {
  onopen: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(ev: { data: string; lastEventId: string }) => void>>();
  constructor(readonly url: string) {}
  addEventListener(type: string, l: (ev: { data: string; lastEventId: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown, id?: number) {
    for (const l of this.listeners.get(type) ?? []) l({ data: JSON.stringify(data), lastEventId: id === undefined ? "" : String(id) });
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const events: StreamEvent[] = [];
  const states: ConnectionState[] = [];
  const resyncs: string[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const stream = new EventStream({
    url: "/api/events",
    names: ["order", "position", "market"],
    open: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    onResync: (why) => resyncs.push(why),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    offlineAfter: 3,
  });
  const fireTimer = () => timers.shift()!.fn();
  return { stream, sources, events, states, resyncs, timers, fireTimer, last: () => sources[sources.length - 1]! };
}

describe("EventStream", () => {
  it("resumes from the last delivered id after a break and delivers nothing twice", () => {
    const t = setup();
    t.stream.start();
    expect(t.last().url).toBe("/api/events");
    t.last().onopen!(null);
    t.last().emit("order", { n: 1 }, 7);
    t.last().emit("position", { n: 2 }, 8);
    t.last().onerror!(null);
    expect(t.last().closed).toBe(true);
    expect(t.states).toEqual(["live", "reconnecting"]);

    t.fireTimer();
    expect(t.last().url).toBe("/api/events?lastEventId=8");
    t.last().onopen!(null);
    // The server replays from 8 exclusive, but a proxy may repeat: 8 is dropped, 9 delivered.
    t.last().emit("position", { n: 2 }, 8);
    t.last().emit("order", { n: 3 }, 9);
    expect(t.events.map((e) => e.id)).toEqual([7, 8, 9]);
    expect(t.resyncs).toEqual(["reconnected"]);
    expect(t.states).toEqual(["live", "reconnecting", "live"]);
  });

  it("does not move the resume point on market ticks, which carry no id of their own", () => {
    const t = setup();
    t.stream.start();
    t.last().onopen!(null);
    t.last().emit("order", {}, 3);
    // EventSource reports the previous id on an id-less event
    t.last().emit("market", { symbol: "BTC" }, 3);
    t.last().emit("market", { symbol: "ETH" }, 3);
    expect(t.events.map((e) => [e.type, e.id])).toEqual([
      ["order", 3],
      ["market", undefined],
      ["market", undefined],
    ]);
    expect(t.stream.lastEventId).toBe(3);
  });

  it("starts over from the server's id after a reset and asks for a refetch", () => {
    const t = setup();
    t.stream.start();
    t.last().onopen!(null);
    t.last().emit("order", {}, 50);
    t.last().emit("reset", { lastEventId: 10 }, 10);
    expect(t.resyncs).toEqual(["reset"]);
    t.last().emit("order", { after: true }, 11);
    expect(t.events.map((e) => e.id)).toEqual([50, 11]);
  });

  it("backs off and reports offline after repeated failures, and keeps trying", () => {
    const t = setup();
    t.stream.start();
    for (let i = 0; i < 4; i++) {
      t.last().onerror!(null);
      t.fireTimer();
    }
    expect(t.states).toEqual(["reconnecting", "offline"]);
    expect(t.sources).toHaveLength(5);
    t.last().onopen!(null);
    expect(t.states.at(-1)).toBe("live");
    // never connected before: the first open is not a reconnect
    expect(t.resyncs).toEqual([]);
  });

  it("ignores a stale source's callbacks after it was replaced", () => {
    const t = setup();
    t.stream.start();
    const first = t.last();
    first.onopen!(null);
    first.onerror!(null);
    t.fireTimer();
    first.emit("order", {}, 99);
    first.onerror!(null);
    expect(t.events).toEqual([]);
    expect(t.timers).toHaveLength(0);
  });

  it("stops for good: no reconnect after stop", () => {
    const t = setup();
    t.stream.start();
    const s = t.last();
    t.stream.stop();
    expect(s.closed).toBe(true);
    expect(t.timers).toHaveLength(0);
  });

  it("doubles the delay up to ten seconds", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(retryDelay)).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});
