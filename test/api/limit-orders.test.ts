import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../src/app/autonome.js";
import { loadConfig } from "../../src/app/config.js";
import { createApp } from "../../src/server/app.js";
import type { MarketView, ModelView, OpenPositionView, OrderView, PositionView } from "../../src/app/services.js";
import { createPgDatabase, DRIVERS } from "../support/databases.js";
import { errorOf, sendJson } from "../server/helpers.js";

describe.each(DRIVERS)("limit orders through the API on %s", (driver) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function boot(env: Record<string, string>) {
    const autonome: Autonome = await createAutonome(loadConfig({ AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", ...env }), pino({ level: "silent" }));
    await autonome.start();
    const app = createApp({ services: autonome.services });
    const get = async <T>(path: string) => (await app.request(path)).json() as Promise<T>;
    return { autonome, app, get };
  }

  it("a GTC limit rests (202), survives a restart, and fills as a maker when the market comes to it; a second one is canceled", async () => {
    const env: Record<string, string> = {};
    if (driver === "pglite") {
      const dir = mkdtempSync(join(tmpdir(), "autonome-limit-"));
      env.AUTONOME_DATA_DIR = dir;
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    } else {
      const { url, drop } = await createPgDatabase();
      env.DATABASE_URL = url;
      cleanups.push(drop);
    }
    let node = await boot(env);
    const [model] = await node.get<ModelView[]>("/api/models");
    const id = model!.id;
    await sendJson(node.app, "POST", "/api/sim/markets/ETH/move", { price: "3000" });

    const bad = await sendJson(node.app, "POST", `/api/models/${id}/positions`, { symbol: "ETH", side: "LONG", quantity: "1", type: "LIMIT" });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain("price");
    const crossing = await sendJson(node.app, "POST", `/api/models/${id}/positions`, {
      symbol: "ETH",
      side: "LONG",
      quantity: "1",
      type: "LIMIT",
      price: "3100",
      postOnly: true,
      exitPlan: { stop: "2950" },
    });
    expect(crossing.status).toBe(422);
    expect((await errorOf(crossing)).code).toBe("post_only_would_cross");

    const placed = await sendJson(node.app, "POST", `/api/models/${id}/positions`, {
      symbol: "ETH",
      side: "LONG",
      quantity: "1",
      leverage: 2,
      type: "LIMIT",
      price: "2900",
      exitPlan: { stop: "2800" },
    });
    expect(placed.status).toBe(202);
    const body = (await placed.json()) as OpenPositionView;
    expect(body).toMatchObject({ status: "resting", filledQuantity: "0", position: null, order: { type: "LIMIT", status: "OPEN", price: "2900" } });
    const other = (await (
      await sendJson(node.app, "POST", `/api/models/${id}/positions`, { symbol: "SOL", side: "SHORT", quantity: "1", type: "LIMIT", price: "400", exitPlan: { stop: "420" } })
    ).json()) as OpenPositionView;
    const margin = (await node.get<ModelView>(`/api/models/${id}`)).account.marginUsed;
    expect(Number(margin)).toBeGreaterThan(1400); // 2900 / 2 held for the resting order, and 400 for the other

    await node.autonome.stop();
    node = await boot(env);
    const open = await node.get<OrderView[]>(`/api/orders?modelId=${id}&status=open`);
    expect(open.map((o) => o.clientOrderId).sort()).toEqual([body.order.clientOrderId, other.order.clientOrderId].sort());
    expect((await node.get<ModelView>(`/api/models/${id}`)).account.marginUsed).toBe(margin);

    const canceled = await sendJson(node.app, "DELETE", `/api/models/${id}/orders/${other.order.clientOrderId}`, undefined);
    expect(canceled.status).toBe(200);
    expect(((await canceled.json()) as OrderView).status).toBe("CANCELED");
    expect((await sendJson(node.app, "DELETE", `/api/models/${id}/orders/${other.order.clientOrderId}`, undefined)).status).toBe(409);
    expect((await sendJson(node.app, "DELETE", `/api/models/${id}/orders/nope`, undefined)).status).toBe(404);

    await sendJson(node.app, "POST", "/api/sim/markets/ETH/move", { price: "2850" }); // the asks come down through 2900
    let position: PositionView | undefined;
    for (let i = 0; i < 50 && !position; i++) {
      position = (await node.get<PositionView[]>(`/api/positions?modelId=${id}`)).find((p) => p.symbol === "ETH");
      if (!position) await new Promise((r) => setTimeout(r, 50));
    }
    expect(position).toMatchObject({ side: "LONG", quantity: "1", entryPrice: "2900", leverage: "2" });
    expect(position!.exitPlan?.stop).toBe("2800");
    const [filled] = await node.get<OrderView[]>(`/api/orders?modelId=${id}&limit=1`);
    expect(filled).toBeDefined();
    const all = await node.get<OrderView[]>(`/api/orders?modelId=${id}`);
    expect(all.find((o) => o.clientOrderId === body.order.clientOrderId)).toMatchObject({ status: "FILLED", filledQuantity: "1" });
    const market = (await node.get<MarketView[]>("/api/markets")).find((m) => m.symbol === "ETH")!;
    expect(Number(market.mid)).toBeLessThan(2900);
    await node.autonome.stop();
  }, 60_000);
});
