import type { Dialog, Page } from "playwright-core";
import { WAIT } from "./browser.js";

/** A value the page can only still hold if it was never reloaded. */
export async function markNoReload(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(`window.__autonomeNoReload = true`);
  return async () => (await page.evaluate(`window.__autonomeNoReload === true`)) === true;
}

/** Clicks through an in-place confirmation (ConfirmButton's "Yes") or a window.confirm, if one appears. */
export async function confirmIfAsked(page: Page, done: () => Promise<boolean>, what: string): Promise<void> {
  const accept = (d: Dialog) => void d.accept();
  page.on("dialog", accept);
  try {
    await clickThrough(page, done, what);
  } finally {
    page.off("dialog", accept);
  }
}

async function clickThrough(page: Page, done: () => Promise<boolean>, what: string): Promise<void> {
  const yes = page.locator("[role=alertdialog] button", { hasText: /^\s*(yes|confirm|close|pause|resume)\b/i }).first();
  const deadline = Date.now() + WAIT;
  while (!(await done())) {
    if (await yes.isVisible().catch(() => false)) await yes.click().catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`${what}: nothing happened within ${WAIT / 1000} s of the click`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Answers the app's request for the API token: its dialog (web/src/components/token-dialog.tsx)
 * or, without one, the browser's prompt. Clicks through an in-place confirmation on the way.
 */
export async function answerTokenRequest(page: Page, token: string): Promise<void> {
  let prompted = false;
  const onDialog = (d: Dialog) => {
    if (d.type() === "prompt") {
      prompted = true;
      void d.accept(token);
    } else void d.accept();
  };
  page.on("dialog", onDialog);
  try {
    const dialog = page
      .locator("[role=dialog]")
      .filter({ has: page.locator("input") })
      .first();
    const yes = page.locator("[role=alertdialog] button", { hasText: /^\s*(yes|confirm|pause|resume)\b/i }).first();
    const deadline = Date.now() + WAIT;
    while (!prompted) {
      if (await dialog.isVisible().catch(() => false)) {
        await dialog.locator("input").first().fill(token);
        await dialog.locator("button[type=submit], button.primary").first().click();
        await dialog.waitFor({ state: "detached", timeout: WAIT });
        return;
      }
      if (await yes.isVisible().catch(() => false)) await yes.click().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`${new URL(page.url()).pathname}: no token dialog or prompt appeared within ${WAIT / 1000} s of the action`);
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    page.off("dialog", onDialog);
  }
}
