import { asc, eq } from "drizzle-orm";
import { pino } from "pino";
import { createAutonome, type Autonome } from "../../../src/app/autonome.js";
import { loadConfig } from "../../../src/app/config.js";
import { usd } from "../../../src/core/money.js";
import { fills, invocations, ledger, models, orders, outbox, toolCalls, venueOrders } from "../../../src/db/schema.js";
import { createApp } from "../../../src/server/app.js";
import { createPgDatabase, type DriverName } from "../../support/databases.js";

export const TOKEN = "fuzz-token-123";
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

export interface RealApp {
  autonome: Autonome;
  app: ReturnType<typeof createApp>;
  dispose(): Promise<void>;
}

/**
 * The real application (database, simulator, synthetic feed) behind the HTTP layer, no sockets,
 * as in api.test.ts. The feed steps once an hour and the scheduler is off, so nothing changes
 * the state between requests unless a request asks for it.
 */
export async function startRealApp(driver: DriverName): Promise<RealApp> {
  const env: Record<string, string> = { AUTONOME_TRADE_INTERVAL: "0", AUTONOME_FEED_INTERVAL: "1h", AUTONOME_API_TOKEN: TOKEN, AUTONOME_DATA_DIR: "memory://" };
  let drop: (() => Promise<void>) | undefined;
  if (driver === "postgres") {
    const created = await createPgDatabase();
    env.DATABASE_URL = created.url;
    drop = created.drop;
  }
  const autonome = await createAutonome(loadConfig(env), pino({ level: "silent" }));
  const app = createApp({ services: autonome.services, apiToken: TOKEN });
  await autonome.start();
  return {
    autonome,
    app,
    dispose: async () => {
      await autonome.stop();
      await drop?.();
    },
  };
}

/**
 * Everything a request could change, from the database and from memory: models and their
 * settings, positions and trades, venue orders, fills, the ledger, the outbox, runs, the markets'
 * books and the accounts the trading service holds. Two equal snapshots mean nothing changed.
 */
export async function snapshot(autonome: Autonome): Promise<string> {
  const db = autonome.database.db;
  const [modelRows, orderRows, venueRows, fillRows, ledgerRows, outboxRows, invocationRows, toolCallRows] = await Promise.all([
    db.select({ id: models.id, name: models.name, status: models.status, capital: models.initialCapital, config: models.config }).from(models).orderBy(asc(models.id)),
    db.select({ id: orders.id, status: orders.status, quantity: orders.quantity, plan: orders.exitPlan, fees: orders.fees, pnl: orders.realizedPnl }).from(orders).orderBy(asc(orders.id)),
    db.select({ id: venueOrders.id, status: venueOrders.status, filled: venueOrders.filledQuantity }).from(venueOrders).orderBy(asc(venueOrders.id)),
    db.select({ id: fills.id }).from(fills).orderBy(asc(fills.id)),
    db.select({ id: ledger.id, amount: ledger.amount }).from(ledger).orderBy(asc(ledger.id)),
    db.select({ id: outbox.id, type: outbox.type, payload: outbox.payload }).from(outbox).orderBy(asc(outbox.id)),
    db.select({ id: invocations.id, status: invocations.status }).from(invocations).orderBy(asc(invocations.id)),
    db.select({ id: toolCalls.id }).from(toolCalls).orderBy(asc(toolCalls.id)),
  ]);
  // The minute's equity snapshot (a timer, not a request) emits an event too: left out, in the
  // outbox's older shape (an `account` event without an action) and in the typed one.
  const equitySnapshot = (e: { type: string; payload: unknown }) => {
    const p = (e.payload ?? {}) as { action?: unknown; type?: unknown };
    return (e.type as string) === "EquitySnapshotted" || p.type === "EquitySnapshotted" || (e.type === "account" && p.action === undefined);
  };
  const events = outboxRows.filter((e) => !equitySnapshot(e)).map((e) => e.id);
  const service = autonome.service;
  const accounts = [...service.accounts.values()]
    .sort((a, b) => a.modelId.localeCompare(b.modelId))
    .map((a) => ({
      id: a.modelId,
      cash: a.cash.toString(),
      realized: a.realizedPnl.toString(),
      fees: a.fees.toString(),
      risk: service.risk.limitsOf(a.modelId),
      positions: [...a.positions.values()].map((p) => ({ id: p.id, lots: p.state.lots.toString(), plan: p.plan })),
      resting: a.resting.size,
    }));
  const markets = autonome.services.markets().map((m) => [m.symbol, m.bid, m.ask]);
  return JSON.stringify({ modelRows, orderRows, venueRows, fillRows, ledgerRows, events, invocationRows, toolCallRows, accounts, markets });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until what an accepted request set off has finished: a scheduler cycle, closes the exit
 * engine started on a moved book, resting orders filled by it. Quiet means no cycle, no close in
 * flight and two snapshots in a row alike.
 */
export async function settle(autonome: Autonome): Promise<void> {
  const busy = () => autonome.services.schedulerStatus().cycleInProgress || [...autonome.service.accounts.keys()].some((id) => autonome.service.busy(id));
  for (let i = 0; i < 2000; i++) {
    if (busy()) {
      await sleep(10);
      continue;
    }
    const a = await snapshot(autonome);
    await sleep(5);
    if (!busy() && a === (await snapshot(autonome))) return;
  }
  throw new Error("the application did not settle");
}

/**
 * The ledger identity, checked from the database for every model: cash (the sum of its ledger)
 * = initial capital + realized P&L - fees since the last reset; the service's in-memory account
 * and the API's view agree with it to the micro-dollar; every fill's fee is in the ledger; and
 * where no reset happened the orders table alone explains cash (closed rows' net P&L minus the
 * entry fees still riding on open rows).
 */
export async function ledgerProblems(autonome: Autonome): Promise<string[]> {
  const db = autonome.database.db;
  const problems: string[] = [];
  const views = new Map((await autonome.services.listModels()).map((v) => [v.id, v]));
  for (const model of await db.select().from(models)) {
    const entries = await db.select().from(ledger).where(eq(ledger.modelId, model.id)).orderBy(asc(ledger.id));
    const capital = usd(model.initialCapital);
    const cash = entries.reduce((s, e) => s + usd(e.amount), 0n);
    const lastReset = entries.map((e) => e.kind).lastIndexOf("RESET");
    const since = entries.slice(lastReset + 1);
    const realized = since.filter((e) => e.kind === "REALIZED_PNL").reduce((s, e) => s + usd(e.amount), 0n);
    const fees = -since.filter((e) => e.kind === "FEE").reduce((s, e) => s + usd(e.amount), 0n);
    const where = `model ${model.name} (${model.id})`;
    if (entries.filter((e) => e.kind === "DEPOSIT").reduce((s, e) => s + usd(e.amount), 0n) !== capital) problems.push(`${where}: deposits differ from the initial capital`);
    if (cash !== capital + realized - fees) problems.push(`${where}: cash ${cash} != capital ${capital} + realized ${realized} - fees ${fees}`);
    const account = autonome.service.accounts.get(model.id);
    if (!account) problems.push(`${where}: no account in memory`);
    else {
      if (account.cash !== cash) problems.push(`${where}: memory cash ${account.cash} != ledger ${cash}`);
      if (account.cash !== account.initialCapital + account.realizedPnl - account.fees) problems.push(`${where}: memory cash is not capital + realized - fees`);
      if (account.realizedPnl !== realized || account.fees !== fees) problems.push(`${where}: memory realized/fees ${account.realizedPnl}/${account.fees} != ledger ${realized}/${fees}`);
    }
    const view = views.get(model.id);
    if (view && (usd(view.account.cash) !== cash || usd(view.account.cash) !== usd(view.initialCapital) + usd(view.account.realizedPnl) - usd(view.account.fees))) {
      problems.push(`${where}: API account ${JSON.stringify(view.account)} disagrees with the ledger (cash ${cash})`);
    }
    const fillFees = (await db.select({ fee: fills.fee }).from(fills).where(eq(fills.modelId, model.id))).reduce((s, f) => s + usd(f.fee), 0n);
    const ledgerFees = -entries.filter((e) => e.kind === "FEE").reduce((s, e) => s + usd(e.amount), 0n);
    if (fillFees !== ledgerFees) problems.push(`${where}: fills carry ${fillFees} of fees, the ledger ${ledgerFees}`);
    if (lastReset < 0) {
      const rows = await db.select().from(orders).where(eq(orders.modelId, model.id));
      const closedNet = rows.filter((r) => r.status === "CLOSED").reduce((s, r) => s + usd(r.realizedPnl ?? "0"), 0n);
      const openFees = rows.filter((r) => r.status === "OPEN").reduce((s, r) => s + usd(r.entryFees), 0n);
      if (cash !== capital + closedNet - openFees) problems.push(`${where}: orders explain ${capital + closedNet - openFees}, the ledger holds ${cash}`);
    }
  }
  return problems;
}
