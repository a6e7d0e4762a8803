import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A local OpenAI-compatible server speaking POST /v1/chat/completions, for tests of the real
 * provider code: JSON answers and server-sent event streams (`data:` chunks, then `[DONE]`),
 * text and tool calls, and on demand the faults a real provider shows: 500, 429, a body that
 * is not JSON, an empty body, an answer that never comes. Each request takes the next scripted
 * reply; with none left it gets a 500 saying so.
 */

export type FakeReply =
  | { kind: "tool-calls"; calls: Array<{ name: string; arguments: string | Record<string, unknown> }>; text?: string; usage?: FakeUsage }
  | { kind: "text"; text: string; usage?: FakeUsage }
  | { kind: "status"; status: number; message?: string; headers?: Record<string, string> }
  | { kind: "garbage" }
  | { kind: "empty" }
  | { kind: "hang" };

export interface FakeUsage {
  prompt: number;
  completion: number;
}

export interface FakeRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The client hung up before the answer ended (an AbortSignal reached the request). */
  aborted: boolean;
}

export interface FakeOpenAi {
  /** Base URL with /v1, as a user would configure it. */
  baseUrl: string;
  requests: FakeRequest[];
  /** Appends replies to the script. */
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { prompt: 120, completion: 30 };

function completion(reply: Extract<FakeReply, { kind: "tool-calls" | "text" }>, n: number) {
  const usage = reply.usage ?? DEFAULT_USAGE;
  const toolCalls =
    reply.kind === "tool-calls"
      ? reply.calls.map((c, i) => ({ id: `call_${n}_${i}`, type: "function", function: { name: c.name, arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments) } }))
      : undefined;
  return {
    id: `chatcmpl-${n}`,
    object: "chat.completion",
    created: 1_767_225_600,
    model: "fake-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: reply.text ?? null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls ? "tool_calls" : "stop",
      },
    ],
    usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
  };
}

/** The same answer as chat.completion.chunk events: text in pieces, tool-call arguments in pieces. */
function chunks(reply: Extract<FakeReply, { kind: "tool-calls" | "text" }>, n: number, includeUsage: boolean): unknown[] {
  const base = { id: `chatcmpl-${n}`, object: "chat.completion.chunk", created: 1_767_225_600, model: "fake-model" };
  const delta = (d: Record<string, unknown>, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] });
  const out: unknown[] = [delta({ role: "assistant", content: "" })];
  const text = reply.text ?? "";
  for (let i = 0; i < text.length; i += 8) out.push(delta({ content: text.slice(i, i + 8) }));
  if (reply.kind === "tool-calls") {
    reply.calls.forEach((c, index) => {
      const args = typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments);
      out.push(delta({ tool_calls: [{ index, id: `call_${n}_${index}`, type: "function", function: { name: c.name, arguments: "" } }] }));
      for (let i = 0; i < args.length; i += 10) out.push(delta({ tool_calls: [{ index, function: { arguments: args.slice(i, i + 10) } }] }));
    });
  }
  out.push(delta({}, reply.kind === "tool-calls" ? "tool_calls" : "stop"));
  if (includeUsage) {
    const usage = reply.usage ?? DEFAULT_USAGE;
    out.push({ ...base, choices: [], usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } });
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const script: FakeReply[] = [];
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  let served = 0;

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>;
      } catch {
        // recorded as {}: the test asserts on what it expected to be sent
      }
      const record: FakeRequest = { path: req.url ?? "", headers: req.headers, body, aborted: false };
      requests.push(record);
      res.on("close", () => {
        if (!res.writableFinished) record.aborted = true;
      });
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: "invalid_request_error" } });
        return;
      }
      const reply = script.shift();
      const n = ++served;
      if (!reply) {
        sendJson(res, 500, { error: { message: "the fake server has no scripted reply left", type: "server_error" } });
        return;
      }
      switch (reply.kind) {
        case "status":
          sendJson(res, reply.status, { error: { message: reply.message ?? `fake ${reply.status}`, type: reply.status === 429 ? "rate_limit_exceeded" : "server_error" } }, reply.headers);
          return;
        case "garbage":
          res.writeHead(200, { "content-type": "application/json" });
          res.end("<html>502 Bad Gateway</html>{{{ not json");
          return;
        case "empty":
          res.writeHead(200, { "content-type": "application/json" });
          res.end();
          return;
        case "hang":
          res.writeHead(200, { "content-type": body.stream ? "text/event-stream" : "application/json" });
          res.flushHeaders();
          return; // never ends; the client's abort closes it
        default:
          if (body.stream === true) {
            res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
            const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
            for (const c of chunks(reply, n, includeUsage)) res.write(`data: ${JSON.stringify(c)}\n\n`);
            res.end("data: [DONE]\n\n");
          } else {
            sendJson(res, 200, completion(reply, n));
          }
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (...replies) => void script.push(...replies),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
