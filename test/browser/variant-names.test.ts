import { describe, expect, it } from "vitest";
import type { ModelView } from "../../src/app/services.js";
import { chromiumMissing, screenshot, waitForPageReady, waitForText } from "./support/browser.js";
import { useBrowserSuite } from "./support/fixtures.js";
import { eventually } from "./support/scenario.js";

/**
 * The prompt variants by the names people know from the original system, in the dashboard: the
 * add-model form lists each variant with its original name and takes one from the address
 * (`/models/new?strategy=Apex`); the model's page shows both names; the server stores the
 * descriptive one.
 *
 * Run: `npx vitest run test/browser/variant-names.test.ts` (needs Debian's chromium at /usr/bin/chromium).
 */

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);
const title = (what: string) => (chromiumMissing ? `${what} (skipped: ${chromiumMissing})` : what);

describe.skipIf(chromiumMissing !== null)(title("variant names in a browser"), { timeout: 120_000 }, () => {
  const s = useBrowserSuite();

  it("adds an LLM model chosen as Apex: listed as 'aggressive-momentum (Apex)', stored as aggressive-momentum, shown with both names", async () => {
    const page = await s.t.open(`${s.server.url}/models/new?strategy=apex`);
    await waitForPageReady(page);
    const form = page.locator("[data-testid=add-model-form]");
    const variant = form.getByLabel("Prompt variant");
    await eventually("the variant asked for in the address to be chosen", async () => ((await variant.inputValue()) === "aggressive-momentum" ? true : undefined));
    expect(await variant.locator("option:checked").textContent()).toBe("aggressive-momentum (Apex)");
    const labels = await variant.locator("option").allTextContents();
    for (const name of [
      "capital-preservation (Guardian)",
      "leaderboard-aware (Gladiator)",
      "multi-signal-confluence (Sniper)",
      "trend-only (Trendsurfer)",
      "mean-reversion-llm (Contrarian)",
      "regime-adaptive (Sovereign)",
    ]) {
      expect(labels).toContain(name);
    }

    await form.getByLabel("Name", { exact: true }).fill("Browser Apex");
    await form.getByLabel("Base URL").fill("http://127.0.0.1:1/v1");
    await form.getByLabel("Model id").fill("m");
    await form.getByRole("button", { name: "Create model" }).click();
    await page.waitForURL(/\/models\/[0-9a-f-]{36}$/);
    await waitForText(page.locator("[data-testid=model-strategy]"), "strategy aggressive-momentum (Apex)", "the model's variant with its original name");
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    expect((await s.server.get<ModelView>(`/api/models/${id}`)).strategy).toBe("aggressive-momentum");
    await screenshot(page, "variant-names-model");
  });

  it("a rule strategy keeps its one name, and an unknown name in the address changes nothing", async () => {
    const page = await s.t.open(`${s.server.url}/models/new?strategy=oracle`);
    await waitForPageReady(page);
    const form = page.locator("[data-testid=add-model-form]");
    const strategy = form.getByLabel("Strategy", { exact: true });
    await eventually("the first rule strategy to be chosen", async () => ((await strategy.inputValue()) !== "" ? true : undefined));
    const labels = await strategy.locator("option").allTextContents();
    expect(labels).toContain("trend-following");
    expect(labels.some((l) => l.includes("("))).toBe(false);
  });
});
