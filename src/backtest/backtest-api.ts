import { notFound, rejected } from "../core/errors.js";
import type { BacktestDetailView, BacktestView } from "./backtest-views.js";

/** What the API asks of backtests (src/backtest/backtest-jobs.ts runs them). */
export interface BacktestApi {
  /** Validates the body (model ids resolved), queues the run and starts it when a slot is free; 400 naming each bad field. */
  create(body: unknown): Promise<BacktestView>;
  /**
   * What-if: a done run again with its decisions held fixed and the execution of the body
   * (`execution`, `seed`, each model's `risk` by name) changed; the new run's report compares the two.
   */
  whatIf(id: string, body: unknown): Promise<BacktestView>;
  /** Newest first, without the full results. */
  list(): Promise<BacktestView[]>;
  /** One run with its progress, summary and, once done, the full result; 404. */
  get(id: string): Promise<BacktestDetailView>;
  /** The HTML report; 404 until the run is done. */
  report(id: string): Promise<string>;
  /** Cancels a queued or running run (`deleted: false`), deletes a finished one with its folder (`deleted: true`); 404. */
  remove(id: string): Promise<BacktestView & { deleted: boolean }>;
}

const unavailable = () => Promise.reject(rejected("backtests_unavailable", "this process does not run backtests (only `autonome serve` does)"));

/** For a process that runs no backtests (a worker, a backtest's own kernel). */
export const NO_BACKTESTS: BacktestApi = {
  create: unavailable,
  whatIf: unavailable,
  list: () => Promise.resolve([]),
  get: (id) => Promise.reject(notFound(`no backtest ${id}`)),
  report: (id) => Promise.reject(notFound(`no backtest ${id}`)),
  remove: (id) => Promise.reject(notFound(`no backtest ${id}`)),
};
