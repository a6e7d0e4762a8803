/**
 * What the report draws, computed from a result: every model's equity and drawdown curves
 * (thinned for the page), each symbol's prices with the trades on them, and, for a what-if run,
 * each model's figures beside the baseline's with their differences. Pure: the same result gives
 * the same figures.
 */
import { downsampleLttb } from "../../core/downsample.js";
import type { BacktestModelResult, BacktestResult } from "../types.js";
import { subtractMoney } from "./format.js";

/** A point of a curve: epoch ms and a value (dollars, a price, or a fraction). */
export type Point = readonly [t: number, value: number];

export interface ModelCurve {
  /** Index of the model in `result.models`: its colour. */
  model: number;
  name: string;
  points: Point[];
}

export interface TradeMarks {
  model: number;
  side: "LONG" | "SHORT";
  entry: Point;
  exit: Point;
}

export interface SymbolFigure {
  symbol: string;
  prices: Point[];
  /** Every trade of every model on this symbol, in the models' order, then each model's trade order. */
  trades: TradeMarks[];
}

export interface ModelComparison {
  name: string;
  /** Index in the what-if run's models (its colour), or in the baseline's when only the baseline has it. */
  model: number;
  baseline: BacktestModelResult | null;
  whatIf: BacktestModelResult | null;
  /** What-if minus baseline; null when either side is missing. Return and drawdown are fractions. */
  returnDiff: number | null;
  tradesDiff: number | null;
  feesDiff: string | null;
  /** Funding received minus the baseline's (null when either run has no funding figure). */
  fundingDiff: string | null;
  finalEquityDiff: string | null;
  maxDrawdownDiff: number | null;
  equity: { baseline: Point[]; whatIf: Point[] };
}

export interface ReportFigures {
  /** The time axis every chart shares: the run's span, widened to any data outside it. */
  span: { from: number; to: number };
  equity: ModelCurve[];
  /** Below the running peak, as a fraction ≤ 0 (-0.1 = 10% under the peak). */
  drawdown: ModelCurve[];
  symbols: SymbolFigure[];
  comparison: ModelComparison[] | null;
}

/** Points kept per curve: about two per pixel of a wide screen, where thinning cannot be seen. */
export interface FigureOptions {
  equityPoints: number;
  pricePoints: number;
  comparisonPoints: number;
}

const DEFAULTS: FigureOptions = { equityPoints: 700, pricePoints: 1200, comparisonPoints: 350 };

const thin = (points: readonly Point[], n: number): Point[] =>
  downsampleLttb(
    points,
    Math.max(2, n),
    (p) => p[0],
    (p) => p[1],
  );

function equityPoints(model: BacktestModelResult): Point[] {
  return model.equity.map((p) => [p.t, Number(p.equity)] as const);
}

/**
 * The fraction below the running peak at every point of the full curve (thinned afterwards, so no
 * trough is missed); at most everything, -1, as the max drawdown metric counts it.
 */
export function drawdownPoints(points: readonly Point[]): Point[] {
  let peak = -Infinity;
  return points.map(([t, v]) => {
    if (v > peak) peak = v;
    return [t, peak > 0 ? Math.max(-1, v / peak - 1) : 0] as const;
  });
}

function span(result: BacktestResult, curves: readonly ModelCurve[]): { from: number; to: number } {
  let from = result.from;
  let to = result.to;
  for (const c of curves) {
    const first = c.points[0];
    const last = c.points[c.points.length - 1];
    if (first && first[0] < from) from = first[0];
    if (last && last[0] > to) to = last[0];
  }
  for (const m of result.models) {
    for (const trade of m.trades) {
      from = Math.min(from, trade.openedAt);
      to = Math.max(to, trade.closedAt);
    }
  }
  return { from, to };
}

function symbolFigures(result: BacktestResult, pricePoints: number): SymbolFigure[] {
  const symbols = [...result.symbols];
  for (const s of Object.keys(result.prices)) if (!symbols.includes(s)) symbols.push(s);
  for (const m of result.models) for (const t of m.trades) if (!symbols.includes(t.symbol)) symbols.push(t.symbol);
  return symbols.map((symbol) => ({
    symbol,
    prices: thin(
      (result.prices[symbol] ?? []).map((p) => [p.t, Number(p.price)] as const),
      pricePoints,
    ),
    trades: result.models.flatMap((m, model) =>
      m.trades.filter((t) => t.symbol === symbol).map((t) => ({ model, side: t.side, entry: [t.openedAt, Number(t.entryPrice)] as const, exit: [t.closedAt, Number(t.exitPrice)] as const })),
    ),
  }));
}

function diff(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}

/** Each model of either run, matched by name: the what-if run's order first, then models only the baseline has. */
export function compareRuns(whatIf: BacktestResult, baseline: BacktestResult, points = DEFAULTS.comparisonPoints): ModelComparison[] {
  const names = whatIf.models.map((m) => m.name);
  for (const m of baseline.models) if (!names.includes(m.name)) names.push(m.name);
  return names.map((name) => {
    const w = whatIf.models.find((m) => m.name === name) ?? null;
    const b = baseline.models.find((m) => m.name === name) ?? null;
    const index = whatIf.models.findIndex((m) => m.name === name);
    return {
      name,
      model: index >= 0 ? index : whatIf.models.length + baseline.models.findIndex((m) => m.name === name),
      baseline: b,
      whatIf: w,
      returnDiff: diff(w?.metrics.returnPct, b?.metrics.returnPct),
      tradesDiff: diff(w?.metrics.trades, b?.metrics.trades),
      feesDiff: w && b ? subtractMoney(w.metrics.fees, b.metrics.fees) : null,
      fundingDiff: w && b ? subtractMoney(w.metrics.funding ?? null, b.metrics.funding ?? null) : null,
      finalEquityDiff: w && b ? subtractMoney(w.metrics.finalEquity, b.metrics.finalEquity) : null,
      maxDrawdownDiff: diff(w?.metrics.maxDrawdown, b?.metrics.maxDrawdown),
      equity: { baseline: b ? thin(equityPoints(b), points) : [], whatIf: w ? thin(equityPoints(w), points) : [] },
    };
  });
}

/** The figures of a result, every curve thinned to at most the given number of points. */
export function reportFigures(result: BacktestResult, options: Partial<FigureOptions> = {}): ReportFigures {
  const o = { ...DEFAULTS, ...options };
  const full = result.models.map((m, model) => ({ model, name: m.name, points: equityPoints(m) }));
  return {
    span: span(result, full),
    equity: full.map((c) => ({ ...c, points: thin(c.points, o.equityPoints) })),
    drawdown: full.map((c) => ({ ...c, points: thin(drawdownPoints(c.points), o.equityPoints) })),
    symbols: symbolFigures(result, o.pricePoints),
    comparison: result.baseline ? compareRuns(result, result.baseline.result, o.comparisonPoints) : null,
  };
}
