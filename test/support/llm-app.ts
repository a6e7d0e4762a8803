import { afterAll, beforeAll } from "vitest";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import { sendJson } from "../server/helpers.js";
import { startFakeOpenAi, type FakeOpenAi } from "./fake-openai.js";

export interface LlmApp {
  autonome: Autonome;
  app: ReturnType<typeof createApp>;
  fake: FakeOpenAi;
  get<T>(path: string): Promise<T>;
  post(path: string, body: unknown): Promise<Response>;
}

/**
 * The real application (embedded database, scheduler off, feed stepping hourly) behind the HTTP
 * layer, with a local OpenAI-compatible server and an API key in `keyVar` for the suite: set up in
 * beforeAll, torn down in afterAll. Read its fields inside tests.
 */
export function useLlmApp(keyVar: string, key: string): LlmApp {
  const ctx = {} as LlmApp;
  ctx.get = async <T>(path: string) => (await ctx.app.request(path)).json() as Promise<T>;
  ctx.post = async (path: string, body: unknown) => sendJson(ctx.app, "POST", path, body);
  beforeAll(async () => {
    process.env[keyVar] = key;
    ctx.fake = await startFakeOpenAi();
    ctx.autonome = await createAutonome(loadConfig({ AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_DATA_DIR: "memory://" }), pino({ level: "silent" }));
    ctx.app = createApp({ services: ctx.autonome.services });
    await ctx.autonome.start();
  });
  afterAll(async () => {
    await ctx.autonome?.stop();
    await ctx.fake?.close();
    delete process.env[keyVar];
  });
  return ctx;
}
