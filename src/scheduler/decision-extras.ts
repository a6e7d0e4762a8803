import { and, count, eq, gte, inArray, ne } from "drizzle-orm";
import { modelMetrics } from "../core/metrics.js";
import { usd } from "../core/money.js";
import type { Db } from "../db/client.js";
import { equitySnapshots, invocations, models, orders, toolCalls } from "../db/schema.js";
import type { CompetitionView, DecisionContext, PerformanceView, RecentActivity, Standing, SymbolActivity } from "../agents/strategy.js";
import type { TradingService } from "../trading/trading-service.js";
import { figuresView } from "../trading/equity.js";

/**
 * What an LLM prompt shows beyond the market and the account: the model's performance (the
 * API's metrics over the same 7-day window, plus its return), the competition standings
 * (computed once per cycle for every model), and how often it acted on each symbol recently
 * (from its recorded tool calls). Read-only; the scheduler asks for it through `context`.
 */

export type DecisionExtrasView = Pick<DecisionContext, "metrics" | "competition" | "recentActions">;

export interface DecisionExtrasOptions {
  db: Db;
  service: TradingService;
  now: () => number;
  /** The window of `recentActions` (default 6 hours). */
  activityWindowMs?: number;
  /** The window of the Sharpe/Sortino/drawdown snapshots (default 7 days, as the API). */
  metricsWindowMs?: number;
}

const HOUR = 3_600_000;
/** Result statuses of an action that happened (a fill, a close, a changed exit plan, an order resting). */
const ACTED = new Set(["filled", "partial", "closed", "updated", "resting"]);

interface Batch {
  ids: Set<string>;
  result: Promise<Map<string, Omit<DecisionExtrasView, "competition">>>;
}

/**
 * Models of a cycle ask at the same moment; their requests are gathered for one turn of the event
 * loop and served by one query per table (not four per model), so a hundred models cost four
 * queries. Standings are computed once per cycle.
 */
export class DecisionExtras {
  private standings: { cycleId: string; value: Promise<Standing[]> } | null = null;
  private batch: Batch | null = null;

  constructor(private readonly opts: DecisionExtrasOptions) {}

  async load(modelId: string, cycleId: string): Promise<DecisionExtrasView> {
    const [standings, own] = await Promise.all([this.standingsOf(cycleId), this.ownOf(modelId)]);
    const self = standings.find((s) => s.modelId === modelId);
    const competition: CompetitionView | undefined = self ? { rank: self.rank, of: standings.length, standings } : undefined;
    return { ...own, ...(competition ? { competition } : {}) };
  }

  /** Every account ranked by return, best first; shared by all models of a cycle. */
  private standingsOf(cycleId: string): Promise<Standing[]> {
    if (this.standings?.cycleId !== cycleId) this.standings = { cycleId, value: this.computeStandings() };
    return this.standings.value;
  }

  private async computeStandings(): Promise<Standing[]> {
    const names = new Map((await this.opts.db.select({ id: models.id, name: models.name }).from(models)).map((r) => [r.id, r.name]));
    const rows = [...this.opts.service.accounts.values()]
      .filter((a) => names.has(a.modelId))
      .map((a) => {
        const view = figuresView(this.opts.service.figures(a), a.initialCapital);
        return { modelId: a.modelId, name: names.get(a.modelId)!, returnPct: view.returnPct, equity: view.equity };
      })
      .sort((a, b) => b.returnPct - a.returnPct || a.name.localeCompare(b.name));
    return rows.map((r, i) => ({ ...r, rank: i + 1 }));
  }

  private async ownOf(modelId: string): Promise<Omit<DecisionExtrasView, "competition">> {
    if (!this.batch) {
      const ids = new Set<string>();
      const result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = null;
        return this.loadMany([...ids]);
      });
      this.batch = { ids, result };
    }
    this.batch.ids.add(modelId);
    return (await this.batch.result).get(modelId) ?? {};
  }

  private async loadMany(ids: string[]): Promise<Map<string, Omit<DecisionExtrasView, "competition">>> {
    const now = this.opts.now();
    const since = new Date(now - (this.opts.metricsWindowMs ?? 7 * 24 * HOUR));
    const windowMs = this.opts.activityWindowMs ?? 6 * HOUR;
    const activitySince = new Date(now - windowMs);
    const db = this.opts.db;
    const [points, trades, calls, runs] = await Promise.all([
      db
        .select({ modelId: equitySnapshots.modelId, ts: equitySnapshots.ts, equity: equitySnapshots.equity })
        .from(equitySnapshots)
        .where(and(inArray(equitySnapshots.modelId, ids), gte(equitySnapshots.ts, since))),
      db
        .select({ modelId: orders.modelId, realizedPnl: orders.realizedPnl })
        .from(orders)
        .where(and(inArray(orders.modelId, ids), eq(orders.status, "CLOSED"))),
      db
        .select({ modelId: toolCalls.modelId, metadata: toolCalls.metadata, createdAt: toolCalls.createdAt })
        .from(toolCalls)
        .where(and(inArray(toolCalls.modelId, ids), gte(toolCalls.createdAt, activitySince))),
      db
        .select({ modelId: invocations.modelId, runs: count() })
        .from(invocations)
        .where(and(inArray(invocations.modelId, ids), gte(invocations.createdAt, activitySince), ne(invocations.status, "running")))
        .groupBy(invocations.modelId),
    ]);
    const pointsOf = groupBy(points);
    const tradesOf = groupBy(trades);
    const callsOf = groupBy(calls);
    const out = new Map<string, Omit<DecisionExtrasView, "competition">>();
    for (const modelId of ids) {
      const account = this.opts.service.accounts.get(modelId);
      const metrics: PerformanceView | undefined = account
        ? {
            ...modelMetrics(
              (pointsOf.get(modelId) ?? []).map((p) => ({ ts: p.ts.getTime(), equity: Number(p.equity) })),
              (tradesOf.get(modelId) ?? []).map((t) => ({ realizedPnl: usd(t.realizedPnl ?? "0") })),
            ),
            returnPct: figuresView(this.opts.service.figures(account), account.initialCapital).returnPct,
          }
        : undefined;
      const recentActions: RecentActivity = {
        windowMinutes: Math.round(windowMs / 60_000),
        runs: Number(runs.find((r) => r.modelId === modelId)?.runs ?? 0),
        symbols: activity(callsOf.get(modelId) ?? []),
      };
      out.set(modelId, { ...(metrics ? { metrics } : {}), recentActions });
    }
    return out;
  }
}

function groupBy<T extends { modelId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.modelId);
    if (list) list.push(r);
    else out.set(r.modelId, [r]);
  }
  return out;
}

function activity(calls: ReadonlyArray<{ metadata: unknown; createdAt: Date }>): SymbolActivity[] {
  const bySymbol = new Map<string, SymbolActivity>();
  for (const call of calls) {
    for (const symbol of actedSymbols(call.metadata)) {
      const entry = bySymbol.get(symbol) ?? { symbol, actions: 0, lastActionAt: null };
      entry.actions++;
      const at = call.createdAt.getTime();
      if (entry.lastActionAt === null || at > entry.lastActionAt) entry.lastActionAt = at;
      bySymbol.set(symbol, entry);
    }
  }
  return [...bySymbol.values()].sort((a, b) => b.actions - a.actions || a.symbol.localeCompare(b.symbol));
}

/** Symbols a recorded tool call acted on: its results with a status of something that happened. */
function actedSymbols(metadata: unknown): string[] {
  const results = (metadata as { result?: { results?: unknown } } | null)?.result?.results;
  if (!Array.isArray(results)) return [];
  const out: string[] = [];
  for (const r of results) {
    const { symbol, status } = (r ?? {}) as { symbol?: unknown; status?: unknown };
    if (typeof symbol === "string" && typeof status === "string" && ACTED.has(status)) out.push(symbol.toUpperCase());
  }
  return out;
}
