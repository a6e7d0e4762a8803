import type { Db } from "../db/client.js";
import { curveMetrics } from "../core/metrics.js";
import type { EquityWindow } from "./contracts.js";
import { CurveWindow, type HeldCurve } from "./curve-window.js";
import { windowSpan } from "./equity.js";

/**
 * The curves of every window asked for, each a CurveWindow made on first use, told together of
 * snapshot rounds and roll-ups; the week's curve metrics (the API's and the prompts') among them.
 */
export class CurveWindows {
  private readonly byWindow = new Map<number | null, CurveWindow>();
  private weekFigures: CurveMetricsReadModel | null = null;

  constructor(private readonly db: Db) {}

  /** The window of the last `windowMs` (null: all time). */
  of(windowMs: number | null): CurveWindow {
    let w = this.byWindow.get(windowMs);
    if (!w) this.byWindow.set(windowMs, (w = new CurveWindow(this.db, windowMs)));
    return w;
  }

  /** Sharpe, Sortino and drawdown over the last seven days. */
  get week(): CurveMetricsReadModel {
    return (this.weekFigures ??= new CurveMetricsReadModel(this.of(WEEK_MS)));
  }

  noteSnapshot(ts: number): void {
    for (const w of this.byWindow.values()) w.noteSnapshot(ts);
  }

  rolledUp(before: Date): void {
    for (const w of this.byWindow.values()) w.rolledUp(before);
  }
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Every model's exact curve over a window of the API (1h, 24h, 7d, 30d, all), from the window's
 * CurveWindow, with answers derived from the curves (the leaderboard's rows, a chart's
 * downsampled points) kept until the curves change: any number of dashboards polling share one
 * read of what is new and one computation per snapshot round.
 */
export class ExactCurvesReadModel {
  private readonly derived = new Map<EquityWindow, { revision: number; values: Map<string, unknown> }>();

  constructor(private readonly windows: CurveWindows) {}

  /** `compute` over the window's curves, kept under `key` until they change (a failure is not kept). */
  async derive<T>(window: EquityWindow, now: number, key: string, compute: (curves: ReadonlyMap<string, HeldCurve>) => T): Promise<T> {
    const w = this.windows.of(windowSpan(window));
    const curves = await w.curves(now);
    let kept = this.derived.get(window);
    if (kept?.revision !== w.revision) this.derived.set(window, (kept = { revision: w.revision, values: new Map() }));
    if (!kept.values.has(key)) kept.values.set(key, compute(curves));
    return kept.values.get(key) as T;
  }
}

export type CurveFigures = ReturnType<typeof curveMetrics>;

const NO_CURVE: CurveFigures = curveMetrics([]);

/**
 * Every model's curve metrics (Sharpe, Sortino, max drawdown over the window of a CurveWindow),
 * computed from the held curves and kept until they change: the leaderboard, the model pages and
 * the prompts of a scheduler cycle share one read of what was written since the last one, and
 * each model's figures are computed once per change.
 */
export class CurveMetricsReadModel {
  private kept: { revision: number; figures: Map<string, CurveFigures> } | null = null;

  constructor(readonly window: CurveWindow) {}

  /** Every model's figures; a model without snapshots in the window is absent (see `none`). */
  async all(now: number): Promise<ReadonlyMap<string, CurveFigures>> {
    const curves = await this.window.curves(now);
    const figures = this.current();
    for (const [id, points] of curves) if (!figures.has(id)) figures.set(id, figuresOf(points));
    return figures;
  }

  /** One model's figures. */
  async of(modelId: string, now: number): Promise<CurveFigures> {
    const points = (await this.window.curves(now)).get(modelId);
    if (!points) return NO_CURVE;
    const figures = this.current();
    let f = figures.get(modelId);
    if (!f) figures.set(modelId, (f = figuresOf(points)));
    return f;
  }

  private current(): Map<string, CurveFigures> {
    const revision = this.window.revision;
    if (this.kept?.revision !== revision) this.kept = { revision, figures: new Map() };
    return this.kept.figures;
  }

  /** Figures of a model absent from `all` (no snapshot in the window). */
  static readonly none: CurveFigures = NO_CURVE;
}

function figuresOf(curve: HeldCurve): CurveFigures {
  return curveMetrics(curve.numeric);
}
