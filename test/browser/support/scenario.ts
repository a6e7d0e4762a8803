import type { InvocationView, MarketView, ModelView, PositionView } from "../../../src/app/services.js";
import type { DashboardServer } from "./dashboard-server.js";

/** What a test sets up through the API, in the words of the test. */

let counter = 0;

/** A fresh rule model (its own account), so no test depends on another's trades. */
export async function createRuleModel(server: DashboardServer, name: string): Promise<ModelView> {
  return server.api<ModelView>("POST", "/api/models", { name: `${name} ${++counter}`, kind: "rule", strategy: "trend-following", initialCapital: "10000" }, { expect: 201 });
}

export async function market(server: DashboardServer, symbol: string): Promise<MarketView> {
  const m = (await server.get<MarketView[]>("/api/markets")).find((x) => x.symbol === symbol);
  if (!m) throw new Error(`no market ${symbol}`);
  return m;
}

/** A small long with a stop `stopBelowPct` percent under the bid (the risk rules want a stop). */
export async function openLong(server: DashboardServer, modelId: string, symbol: string, quantity: string, stopBelowPct = 2): Promise<{ position: PositionView; stop: number }> {
  const bid = Number((await market(server, symbol)).bid);
  const stop = bid * (1 - stopBelowPct / 100);
  const res = await server.api<{ position: PositionView }>(
    "POST",
    `/api/models/${modelId}/positions`,
    { symbol, side: "LONG", quantity, leverage: 2, exitPlan: { stop: stop.toFixed(2) } },
    { expect: 201 },
  );
  return { position: res.position, stop };
}

export async function moveMarket(server: DashboardServer, symbol: string, price: number): Promise<void> {
  await server.api("POST", `/api/sim/markets/${symbol}/move`, { price: price.toFixed(2) });
}

/** Polls the API until `check` returns a value (not undefined), for state the server reaches asynchronously. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function latestFinishedInvocation(server: DashboardServer, modelId: string): Promise<InvocationView> {
  return eventually(`a finished run of model ${modelId}`, async () => {
    const [latest] = await server.get<InvocationView[]>(`/api/invocations?modelId=${modelId}&limit=1`);
    return latest && latest.status !== "running" ? latest : undefined;
  });
}

/** Pauses every active model but `keep`, so a scheduler cycle runs only the model under test. */
export async function pauseAllBut(server: DashboardServer, keep: string): Promise<void> {
  for (const m of await server.get<ModelView[]>("/api/models")) {
    if (m.id !== keep && m.status === "active") await server.api("PATCH", `/api/models/${m.id}`, { status: "paused" });
  }
}
