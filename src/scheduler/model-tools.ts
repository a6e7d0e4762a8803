import { randomUUID } from "node:crypto";
import type { AccountSnapshot, AccountSnapshotSource } from "../agents/account-snapshot.js";
import type { LlmVariant } from "../agents/llm/variants.js";
import { AppError } from "../core/errors.js";
import { lotsToQuantity } from "../core/market.js";
import { formatUsd } from "../core/money.js";
import { averagePrice } from "../core/position.js";
import type { Tx } from "../db/client.js";
import { toolCalls } from "../db/schema.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import type { ClosePositionArgs, CreatePositionArgs, Decision, HoldingArgs, ToolName, ToolResult, TradingTools, UpdateExitPlanArgs } from "../agents/tools.js";
import { TOOL_CALL_TYPES, parseToolArgs, toolError } from "../agents/tools.js";
import type { ExitPlanInput } from "../trading/contracts.js";
import type { OrderOrigin, TradingService } from "../trading/trading-service.js";
import { accountSnapshot, positionSnapshot } from "./account-snapshot.js";
import { policeEntry, type PolicedDecision } from "./entry-gate.js";
import { entryOrderFields, type EntryOrderPolicy } from "./entry-orders.js";
import type { ToolCallRow } from "./invocation-log.js";

export interface ModelToolsOptions {
  service: TradingService;
  uow: UnitOfWork;
  modelId: string;
  invocationId: string;
  now: () => number;
  signal: AbortSignal;
  /** Writes a tool-call row (the scheduler groups the rows of concurrent runs); default: its own transaction. */
  record?: (row: ToolCallRow) => Promise<void>;
  /** The LLM variant the model runs: its entry policy (if any) is enforced on every entry. */
  variant?: LlmVariant;
  /** The order type of entries (default: market orders). */
  entryOrders?: EntryOrderPolicy;
}

/**
 * The tools of one model run, backed by the trading service. Arguments are validated with
 * the tools' schemas (an LLM's malformed call becomes a readable error, not an exception),
 * every call is recorded with its result, and client order ids derive from the invocation so
 * a retried call cannot place twice. Every result that acted shows what it left behind: the
 * position as it stands (quantity, average entry, stop, target, time exit, liquidation price)
 * and the account (cash, equity, available margin, gross exposure), so a model reads the
 * consequence of its call, not only that it worked. A variant's entry policy (a probability
 * gate, Kelly sizing, a leverage cap, a default time exit) is applied here, before the order.
 */
export class ModelTools implements TradingTools, AccountSnapshotSource {
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
          results.push({ symbol: d.symbol.toUpperCase(), status: "held", ...this.positionNow(d.symbol) });
          continue;
        }
        try {
          const policed = this.police(d);
          const timeExitMinutes = d.timeExitMinutes ?? policed.timeExitMinutes;
          const exitPlan: ExitPlanInput = {
            stop: str(d.stopLoss),
            target: str(d.profitTarget),
            invalidation: d.invalidationCondition ?? null,
            invalidationPrice: str(d.invalidationPrice),
            confidence: d.confidence,
            timeExit: timeExitMinutes ? new Date(this.opts.now() + timeExitMinutes * 60_000).toISOString() : null,
            cooldownUntil: d.cooldownMinutes ? new Date(this.opts.now() + d.cooldownMinutes * 60_000).toISOString() : null,
          };
          const r = await this.opts.service.openPosition(
            this.opts.modelId,
            {
              symbol: d.symbol.toUpperCase(),
              side: d.side,
              quantity: policed.quantity,
              leverage: String(d.leverage),
              exitPlan,
              ...this.entryOrder(d.symbol, d.side),
            },
            { clientOrderId: `${this.opts.invocationId}:${this.seq}:${i}`, origin: this.origin },
          );
          results.push({
            symbol: r.market.symbol,
            status: r.status,
            requestedQuantity: lotsToQuantity(r.market, r.requestedLots),
            filledQuantity: lotsToQuantity(r.market, r.filledLots),
            averagePrice: r.filledLots > 0 ? averagePrice(r.market, r.notional, BigInt(r.filledLots)) : null,
            fees: formatUsd(r.fees),
            ...(policed.sizing ? { sizing: policed.sizing } : {}),
            ...(d.timeExitMinutes == null && policed.timeExitMinutes ? { timeExitMinutes: policed.timeExitMinutes } : {}),
            position: r.position ? positionSnapshot(r.market, r.position, this.opts.service.quote(r.market.symbol)?.mid) : null,
          });
        } catch (error) {
          results.push({ symbol: d.symbol, status: "rejected", ...reason(error) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results, account: this.accountFigures() };
    });
  }

  /** Order fields of an entry under the run's entry-order policy (none for market entries). */
  private entryOrder(symbol: string, side: "LONG" | "SHORT") {
    const policy = this.opts.entryOrders;
    if (!policy || policy.type === "market") return {};
    const market = this.opts.service.market(symbol.toUpperCase());
    return entryOrderFields(policy, market, side, this.opts.service.quote(market.symbol), this.opts.now());
  }

  async closePosition(raw: ClosePositionArgs): Promise<ToolResult> {
    return this.call("closePosition", raw, async (args) => {
      const results: unknown[] = [];
      for (const symbol of args.symbols) {
        try {
          const closed = await this.opts.service.closePosition(this.opts.modelId, symbol, "MANUAL");
          // A partial close leaves a position: show what is left of it.
          results.push({ symbol: symbol.toUpperCase(), ...closed, ...(closed.status === "closed" ? {} : this.positionNow(symbol)) });
        } catch (error) {
          results.push({ symbol, status: "rejected", ...reason(error) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results, account: this.accountFigures() };
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
          const p = await this.opts.service.updateExitPlan(this.opts.modelId, u.symbol, patch, this.origin);
          const m = this.opts.service.market(p.state.symbol);
          results.push({ symbol: m.symbol, status: "updated", position: positionSnapshot(m, p, this.opts.service.quote(m.symbol)?.mid) });
        } catch (error) {
          results.push({ symbol: u.symbol, status: "rejected", ...reason(error), ...this.positionNow(u.symbol) });
        }
      }
      return { ok: results.every((r) => (r as { status: string }).status !== "rejected"), results, account: this.accountFigures() };
    });
  }

  async holding(raw: HoldingArgs): Promise<ToolResult> {
    return this.call("holding", raw, async (args) => {
      this.held = args.reason;
      return { ok: true, results: [{ status: "holding", reason: args.reason }] };
    });
  }

  /**
   * The account as it stands (an own property, not a method: a wrapper that copies the tools,
   * such as a backtest's decision recorder, keeps it).
   */
  readonly accountSnapshot = (): AccountSnapshot => accountSnapshot(this.opts.service, this.opts.modelId);

  /** The account's figures without the positions: what every acting tool result ends with. */
  private accountFigures(): Omit<AccountSnapshot, "positions"> {
    const { positions: _positions, ...figures } = this.accountSnapshot();
    return figures;
  }

  /** `{ position }` of an open position on `symbol` as it stands; `{ position: null }` when there is none. */
  private positionNow(symbol: string): { position: ReturnType<typeof positionSnapshot> | null } {
    const p = this.opts.service.findAccount(this.opts.modelId)?.positions.get(symbol.toUpperCase());
    if (!p) return { position: null };
    const m = this.opts.service.market(p.state.symbol);
    return { position: positionSnapshot(m, p, this.opts.service.quote(m.symbol)?.mid) };
  }

  /** The variant's entry policy applied to one decision: the quantity to send, or a rejection (thrown, so it reads like the service's). */
  private police(d: Decision): PolicedDecision {
    return policeEntry({ service: this.opts.service, modelId: this.opts.modelId, variant: this.opts.variant, decision: d });
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
