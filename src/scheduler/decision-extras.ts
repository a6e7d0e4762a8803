import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { tradeStatsOf } from "../core/metrics.js";
import { formatUsd } from "../core/money.js";
import type { Db } from "../db/client.js";
import { ledger, models, toolCalls } from "../db/schema.js";
import type { EventBus } from "../events/bus.js";
import { CurveMetricsReadModel } from "../trading/curve-read-models.js";
import { CurveWindow } from "../trading/curve-window.js";
import type { AccountStats, DecisionContext, LeaderView, PerformanceView, RecentActivity, SymbolActivity } from "../agents/strategy.js";
import type { TradingService } from "../trading/trading-service.js";
import { figuresView } from "../trading/equity.js";
import { NO_TRADES } from "../trading/trade-totals.js";
import { automaticCloses } from "./automatic-closes.js";
import { exposureAndRisk, percentOfEquity, timeInMarketPct } from "./account-stats.js";
import { RunCounts } from "./run-counts.js";
import { TradeHistory } from "./trade-history.js";
import { competitionFor, leaderPositions, LEADERS_SHOWN, type CycleStandings } from "./standings.js";

/**
 * What an LLM prompt shows beyond the market and the account: the model's performance (the
 * API's metrics over the same 7-day window, plus its return), its account figures (exposure,
 * risk to its stops, time in the market, how many runs it had), the competition (standings,
 * the leaders' positions, the gap to the leader, the standings among the models of its prompt
 * variant; computed once per cycle for every model), how often it acted on each symbol recently
 * (from its recorded tool calls) and the positions the system closed for it (stops, targets,
 * invalidations, time exits, liquidations). Read-only; the scheduler asks for it through `context`.
 */

export type DecisionExtrasView = Pick<DecisionContext, "metrics" | "competition" | "recentActions" | "accountStats">;

export interface DecisionExtrasOptions {
  db: Db;
  service: TradingService;
  now: () => number;
  /** The window of `recentActions` (default 6 hours). */
  activityWindowMs?: number;
  /** The window of the time in the market (default 7 days, as the API's metrics). */
  metricsWindowMs?: number;
  /** The curve metrics (Sharpe, Sortino, drawdown), shared with the API (the composition root's); default: this instance's own over `metricsWindowMs`. */
  curveFigures?: CurveMetricsReadModel;
  /** The app's bus: a model's trade history is kept between cycles until one of its position events (without it, read every cycle). */
  bus?: EventBus;
}

const HOUR = 3_600_000;
/** Result statuses of an action that happened (a fill, a close, a changed exit plan, an order resting). */
const ACTED = new Set(["filled", "partial", "closed", "updated", "resting"]);
/** Automatic closes a prompt lists (the newest). */
const AUTOMATIC_CLOSES_SHOWN = 5;

type OwnView = Omit<DecisionExtrasView, "competition">;

interface Batch {
  ids: Set<string>;
  result: Promise<Map<string, OwnView>>;
}

/**
 * Models of a cycle ask at the same moment; their requests are gathered for one turn of the event
 * loop and served by one query per table (not several per model), so a hundred models cost a
 * handful of queries. Standings are computed once per cycle.
 */
export class DecisionExtras {
  private standings: { cycleId: string; value: Promise<CycleStandings> } | null = null;
  private batch: Batch | null = null;
  /** Each model's first deposit (epoch ms): when it started trading. */
  private readonly startedAt = new Map<string, number>();
  private readonly runCounts: RunCounts;
  private readonly trades: TradeHistory;
  private readonly curveFigures: CurveMetricsReadModel;

  constructor(private readonly opts: DecisionExtrasOptions) {
    this.runCounts = new RunCounts(opts.db);
    this.trades = new TradeHistory(opts.db, opts.bus);
    this.curveFigures = opts.curveFigures ?? new CurveMetricsReadModel(new CurveWindow(opts.db, opts.metricsWindowMs ?? 7 * 24 * HOUR));
  }

  async load(modelId: string, cycleId: string): Promise<DecisionExtrasView> {
    const [standings, own] = await Promise.all([this.standingsOf(cycleId), this.ownOf(modelId)]);
    const competition = competitionFor(modelId, standings);
    return { ...own, ...(competition ? { competition } : {}) };
  }

  /** Every account ranked by return, best first, and the leaders' positions; shared by all models of a cycle. */
  private standingsOf(cycleId: string): Promise<CycleStandings> {
    if (this.standings?.cycleId !== cycleId) this.standings = { cycleId, value: this.computeStandings() };
    return this.standings.value;
  }

  private mark = (symbol: string): number | undefined => this.opts.service.quote(symbol)?.mid;

  private market = (symbol: string) => {
    try {
      return this.opts.service.market(symbol);
    } catch {
      return undefined;
    }
  };

  private async computeStandings(): Promise<CycleStandings> {
    const rows = await this.opts.db.select({ id: models.id, name: models.name, strategy: models.strategy }).from(models);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const accounts = this.opts.service.accounts;
    const ranked = [...accounts.values()]
      .filter((a) => byId.has(a.modelId))
      .map((a) => {
        const f = this.opts.service.figures(a);
        const view = figuresView(f, a.initialCapital);
        const m = byId.get(a.modelId)!;
        return { modelId: a.modelId, name: m.name, strategy: m.strategy, returnPct: view.returnPct, equity: view.equity, pnl: formatUsd(f.equity - a.initialCapital) };
      })
      .sort((a, b) => b.returnPct - a.returnPct || a.name.localeCompare(b.name))
      .map((r, i) => ({ ...r, rank: i + 1 }));
    // One more than shown: the asking model may be among them, and it is not its own leader.
    const leaders: LeaderView[] = ranked.slice(0, LEADERS_SHOWN + 1).map((r) => ({
      modelId: r.modelId,
      name: r.name,
      rank: r.rank,
      positions: leaderPositions(accounts.get(r.modelId)?.positions.values() ?? [], this.market, this.mark),
    }));
    return { rows: ranked, leaders };
  }

  private async ownOf(modelId: string): Promise<OwnView> {
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

  private async loadMany(ids: string[]): Promise<Map<string, OwnView>> {
    const now = this.opts.now();
    const metricsWindowMs = this.opts.metricsWindowMs ?? 7 * 24 * HOUR;
    const since = new Date(now - metricsWindowMs);
    const windowMs = this.opts.activityWindowMs ?? 6 * HOUR;
    const activitySince = new Date(now - windowMs);
    const db = this.opts.db;
    const unknownStarts = ids.filter((id) => !this.startedAt.has(id));
    const [curves, trades, calls, runs, deposits, closes] = await Promise.all([
      // The curve metrics as the API shows them (kept in memory, updated with the rows written since the last read).
      this.curveFigures.all(now),
      // Closed-trade totals and the spans of the positions open in the metrics window (the time in the market).
      this.trades.of(ids, since.getTime()),
      // Holding acts on no symbol: those calls (most of an arena's) are not read at all (the
      // condition is a literal, the partial index's own, so the planner can use that index).
      db
        .select({ modelId: toolCalls.modelId, metadata: toolCalls.metadata, createdAt: toolCalls.createdAt })
        .from(toolCalls)
        .where(and(inArray(toolCalls.modelId, ids), gte(toolCalls.createdAt, activitySince), sql`${toolCalls.type} <> 'HOLDING'`)),
      // Every finished run since the model was created, and those of the activity window.
      this.runCounts.counts(ids, now, activitySince.getTime()),
      // When each model started: its first deposit, stamped in domain time (a backtest's clock, not
      // the wall's). It never changes, so it is read once per model.
      unknownStarts.length === 0
        ? Promise.resolve([])
        : db
            .selectDistinctOn([ledger.modelId], { modelId: ledger.modelId, createdAt: ledger.createdAt })
            .from(ledger)
            .where(and(inArray(ledger.modelId, unknownStarts), eq(ledger.kind, "DEPOSIT")))
            .orderBy(ledger.modelId, ledger.id),
      automaticCloses(db, ids, activitySince, AUTOMATIC_CLOSES_SHOWN),
    ]);
    for (const d of deposits) this.startedAt.set(d.modelId, d.createdAt.getTime());
    const callsOf = groupBy(calls);
    const out = new Map<string, OwnView>();
    for (const modelId of ids) {
      const account = this.opts.service.accounts.get(modelId);
      const figures = account ? this.opts.service.figures(account) : undefined;
      const metrics: PerformanceView | undefined =
        account && figures
          ? {
              ...(curves.get(modelId) ?? CurveMetricsReadModel.none),
              ...tradeStatsOf(trades.get(modelId)?.totals ?? NO_TRADES),
              returnPct: figuresView(figures, account.initialCapital).returnPct,
            }
          : undefined;
      const ran = runs.get(modelId);
      const recentActions: RecentActivity = {
        windowMinutes: Math.round(windowMs / 60_000),
        runs: ran?.recent ?? 0,
        symbols: activity(callsOf.get(modelId) ?? []),
        automaticCloses: closes.get(modelId) ?? [],
      };
      const startedAt = this.startedAt.get(modelId);
      let accountStats: AccountStats | undefined;
      if (account && figures && startedAt !== undefined) {
        const { exposure, risk, unstopped } = exposureAndRisk(account.positions.values(), this.market, this.mark);
        const from = Math.max(now - metricsWindowMs, startedAt);
        accountStats = {
          exposurePct: percentOfEquity(exposure, figures.equity),
          riskPct: percentOfEquity(risk, figures.equity),
          unstopped,
          timeInMarketPct: timeInMarketPct(trades.get(modelId)?.spans ?? [], from, now),
          timeInMarketMinutes: Math.max(0, Math.round((now - from) / 60_000)),
          invocations: ran?.total ?? 0,
          startedAt,
        };
      }
      out.set(modelId, { ...(metrics ? { metrics } : {}), recentActions, ...(accountStats ? { accountStats } : {}) });
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
