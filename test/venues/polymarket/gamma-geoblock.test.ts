import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PolymarketGamma } from "../../../src/venues/polymarket/gamma.js";
import { checkGeoblock } from "../../../src/venues/polymarket/geoblock.js";
import { startFakeGamma, startFakeGeoblock, type FakeGamma, type FakeMarketInput } from "../../fake-polymarket/data-api/index.js";
import { CONDITION, CONDITION_2, NO_TOKEN, YES_TOKEN } from "./support.js";

/** Market metadata from the fake Gamma API, and the geoblock start-up check. */

const market: FakeMarketInput = {
  id: "12345",
  conditionId: CONDITION,
  question: "Will ŠK Slovan Bratislava win on 2026-08-19?",
  slug: "slovan-bratislava-2026-08-19",
  outcomes: ["Yes", "No"],
  clobTokenIds: [YES_TOKEN, NO_TOKEN],
  outcomePrices: ["0.515", "0.485"],
  endDate: "2026-08-19T18:00:00Z",
  negRisk: true,
  orderPriceMinTickSize: 0.001,
  orderMinSize: 5,
  category: "Sports",
  tags: [{ id: "1", label: "Soccer", slug: "soccer" }],
};

let gamma: FakeGamma;
let client: PolymarketGamma;
beforeEach(async () => {
  gamma = await startFakeGamma({ markets: [market] });
  client = new PolymarketGamma({ baseUrl: gamma.url, minBackoffMs: 1, retries: 2 });
});
afterEach(async () => {
  await gamma.close();
});

describe("Gamma client", () => {
  it("normalizes a market: outcomes paired with token ids, exact tick and minimum size, end date, neg-risk, category, tags", async () => {
    const m = await client.market(CONDITION);
    expect(m).toEqual({
      conditionId: CONDITION,
      marketId: "12345",
      question: market.question,
      slug: market.slug,
      outcomes: [
        { outcome: "Yes", tokenId: YES_TOKEN, price: "0.515" },
        { outcome: "No", tokenId: NO_TOKEN, price: "0.485" },
      ],
      endDate: Date.UTC(2026, 7, 19, 18),
      negRisk: true,
      tickSize: "0.001",
      minOrderSize: "5",
      category: "Sports",
      tags: ["Soccer"],
      status: "open",
      acceptingOrders: true,
      eventSlug: null,
    });
    // Gamma filters repeat their key; tags are asked for.
    expect(gamma.requests[0]!.query.getAll("condition_ids")).toEqual([CONDITION]);
    expect(gamma.requests[0]!.query.get("include_tag")).toBe("true");
  });

  it("finds a closed market by asking again with closed=true, and reads a resolution's winner", async () => {
    gamma.updateMarket(CONDITION, { closed: true, outcomePrices: ["0", "1"] });
    const m = await client.market(CONDITION);
    expect(m).toMatchObject({ status: "resolved", winner: "No", acceptingOrders: false });
    expect(gamma.requests.map((r) => r.query.get("closed"))).toEqual([null, "true"]);
    gamma.updateMarket(CONDITION, { outcomePrices: ["0.5", "0.5"] });
    expect(await client.market(CONDITION)).toMatchObject({ status: "closed" });
    expect(await client.market(CONDITION_2)).toBeNull();
  });

  it("passes an event's tags and category down to its markets", async () => {
    gamma.addMarket({ ...market, conditionId: CONDITION_2, id: "777", category: undefined, tags: undefined, clobTokenIds: ["11", "22"] });
    gamma.addEvent({ slug: "slovan", title: "Slovan", category: "Soccer", tags: [{ id: "9", label: "Europe", slug: "europe" }], conditionIds: [CONDITION_2] });
    const [event] = await client.events({ slug: "slovan" });
    expect(event!.markets).toHaveLength(1);
    expect(event!.markets[0]).toMatchObject({ conditionId: CONDITION_2, category: "Soccer", tags: ["Europe"], eventSlug: "slovan" });
  });

  it("retries a 5xx and refuses a market whose outcomes and token ids do not pair up", async () => {
    gamma.fail(502, 1);
    expect(await client.market(CONDITION)).not.toBeNull();
    gamma.updateMarket(CONDITION, { clobTokenIds: [YES_TOKEN] });
    await expect(client.market(CONDITION)).rejects.toThrow(/2 outcomes but 1 token ids/);
  });
});

describe("checkGeoblock", () => {
  it("allows an eligible location, refuses a blocked one with a message that says so, and refuses when there is no answer", async () => {
    const geo = await startFakeGeoblock();
    try {
      const ok = await checkGeoblock({ url: geo.checkUrl });
      expect(ok).toMatchObject({ allowed: true, country: "IE" });
      geo.set({ blocked: true, country: "US", region: "NY", ip: "198.51.100.1" });
      const blocked = await checkGeoblock({ url: geo.checkUrl });
      expect(blocked).toMatchObject({ allowed: false, reason: "blocked", country: "US" });
      expect(blocked.message).toMatch(/does not accept orders from NY, US \(IP 198\.51\.100\.1\): live trading is refused/);
      expect(blocked.message).toMatch(/proxies and VPNs are not a workaround/);
      geo.failWith(503);
      const down = await checkGeoblock({ url: geo.checkUrl, minBackoffMs: 1 });
      expect(down).toMatchObject({ allowed: false, reason: "unreachable" });
      expect(down.message).toMatch(/gave no answer .*HTTP 503.*live trading is refused/);
    } finally {
      await geo.close();
    }
  });
});
