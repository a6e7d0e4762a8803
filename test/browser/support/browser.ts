import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Why the browser suite cannot run here, or null when it can. */
export const chromiumMissing: string | null = existsSync(CHROMIUM_PATH) ? null : `chromium not found at ${CHROMIUM_PATH}: apt-get install chromium`;

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export type Viewport = { readonly width: number; readonly height: number };

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, "test-results", "screenshots");

/** Generous waits: two cores run the whole project's tests at once. */
export const WAIT = 20_000;

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

interface Allowance {
  pattern: RegExp;
  why: string;
}

/**
 * One test's view of the browser: a fresh context (no shared storage or token between tests),
 * pages opened at a base URL, and every console error and uncaught page error they produce,
 * so the test can end by asserting there were none.
 */
export class BrowserTest {
  private context: BrowserContext | null = null;
  private readonly problems: string[] = [];
  private readonly allowances: Allowance[] = [];

  constructor(private readonly browser: Browser) {}

  /**
   * Tolerates console errors matching `pattern` for this test only, for noise the test causes
   * on purpose (a stopped server, a refused token); `why` documents it at the call site.
   */
  allow(pattern: RegExp, why: string): void {
    this.allowances.push({ pattern, why });
  }

  /** Opens `url` in this test's context at `viewport`. */
  async open(url: string, viewport: Viewport = DESKTOP): Promise<Page> {
    if (!this.context) {
      this.context = await this.browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
      this.context.setDefaultTimeout(WAIT);
    }
    const page = await this.context.newPage();
    await page.setViewportSize(viewport);
    const where = () => new URL(page.url()).pathname || url;
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const loc = msg.location();
      const text = `${where()}: console error: ${msg.text()}${loc.url ? ` (${loc.url.replace(/^https?:\/\/[^/]+/, "")})` : ""}`;
      if (!this.allowances.some((a) => a.pattern.test(text))) this.problems.push(text);
    });
    page.on("pageerror", (error) => this.problems.push(`${where()}: uncaught ${error.name}: ${error.message}`));
    await page.goto(url, { waitUntil: "domcontentloaded" });
    return page;
  }

  /** Closes the context and returns the console and page errors seen. */
  async finish(): Promise<string[]> {
    await this.context?.close().catch(() => undefined);
    this.context = null;
    return [...this.problems];
  }
}

/**
 * Waits until the page has rendered its content: the header's connection status, a non-empty
 * main area, and no loading placeholder left. A page stuck loading fails here, by name.
 */
export async function waitForPageReady(page: Page): Promise<void> {
  await page.locator("[data-testid=connection-status]").waitFor({ timeout: WAIT });
  try {
    await page.waitForFunction(
      `(() => {
        const main = document.querySelector("main");
        return !!main && main.innerText.trim().length > 0 && !main.querySelector(".loading");
      })()`,
      undefined,
      { timeout: WAIT, polling: 100 },
    );
  } catch {
    const text = await page.evaluate(`document.querySelector("main")?.innerText.slice(0, 300) ?? "(no <main>)"`);
    throw new Error(`${new URL(page.url()).pathname} did not finish loading within ${WAIT / 1000} s; it shows: ${JSON.stringify(text)}`);
  }
}

export interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  /** The outermost elements reaching past the right edge, to say what to fix. */
  culprits: string[];
}

/** Whether the page scrolls sideways, and which elements stick out when it does. */
export async function horizontalOverflow(page: Page): Promise<Overflow> {
  return (await page.evaluate(`(() => {
    const innerWidth = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const culprits = [];
    if (scrollWidth > innerWidth) {
      const describe = (el) => {
        const id = el.getAttribute("data-testid");
        const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "";
        return el.tagName.toLowerCase() + (id ? "[data-testid=" + id + "]" : "") + cls;
      };
      for (const el of document.querySelectorAll("body *")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= innerWidth + 0.5) continue;
        // Only the outermost offender: its parent fits (or is the body), and no ancestor clips it
        // (a .table-wrap scrolling inside the page is fine).
        let clipped = false;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
          if (getComputedStyle(a).overflowX !== "visible") { clipped = true; break; }
        }
        if (clipped) continue;
        const p = el.parentElement;
        const pr = p && p !== document.body ? p.getBoundingClientRect() : null;
        if (pr && pr.right > innerWidth + 0.5) continue;
        culprits.push(describe(el) + " right=" + Math.round(r.right) + "px");
        if (culprits.length >= 5) break;
      }
    }
    return { scrollWidth, innerWidth, culprits };
  })()`)) as Overflow;
}

/** Saves a full-page screenshot as test-results/screenshots/<name>-<w>x<h>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  const path = join(SCREENSHOT_DIR, `${name}-${size.width}x${size.height}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The element's visible text, or a note that it is missing (for failure messages). */
async function textOf(locator: Locator): Promise<string> {
  const n = await locator.count();
  if (n === 0) return "(no such element)";
  return (
    await locator
      .first()
      .innerText({ timeout: 2000 })
      .catch((e: unknown) => `(unreadable: ${String(e)})`)
  )
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Waits until the first element of `locator` shows `expected` in its text; on timeout the error
 * says what the element showed instead (or that it is missing), which is what a report needs.
 */
export async function waitForText(locator: Locator, expected: string | RegExp, what: string, timeout = WAIT): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = "";
  for (;;) {
    last = await textOf(locator);
    if (typeof expected === "string" ? last.includes(expected) : expected.test(last)) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: expected to show ${String(typeof expected === "string" ? JSON.stringify(expected) : expected)} within ${timeout / 1000} s; it shows ${JSON.stringify(last.slice(0, 400))}`);
}

/** Waits until `locator` matches `count` elements; the error names what and how many there were. */
export async function waitForCount(locator: Locator, count: number | ((n: number) => boolean), what: string, timeout = WAIT): Promise<number> {
  const ok = typeof count === "number" ? (n: number) => n === count : count;
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await locator.count();
    if (ok(n)) return n;
    if (Date.now() > deadline) throw new Error(`${what}: found ${n} element(s) after ${timeout / 1000} s (${locator.toString()})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits for `locator` to be attached, with an error that says which page lacks what. */
export async function waitForElement(page: Page, selector: string, what: string, timeout = WAIT): Promise<Locator> {
  const locator = page.locator(selector).first();
  try {
    await locator.waitFor({ state: "attached", timeout });
  } catch {
    throw new Error(`${new URL(page.url()).pathname} has no ${selector} (${what}) after ${timeout / 1000} s`);
  }
  return locator;
}
