/**
 * The API's wire shapes, shared with the server rather than written twice: these are the very
 * interfaces the server's services implement (type-only imports, erased from the bundle).
 */
import type { LiveStatusView } from "../../../src/live/live-service.ts";
import type { LiveSwitchState } from "../../../src/live/kill-switch.ts";

export type * from "../../../src/app/services.ts";
export type { OrderSnapshot, PositionSnapshot } from "../../../src/events/events.ts";
export type { MarketTick } from "../../../src/market/market-ticks.ts";
export type { AuditWindow, ExecutionAudit, MirrorDetail, MirrorMetrics, Percentiles } from "../../../src/copy/mirror-service.ts";
export type { ExecutionView, MirrorView } from "../../../src/copy/mirror-store.ts";
export type { OutcomeCounts } from "../../../src/copy/mirror-report.ts";
export type { Outcome, Reason, Sizing } from "../../../src/copy/mirror-settings.ts";
export type { VenueRef } from "../../../src/db/schema.ts";
export type { LiveStatusView } from "../../../src/live/live-service.ts";
export type { LiveSwitchState } from "../../../src/live/kill-switch.ts";
export type { ReconcileResult } from "../../../src/live/reconciler.ts";
export type { BacktestDetailView, BacktestProgressView, BacktestRequestView, BacktestStatus, BacktestSummary, BacktestView } from "../../../src/backtest/backtest-views.ts";
export type { InstrumentView } from "../../../src/trading/contracts.ts";
export type { RiskLimits } from "../../../src/trading/risk/limits.ts";
export type { PredictionBookView, PredictionMarketView } from "../../../src/prediction/prediction-api.ts";
export type { BacktestMetrics, BacktestModelResult, BacktestResult } from "../../../src/backtest/types.ts";

/** One live account as `GET /api/live` lists it. */
export type LiveAccountView = LiveStatusView["accounts"][number];

/** `POST /api/live/halt`: the kill switch's new state, the open orders it canceled, and those it could not. */
export type HaltView = LiveSwitchState & { canceledOrders: number; failures: string[] };

/** The stream's `live` event: the kill switch was thrown or lifted. */
export interface LiveSwitchedEvent {
  halted: boolean;
  reason: string | null;
  canceledOrders: number;
}

/** The stream's `account` event with action "status": a model was halted or made active again. */
export interface ModelStatusEvent {
  modelId: string;
  action: "status";
  status: "active" | "paused" | "halted";
  reason: string | null;
}

/** One market of the Lighter feed as `GET /api/health` describes it (`feed.markets`). */
export interface LighterFeedMarket {
  synced: boolean;
  stale: boolean;
  /** Since the last order-book frame; null before the first. */
  lastUpdateAgeMs: number | null;
  updates: number;
  gaps: number;
}

/** `GET /api/health`'s `feed` when it is Lighter's (src/feeds/lighter/lighter-feed.ts describe()). */
export interface LighterFeedView {
  kind: "lighter";
  connected: boolean;
  staleAfterMs: number;
  markets: Record<string, LighterFeedMarket>;
}
