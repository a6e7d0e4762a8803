import type { CloseTrigger, Side } from "../core/types.js";

/**
 * What trading takes and gives, in the wire shapes of the API (decimal strings, ISO times):
 * owned here, so that the HTTP layer, the scheduler's tools and the CLI all depend inward on
 * trading rather than trading on them.
 */

export type EquityWindow = "1h" | "24h" | "7d" | "30d" | "all";

export interface EquityPoint {
  ts: string;
  equity: string;
}

export interface ExitPlanView {
  stop: string | null;
  target: string | null;
  invalidation: string | null;
  invalidationPrice: string | null;
  confidence: number | null;
  timeExit: string | null;
  cooldownUntil: string | null;
}

/** A patch of an exit plan: each field present is set (`null` clears it). */
export type ExitPlanInput = Partial<ExitPlanView>;

export interface PositionView {
  id: string;
  modelId: string;
  symbol: string;
  side: Side;
  quantity: string;
  leverage: string;
  entryPrice: string;
  markPrice: string | null;
  unrealizedPnl: string;
  /** Funding the position received (positive) or paid so far (the API's positions; events leave it out). */
  funding?: string;
  exitPlan: ExitPlanView | null;
  openedAt: string;
  /** An outcome token's market and outcome (a prediction market); absent for a perpetual. */
  instrument?: InstrumentView;
}

/** What an outcome token is: its market (condition id), its token id and its outcome. */
export interface InstrumentView {
  kind: "outcome";
  conditionId: string;
  tokenId: string;
  outcome: string;
}

export interface TradeView {
  id: string;
  modelId: string;
  symbol: string;
  side: Side;
  quantity: string;
  leverage: string;
  entryPrice: string;
  exitPrice: string;
  /** Price P&L less fees; funding is apart: the trade's net is realizedPnl + funding. */
  realizedPnl: string;
  fees: string;
  /** Funding received (positive) or paid while the position was open (on its last row; a reduction's slice has none). */
  funding: string;
  closeTrigger: CloseTrigger | null;
  openedAt: string;
  closedAt: string;
  /** An outcome token's market and outcome (a prediction market); absent for a perpetual. */
  instrument?: InstrumentView;
}

export interface OpenPositionInput {
  symbol: string;
  side: Side;
  quantity: string;
  leverage?: string;
  exitPlan?: ExitPlanInput;
  /** LIMIT rests at `price` (GTC, GTT until expiresAt) or trades now only (IOC, FOK); MARKET is the default. */
  type?: "MARKET" | "LIMIT";
  price?: string;
  timeInForce?: "GTC" | "GTT" | "IOC" | "FOK";
  postOnly?: boolean;
  expiresAt?: string;
}
