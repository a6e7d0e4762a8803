import type { TradingTools, ToolName } from "../agents/tools.js";
import type { Decider, ScheduledModel } from "../scheduler/scheduler.js";
import type { BacktestDecision } from "./types.js";

/**
 * Decisions held fixed. Every backtest records what each model did through its tools (the
 * tool and its arguments, at the run's time); a what-if run replays exactly those calls through
 * the same tools while the execution around them changes (fees, latency, slippage, risk limits).
 * So the two runs differ only in how the decisions were executed, never in what was decided.
 */

/** Calls that change nothing are not kept: holding only ends a run. */
const ACTIONS: readonly ToolName[] = ["createPosition", "closePosition", "updateExitPlan"];

export function recordDecisions(): { around: (model: ScheduledModel, decide: Decider | undefined) => Decider | undefined; decisions: BacktestDecision[] } {
  const decisions: BacktestDecision[] = [];
  const around = (model: ScheduledModel, decide: Decider | undefined): Decider | undefined =>
    decide &&
    (async (ctx, tools, report) => {
      const calls: BacktestDecision["calls"] = [];
      const watched = { ...tools } as TradingTools;
      for (const name of ACTIONS) {
        const call = tools[name].bind(tools) as (args: unknown) => ReturnType<TradingTools[typeof name]>;
        (watched as unknown as Record<string, (args: unknown) => unknown>)[name] = (args: unknown) => {
          calls.push({ tool: name, args: structuredClone(args) });
          return call(args);
        };
      }
      watched.holding = tools.holding.bind(tools);
      try {
        await decide(ctx, watched, report);
      } finally {
        if (calls.length > 0) decisions.push({ model: model.name, at: ctx.now, calls });
      }
    });
  return { around, decisions };
}

/**
 * A decider per model that makes the recorded calls and nothing else: at each run, every call
 * recorded at or before the run's time that has not been made yet (a backtest's runs fall on the
 * recorded times exactly; a paper day's runs are aligned to them).
 */
export function replayDecisions(decisions: readonly BacktestDecision[]): (model: ScheduledModel, decide: Decider | undefined) => Decider | undefined {
  const queues = new Map<string, BacktestDecision[]>();
  for (const d of [...decisions].sort((a, b) => a.at - b.at)) queues.set(d.model, [...(queues.get(d.model) ?? []), d]);
  return (model) => async (ctx, tools, report) => {
    const queue = queues.get(model.name) ?? [];
    const calls: BacktestDecision["calls"] = [];
    while (queue.length > 0 && queue[0]!.at <= ctx.now) calls.push(...queue.shift()!.calls);
    for (const c of calls) {
      const tool = tools[c.tool as ToolName] as ((args: unknown) => Promise<unknown>) | undefined;
      if (!tool) throw new Error(`a recorded decision of "${model.name}" calls an unknown tool "${c.tool}"`);
      await tool.call(tools, c.args);
    }
    report.response = calls.length === 0 ? "no recorded decision at this time" : `replayed ${calls.length} recorded call(s)`;
  };
}
