import type { EntryOrderPolicy } from "../scheduler/entry-orders.js";
/**
 * What a backtest is asked to do and what it produces. The result is plain JSON (money as exact
 * decimal strings, ratios as numbers, times as epoch milliseconds): the CLI prints it, the
 * report draws it, the API serves it.
 */

/** Where the books come from: the seeded synthetic process, or recorded files. */
export type BacktestFeedSpec = { kind: "synthetic"; seed: number; intervalMs: number } | { kind: "replay"; files: Array<{ symbol: string; path: string }> };

/** Execution settings: what a what-if run changes while the decisions stay fixed. */
export interface ExecutionSpec {
  makerFeeBps: number;
  takerFeeBps: number;
  /** Adverse slippage on every taker fill on top of walking the book. */
  extraSlippageBps: number;
  /** Order latency in ms, drawn from the seeded RNG in [min, max]. */
  latency: { minMs: number; maxMs: number };
  /** The order type of models' entries (absent in results of older runs: market). */
  entries?: EntryOrderPolicy;
}

export interface BacktestProgress {
  /** Simulated time reached, epoch ms. */
  simTime: number;
  from: number;
  to: number;
  /** 0..1 of the simulated span. */
  fraction: number;
  updates: number;
  updatesPerSecond: number;
  /** Wall ms so far, and the estimate of what is left (null before there is a rate). */
  elapsedMs: number;
  etaMs: number | null;
  cycles: number;
}

export interface BacktestMetrics {
  initialCapital: string;
  finalEquity: string;
  /** (final - initial) / initial, as a fraction (0.05 = 5%). */
  returnPct: number | null;
  /**
   * Annualised from the run's minute equity curve (core/metrics.ts); null for a run of less than
   * six days (MIN_SPAN_FOR_RATIOS_MS: annualising a shorter span gives noise such as -293 for an
   * hour), below 30 snapshots, or without variance.
   */
  sharpe: number | null;
  /** Null like `sharpe`, or when no period lost money. */
  sortino: number | null;
  /** Annual growth over max drawdown; null like `sharpe`, or without a drawdown. */
  calmar: number | null;
  maxDrawdown: number | null;
  winRate: number | null;
  profitFactor: number | null;
  /** Mean realized P&L per trade, dollars. */
  expectancy: string | null;
  trades: number;
  /** Every fee paid, dollars. */
  fees: string;
  /**
   * Funding received (positive) or paid (negative) over the run, dollars: the sum of the model's
   * FUNDING ledger entries (the simulator settles them at each funding time the feed announces).
   * Like fees, not part of any trade's realizedPnl. Absent in results of older runs.
   */
  funding?: string;
  /** Share of the simulated span with at least one open position, 0..1. */
  exposure: number;
}

export interface BacktestTrade {
  symbol: string;
  side: "LONG" | "SHORT";
  quantity: string;
  entryPrice: string;
  exitPrice: string;
  openedAt: number;
  closedAt: number;
  realizedPnl: string;
  fees: string;
  /** Funding the position received (positive) or paid while it was open, dollars; its net is realizedPnl + funding. Absent in older results. */
  funding?: string;
  closeTrigger: string | null;
}

export interface BacktestModelResult {
  name: string;
  kind: "rule" | "llm";
  strategy: string;
  metrics: BacktestMetrics;
  /** Equity over the run (minute snapshots, thinned to a few thousand points), dollars. */
  equity: Array<{ t: number; equity: string }>;
  trades: BacktestTrade[];
  /** Positions still open when the run ended (marked to the last mid; not closed). */
  openPositions: Array<{ symbol: string; side: "LONG" | "SHORT"; quantity: string; entryPrice: string; openedAt: number; funding?: string }>;
  /** Decisions: runs of the model and how they ended. */
  runs: { total: number; failed: number };
}

/** What one model did in one run, through its tools (a what-if replays these). */
export interface BacktestDecision {
  model: string;
  /** The run's time, epoch ms. */
  at: number;
  calls: Array<{ tool: string; args: unknown }>;
}

export interface BacktestResult {
  /** sha256 of every trade and ledger entry (ids left out): equal runs give equal hashes. */
  hash: string;
  from: number;
  to: number;
  feed: BacktestFeedSpec;
  /** The decision interval, ms. */
  intervalMs: number;
  execution: ExecutionSpec;
  seed: number;
  llm: "off" | "record" | "replay";
  symbols: string[];
  models: BacktestModelResult[];
  /** Mid price per symbol over the run (thinned), for the chart the trades are drawn on. */
  prices: Record<string, Array<{ t: number; price: string }>>;
  stats: {
    updates: number;
    cycles: number;
    wallMs: number;
    /** Wall ms spent waiting for the database, and its share of the run. */
    databaseMs: number;
    databaseShare: number;
    simulatedDaysPerSecond: number;
  };
  /** The models as they were given (settings, capital, risk limits): a what-if starts from them. */
  modelSpecs?: Array<Record<string, unknown> & { name: string }>;
  /** Every decision of every model (what a what-if run holds fixed). */
  decisions?: BacktestDecision[];
  /** A what-if run: the run it was compared with (its decisions were replayed here). */
  baseline?: { label: string; result: BacktestResult };
}
