import { createApp, type CreateAppOptions } from "../../src/server/app.js";
import { FakeServices } from "./fake-services.js";

/** An app over a fresh fake, with options for the auth and SSE tests. */
export function setup(options: Omit<CreateAppOptions, "services"> = {}) {
  const services = new FakeServices();
  const app = createApp({ services, ...options });
  return { app, services };
}

type App = ReturnType<typeof createApp>;

export function sendJson(app: App, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return body.error;
}

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Reads server-sent event frames from a response body. A read that outlives its timeout is
 * kept and reused by the next call, so no bytes are lost between calls.
 */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]> | undefined;
  private buffer = "";
  private readonly frames: SseFrame[] = [];

  constructor(body: ReadableStream<Uint8Array> | null) {
    if (!body) throw new Error("response has no body");
    this.reader = body.getReader();
  }

  async next(timeoutMs = 2_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE frame within ${timeoutMs} ms`);
      this.pending ??= this.reader.read();
      const result = await Promise.race([this.pending, sleep(left).then(() => undefined)]);
      if (result === undefined) continue;
      this.pending = undefined;
      if (result.done) throw new Error("SSE stream ended");
      this.buffer += this.decoder.decode(result.value, { stream: true });
      this.splitFrames();
    }
    return this.frames.shift() as SseFrame;
  }

  /** The next frame that is an event, skipping comments (connected, pings). */
  async nextEvent(timeoutMs = 2_000): Promise<SseFrame> {
    for (;;) {
      const frame = await this.next(timeoutMs);
      if (frame.comment === undefined) return frame;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }

  private splitFrames(): void {
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = {};
      for (const line of raw.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else if (line.startsWith("id: ")) frame.id = line.slice(4);
        else if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) frame.data = frame.data === undefined ? line.slice(6) : `${frame.data}\n${line.slice(6)}`;
      }
      this.frames.push(frame);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; for effects that happen after a response (unsubscribe on abort). */
export async function eventually(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}
