import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ServerLogger } from "../logger.js";
import type { AppServices } from "../../app/services.js";
import { EventQueue, pumpEvents, resetEvent } from "../sse.js";
import { cappedCount } from "../fields.js";
import { parseOrThrow, queryOf } from "../validation.js";

export interface EventStreamOptions {
  pingIntervalMs: number;
  maxQueuedEvents: number;
  logger: ServerLogger;
}

const RECENT_DEFAULT = 200;
const RECENT_MAX = 1000;

const eventId = z
  .string()
  .regex(/^\d{1,15}$/, { error: "must be the id of an event (a non-negative integer)" })
  .transform(Number);

/**
 * Where a client resumes: the Last-Event-ID header that EventSource sends on reconnect, or the
 * `lastEventId` query parameter for clients that cannot set headers. Empty means from now.
 */
function resumeAfter(header: string | undefined, query: string | undefined): number | undefined {
  // Wrapped in an object so the 400 names the header or parameter the client sent.
  if (header) {
    return parseOrThrow(z.object({ "Last-Event-ID": eventId }), { "Last-Event-ID": header }, "header")["Last-Event-ID"];
  }
  if (query) return parseOrThrow(z.object({ lastEventId: eventId }), { lastEventId: query }, "query").lastEventId;
  return undefined;
}

/** GET /events: the outbox after the resume point, then live events, as server-sent events. */
export function eventRoutes(services: AppServices, options: EventStreamOptions) {
  return new Hono()
    .get("/events/recent", queryOf(z.object({ limit: cappedCount(RECENT_DEFAULT, RECENT_MAX) })), async (c) => c.json(await services.recentEvents(c.req.valid("query").limit)))
    .get("/events", queryOf(z.object({ lastEventId: z.string().optional() })), async (c) => {
      let afterId = resumeAfter(c.req.header("Last-Event-ID"), c.req.valid("query").lastEventId);
      // Subscribe before streaming: replayed events may arrive at once and wait in the queue, and a
      // failing subscription is still an ordinary JSON error response.
      const queue = new EventQueue(options.maxQueuedEvents);
      if (afterId !== undefined) {
        // An id ahead of the newest event would wait silently for ids that may never come (the
        // database was reset or restored): say so with the current id, then go on live from it.
        const newest = await services.lastEventId();
        if (afterId > newest) {
          options.logger.info({ lastEventId: afterId, newest }, "SSE resume ahead of the newest event; sent a reset");
          queue.push(resetEvent(newest));
          afterId = newest;
        }
      }
      const unsubscribe = await services.subscribe(afterId, (event) => queue.push(event));
      const signal = c.req.raw.signal;
      const stop = () => queue.close();
      if (signal.aborted) stop();
      signal.addEventListener("abort", stop, { once: true });
      c.header("X-Accel-Buffering", "no"); // nginx would otherwise hold events back
      return streamSSE(c, async (stream) => {
        stream.onAbort(stop);
        try {
          await pumpEvents(stream, queue, options);
        } catch (err) {
          // Handled here rather than by streamSSE's onError, which would send the message to the client.
          options.logger.error({ err }, "event stream failed");
        } finally {
          signal.removeEventListener("abort", stop);
          try {
            unsubscribe();
          } catch (err) {
            options.logger.error({ err }, "unsubscribing an event stream failed");
          }
        }
      });
    });
}
