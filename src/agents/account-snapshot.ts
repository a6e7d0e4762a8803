import type { Side } from "../core/types.js";

/**
 * The account as it stands right now, for a model in the middle of its run: what every tool
 * result carries after it acted, and what the LLM agent shows before each step after the
 * first (the prompt was written before the run's own orders filled). Money and prices are
 * exact decimal strings, as on the API.
 */

export interface PositionSnapshot {
  symbol: string;
  side: Side;
  quantity: string;
  leverage: string;
  /** Average entry price of the whole position (a scale-in moves it). */
  entryPrice: string;
  markPrice: string | null;
  unrealizedPnl: string;
  stop: string | null;
  target: string | null;
  /** ISO-8601, or null. */
  timeExit: string | null;
  /** Where the venue would liquidate the position (its margin gone down to maintenance). */
  liquidationPrice: string;
}

export interface AccountSnapshot {
  cash: string;
  equity: string;
  /** Equity not held as margin. */
  available: string;
  /** Gross notional of the open positions at the mark (at the entry price where no mark is known). */
  exposure: string;
  positions: PositionSnapshot[];
}

/** Tools that can tell the account as it stands (ModelTools); the agent uses it for its state updates. */
export interface AccountSnapshotSource {
  accountSnapshot(): AccountSnapshot | Promise<AccountSnapshot>;
}

export function hasAccountSnapshot(tools: unknown): tools is AccountSnapshotSource {
  return typeof (tools as Partial<AccountSnapshotSource> | null)?.accountSnapshot === "function";
}

function usd(value: string): string {
  return value.startsWith("-") ? `-$${value.slice(1)}` : `$${value}`;
}

export function positionLine(p: PositionSnapshot): string {
  const exits = [p.stop ? `stop ${p.stop}` : "NO STOP", p.target ? `target ${p.target}` : "no target", ...(p.timeExit ? [`time exit ${p.timeExit}`] : [])];
  const mark = p.markPrice === null ? "" : `, mark ${p.markPrice}, unrealized P&L ${usd(p.unrealizedPnl)}`;
  return `- ${p.symbol} ${p.side} ${p.quantity} @ average entry ${p.entryPrice}, leverage ${p.leverage}x${mark}; ${exits.join(", ")}; liquidation price ${p.liquidationPrice}`;
}

/** The short message the agent puts before step `step` (2, 3, ...): the account after the previous steps' tool calls. */
export function formatStateUpdate(state: AccountSnapshot, step: number): string {
  return [
    `## State update before step ${step} (after your tool calls so far; it replaces the account figures above)`,
    `cash ${usd(state.cash)}, equity ${usd(state.equity)}, available margin ${usd(state.available)}, gross exposure ${usd(state.exposure)}`,
    state.positions.length === 0 ? "open positions: none" : `open positions (${state.positions.length}):`,
    ...state.positions.map(positionLine),
  ].join("\n");
}
