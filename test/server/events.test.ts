import { describe, expect, it } from "vitest";
import { errorOf, eventually, SseReader, setup } from "./helpers.js";

const order = (id: number) => ({ id, type: "order" as const, data: { orderId: `o${id}`, status: "FILLED" } });

describe("GET /api/events (server-sent events)", () => {
  it("streams stored then live events with ids, names and JSON data", async () => {
    const { app, services } = setup();
    services.events.push(order(1), { id: 2, type: "position", data: { symbol: "BTC", closeTrigger: "STOP" } });
    const res = await app.request("/api/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const sse = new SseReader(res.body);
    expect(await sse.next()).toEqual({ comment: "connected" });
    expect(await sse.nextEvent()).toEqual({ id: "1", event: "order", data: '{"orderId":"o1","status":"FILLED"}' });
    expect(await sse.nextEvent()).toEqual({ id: "2", event: "position", data: '{"symbol":"BTC","closeTrigger":"STOP"}' });

    services.publish(order(3));
    services.publish({ type: "market", data: { symbol: "BTC", mid: "100000.5" } });
    expect(await sse.nextEvent()).toMatchObject({ id: "3", event: "order" });
    expect(await sse.nextEvent()).toEqual({ event: "market", data: '{"symbol":"BTC","mid":"100000.5"}' });
    await sse.cancel();
  });

  it("resumes after Last-Event-ID with only later events", async () => {
    const { app, services } = setup();
    services.events.push(order(1), order(2), order(3));
    const sse = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": "2" } })).body);
    expect((await sse.nextEvent()).id).toBe("3");
    services.publish(order(4));
    expect((await sse.nextEvent()).id).toBe("4");
    expect(services.callsTo("subscribe")[0]?.args).toEqual([2]);
    await sse.cancel();
  });

  it("takes lastEventId from the query when no header is sent; the header wins otherwise", async () => {
    const { app, services } = setup();
    services.events.push(order(1), order(2), order(3));
    const fromQuery = new SseReader((await app.request("/api/events?lastEventId=1")).body);
    expect((await fromQuery.nextEvent()).id).toBe("2");
    const both = new SseReader((await app.request("/api/events?lastEventId=1", { headers: { "Last-Event-ID": "2" } })).body);
    expect((await both.nextEvent()).id).toBe("3");
    expect(services.callsTo("subscribe").map((c) => c.args)).toEqual([[1], [2]]);
    await fromQuery.cancel();
    await both.cancel();
  });

  it("a Last-Event-ID ahead of the newest event gets a reset with the current id, then live events", async () => {
    const { app, services } = setup();
    services.events.push(order(1), order(2), order(3));
    const sse = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": "50" } })).body);
    expect(await sse.nextEvent()).toEqual({ id: "3", event: "reset", data: '{"lastEventId":3}' });
    // Resumed from the current id, not from the id in the future: the next event arrives.
    services.publish(order(4));
    expect(await sse.nextEvent()).toMatchObject({ id: "4", event: "order" });
    expect(services.callsTo("subscribe")[0]?.args).toEqual([3]);
    await sse.cancel();
  });

  it("a lastEventId query parameter ahead of the newest event gets the same reset; an empty outbox resets to 0", async () => {
    const { app, services } = setup();
    const empty = new SseReader((await app.request("/api/events?lastEventId=7")).body);
    expect(await empty.nextEvent()).toEqual({ id: "0", event: "reset", data: '{"lastEventId":0}' });
    services.publish(order(1));
    expect(await empty.nextEvent()).toMatchObject({ id: "1", event: "order" });
    await empty.cancel();
  });

  it("resuming at exactly the newest id is no reset: nothing is replayed and live events follow", async () => {
    const { app, services } = setup();
    services.events.push(order(1), order(2));
    const sse = new SseReader((await app.request("/api/events", { headers: { "Last-Event-ID": "2" } })).body);
    services.publish(order(3));
    expect(await sse.nextEvent()).toMatchObject({ id: "3", event: "order" });
    await sse.cancel();
  });

  it("sends a ping comment every interval while idle", async () => {
    const { app } = setup({ ssePingIntervalMs: 20 });
    const sse = new SseReader((await app.request("/api/events")).body);
    expect(await sse.next()).toEqual({ comment: "connected" });
    expect(await sse.next(500)).toEqual({ comment: "ping" });
    expect(await sse.next(500)).toEqual({ comment: "ping" });
    await sse.cancel();
  });

  it("unsubscribes when the client goes away", async () => {
    const { app, services } = setup();
    const sse = new SseReader((await app.request("/api/events")).body);
    await sse.next();
    expect(services.listeners.size).toBe(1);
    await sse.cancel();
    await eventually(() => services.unsubscribed === 1);
    expect(services.listeners.size).toBe(0);
  });

  it("keeps a burst of events in order, none lost, while writes are in flight", async () => {
    const { app, services } = setup();
    const sse = new SseReader((await app.request("/api/events")).body);
    await sse.next();
    for (let id = 1; id <= 300; id += 1) services.publish(order(id));
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 1) ids.push((await sse.nextEvent()).id ?? "");
    expect(ids).toEqual(Array.from({ length: 300 }, (_, i) => String(i + 1)));
    await sse.cancel();
  });

  it("ends the stream of a client that falls too far behind after an unbroken run; resuming continues", async () => {
    const { app, services } = setup({ sseMaxQueuedEvents: 5 });
    for (let id = 1; id <= 12; id += 1) services.events.push(order(id));
    const readAll = async (res: Response) => {
      const sse = new SseReader(res.body);
      const ids: string[] = [];
      try {
        for (;;) {
          const frame = await sse.nextEvent();
          ids.push(frame.id ?? "");
        }
      } catch (err) {
        expect(String(err)).toContain("SSE stream ended");
      }
      return ids;
    };
    expect(await readAll(await app.request("/api/events"))).toEqual(["1", "2", "3", "4", "5"]);
    await eventually(() => services.unsubscribed === 1);
    const resumed = await readAll(await app.request("/api/events", { headers: { "Last-Event-ID": "5" } }));
    expect(resumed).toEqual(["6", "7", "8", "9", "10"]);
  });

  it("a failing subscription is an ordinary JSON error, not a broken stream", async () => {
    const { app, services } = setup();
    services.failNextWith = new Error("outbox unavailable");
    const res = await app.request("/api/events");
    expect(res.status).toBe(500);
    expect((await errorOf(res)).code).toBe("internal_error");
  });
});
