import { randomUUID } from "node:crypto";
import { AppError } from "../core/errors.js";
import { lotsToQuantity } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import { averagePrice } from "../core/position.js";
import type { Tx } from "../db/client.js";
import { toolCalls } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { ClosePositionArgs, CreatePositionArgs, HoldingArgs, ToolName, ToolResult, TradingTools, UpdateExitPlanArgs } from "../agents/tools.js";
import { TOOL_CALL_TYPES, parseToolArgs, toolError } from "../agents/tools.js";
import type { ExitPlanInput } from "../trading/contracts.js";
import type { OrderOrigin, TradingService } from "../trading/trading-service.js";

export interface ModelToolsOptions {
  service: TradingService;
  uow: UnitOfWork;
  modelId: string;
  invocationId: string;
  now: () => number;
  signal: AbortSignal;
  /** Writes a tool-call row (the scheduler groups the rows of concurrent runs); default: its own transaction. */
  record?: (row: typeof toolCalls.$inferInsert) => Promise<void>;
}

/**
 * The tools of one model run, backed by the trading service. Arguments are validated with
 * the tools' schemas (an LLM's malformed call becomes a readable error, not an exception),
 * every call is recorded with its result, and client order ids derive from the invocation so
 * a retried call cannot place twice.
 */
export class ModelTools implements TradingTools {
  private seq = 0;
  held: string | null = null;
  readonly calls: Array<{ tool: ToolName; args: unknown; result: ToolResult }> = [];
  private readonly inFlight = new Set<Promise<ToolResult>>();

  private readonly origin: OrderOrigin;

  constructor(private readonly opts: ModelToolsOptions) {
    this.origin = { source: "model", runId: opts.invocationId };
  }

  async createPosition(raw: CreatePositionArgs): Promise<ToolResult> {
    return this.call("createPosition", raw, async (args) => {
      const results: unknown[] = [];
      for (const [i, d] of args.decisions.entries()) {
        if (d.side === "HOLD") {
          results.push({ symbol: d.symbol, status: "held" });
          continue;
        }
        try {
          const exitPlan: ExitPlanInput = {
            stop: str(d.stopLoss),
            target: str(d.profitTarget),
            invalidation: d.invalidationCondition ?? null,
            invalidationPrice: str(d.invalidationPrice),
            confidence: d.confidence,
            timeExit: d.timeExitMinutes ? new Date(this.opts.now() + d.timeExitMinutes * 60_000).toISOString() : null,
            cooldownUntil: d.cooldownMinutes ? new Date(this.opts.now() + d.cooldownMinutes * 60_000).toISOString() : null,
          };
          const r = await this.opts.service.openPosition(
            this.opts.modelId,
            { symbol: d.symbol.toUpperCase(), side: d.side, quantity: String(d.quantity), leverage: String(d.leverage), exitPlan },
            { clientOrderId: `${this.opts.invocationId}:${this.seq}:${i}`, origin: this.origin },
          );
          results.push({
            symbol: r.market.symbol,
            status: r.status,
            requestedQuantity: lotsToQuantity(r.market, r.requestedLots),
            filledQuantity: lotsToQuantity(r.market, r.filledLots),
            averagePrice: r.filledLots > 0 ? averagePrice(r.market, r.notional, BigInt(r.filledLots)) : null,
            fees: formatUsd(r.fees),
          });
        } catch (error) {
          results.push({ symbol: d.symbol, status: "rejected", ...reason(error) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results };
    });
  }

  async closePosition(raw: ClosePositionArgs): Promise<ToolResult> {
    return this.call("closePosition", raw, async (args) => {
      const results: unknown[] = [];
      for (const symbol of args.symbols) {
        try {
          results.push({ symbol: symbol.toUpperCase(), ...(await this.opts.service.closePosition(this.opts.modelId, symbol, "MANUAL")) });
        } catch (error) {
          results.push({ symbol, status: "rejected", ...reason(error) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results };
    });
  }

  async updateExitPlan(raw: UpdateExitPlanArgs): Promise<ToolResult> {
    return this.call("updateExitPlan", raw, async (args) => {
      const results: unknown[] = [];
      for (const u of args.updates) {
        try {
          const patch: ExitPlanInput = {};
          if (u.stopLoss != null) patch.stop = String(u.stopLoss);
          if (u.profitTarget != null) patch.target = String(u.profitTarget);
          if (u.invalidationPrice != null) patch.invalidationPrice = String(u.invalidationPrice);
          if (u.timeExitMinutes != null) patch.timeExit = new Date(this.opts.now() + u.timeExitMinutes * 60_000).toISOString();
          await this.opts.service.updateExitPlan(this.opts.modelId, u.symbol, patch, this.origin);
          results.push({ symbol: u.symbol.toUpperCase(), status: "updated" });
        } catch (error) {
          results.push({ symbol: u.symbol, status: "rejected", ...reason(error) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results };
    });
  }

  async holding(raw: HoldingArgs): Promise<ToolResult> {
    return this.call("holding", raw, async (args) => {
      this.held = args.reason;
      return { ok: true, results: [{ status: "holding", reason: args.reason }] };
    });
  }

  /**
   * A call with an LLM's raw arguments, by tool name: validated with the tool's schema and
   * recorded either way (what the LLM agent uses; the typed methods validate the same way).
   */
  callRaw(name: ToolName, raw: unknown): Promise<ToolResult> {
    return this[name](raw as never);
  }

  /** Resolves when no call is in flight: a run that ended (timed out) mid-call is recorded only after its call. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private call<N extends ToolName>(tool: N, raw: unknown, run: (args: Parameters<TradingTools[N]>[0]) => Promise<ToolResult>): Promise<ToolResult> {
    const pending = this.execute(tool, raw, run);
    this.inFlight.add(pending);
    void pending.finally(() => this.inFlight.delete(pending)).catch(() => undefined);
    return pending;
  }

  private async execute<N extends ToolName>(tool: N, raw: unknown, run: (args: Parameters<TradingTools[N]>[0]) => Promise<ToolResult>): Promise<ToolResult> {
    this.seq++;
    let result: ToolResult;
    if (this.opts.signal.aborted) {
      result = toolError("run_timed_out", "the run's time is up; no more actions this cycle");
    } else {
      const parsed = parseToolArgs(tool, raw);
      result = parsed.ok ? await run(parsed.args).catch((e: unknown) => toolError("tool_failed", e instanceof Error ? e.message : String(e))) : parsed.result;
    }
    this.calls.push({ tool, args: raw, result });
    const row = {
      id: randomUUID(),
      invocationId: this.opts.invocationId,
      modelId: this.opts.modelId,
      type: TOOL_CALL_TYPES[tool],
      metadata: JSON.parse(JSON.stringify({ args: raw ?? null, result })) as unknown,
      createdAt: new Date(this.opts.now()),
    };
    if (this.opts.record) await this.opts.record(row);
    else await this.opts.uow.run(async (tx: Tx) => void (await tx.insert(toolCalls).values(row)));
    return result;
  }
}

function str(v: string | number | null | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

function reason(error: unknown): { reason: string; message: string } {
  if (error instanceof AppError) return { reason: error.code, message: error.message };
  return { reason: "error", message: error instanceof Error ? error.message : String(error) };
}
