import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { Browser } from "playwright-core";
import { BrowserTest, launchChromium } from "./browser.js";
import { buildDashboard } from "./build.js";
import { DashboardServer, type DashboardServerOptions } from "./dashboard-server.js";

export interface BrowserSuite {
  /** The running server (restartable). */
  readonly server: DashboardServer;
  /** The current test's browser context; console and page errors fail the test at its end. */
  readonly t: BrowserTest;
}

/**
 * For a describe block: builds the dashboard, starts one server and one browser for the block,
 * gives each test a fresh browser context, and fails a test that produced any console error or
 * uncaught page error (unless the test allowed that exact noise, saying why).
 */
export function useBrowserSuite(options: DashboardServerOptions = {}): BrowserSuite {
  let browser: Browser | null = null;
  let server: DashboardServer | null = null;
  let current: BrowserTest | null = null;

  beforeAll(async () => {
    await buildDashboard();
    server = new DashboardServer(options);
    const [launched, started] = await Promise.allSettled([launchChromium().then((b) => (browser = b)), server.start()]);
    for (const r of [launched, started]) if (r.status === "rejected") throw r.reason;
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.dispose();
  }, 60_000);

  beforeEach(() => {
    if (!browser) throw new Error("the browser did not start");
    current = new BrowserTest(browser);
  });

  afterEach(async () => {
    const problems = (await current?.finish()) ?? [];
    current = null;
    expect(problems, "console errors or uncaught errors in the page").toEqual([]);
  }, 30_000);

  return {
    get server() {
      if (!server) throw new Error("the server did not start");
      return server;
    },
    get t() {
      if (!current) throw new Error("no test is running");
      return current;
    },
  };
}
