/**
 * What happened, as the outbox records it: one past-tense type per kind of change, one shape
 * per type, each with a version so readers (the event stream, copy-trading workers) can rely on
 * it. A change emits its events in the transaction that makes it (see db/unit-of-work).
 *
 * The event stream (`/api/events`, see API.md) shows them under the names `order`, `position`,
 * `account`, `invocation`, `market`, `mirror`, `live`, `cycle`, `signal` and `prediction`, with an `action`: `toWire` is that mapping.
 */
import type { CloseTrigger } from "../core/types.js";

/** An order as events carry it (decimal strings, ISO times). */
export interface OrderSnapshot {
  id: string;
  clientOrderId: string;
  modelId?: string;
  venue?: string;
  symbol: string;
  side: string;
  type: string;
  timeInForce?: string;
  price?: string | null;
  quantity: string;
  filledQuantity?: string;
  status?: string;
  reason?: string | null;
  purpose: string;
  closeTrigger: string | null;
  createdAt?: string;
}

/** A position row as events carry it: the API's position view plus the close trigger. */
export type PositionSnapshot = Record<string, unknown> & { id: string; modelId: string; symbol: string; side: string; closeTrigger: CloseTrigger | null };

/** Account figures at a moment (decimal strings), as `GET /api/models` shows them. */
export type AccountFigures = Record<string, unknown> & { cash: string; equity: string };

export type OrderPlaced = { type: "OrderPlaced"; v: 1; modelId: string; order: OrderSnapshot };
/** The venue's answer moved the order: resting, (partly) filled, canceled, rejected, expired, unknown. */
export type OrderAccepted = { type: "OrderAccepted"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderFilled = { type: "OrderFilled"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderPartiallyFilled = { type: "OrderPartiallyFilled"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderCanceled = { type: "OrderCanceled"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderRejected = { type: "OrderRejected"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderExpired = { type: "OrderExpired"; v: 1; modelId: string; order: OrderSnapshot };
export type OrderUnknown = { type: "OrderUnknown"; v: 1; modelId: string; order: OrderSnapshot };
/** A triggered close failed and will be retried: a code and a readable message, never a driver's text. */
export type CloseFailed = {
  type: "CloseFailed";
  v: 1;
  modelId: string;
  positionId: string;
  symbol: string;
  closeTrigger: CloseTrigger;
  attempt: number;
  reason: string;
  message: string;
  retryInMs: number;
};
export type PositionOpened = { type: "PositionOpened"; v: 1; modelId: string; position: PositionSnapshot };
export type PositionScaled = { type: "PositionScaled"; v: 1; modelId: string; position: PositionSnapshot };
export type PositionReduced = { type: "PositionReduced"; v: 1; modelId: string; position: PositionSnapshot };
export type PositionClosed = { type: "PositionClosed"; v: 1; modelId: string; position: PositionSnapshot };
export type ExitPlanUpdated = { type: "ExitPlanUpdated"; v: 1; modelId: string; position: PositionSnapshot };
export type AccountCreated = { type: "AccountCreated"; v: 1; modelId: string; cash: string };
export type AccountReset = { type: "AccountReset"; v: 1; modelId: string; cash: string };
export type EquitySnapshotted = { type: "EquitySnapshotted"; v: 1; modelId: string; ts: string; figures: AccountFigures };
/** A copy-trading execution changed state (claimed work finished, resting, or its outcome recorded): the API's execution view. */
export type MirrorExecuted = { type: "MirrorExecuted"; v: 1; modelId: string; execution: Record<string, unknown> & { id: string; mirrorId: string; state: string } };
/** A live venue charged or paid the account funding (amount: the cash change, negative when paid). */
export type FundingPaid = { type: "FundingPaid"; v: 1; modelId: string; symbol: string; amount: string; paymentId: string };
/** A model was halted (a live account whose venue state differs from ours) or made active again. */
export type ModelStatusChanged = { type: "ModelStatusChanged"; v: 1; modelId: string; status: string; reason: string | null };
/** The live kill switch was thrown or lifted (modelId is empty: it concerns every live model). */
export type LiveSwitched = { type: "LiveSwitched"; v: 1; modelId: string; halted: boolean; reason: string | null; canceledOrders: number };
/**
 * A follow model decided a followed wallet's trade (copied, or skipped with the reason): the
 * signal as `GET /api/models/:id/signals` lists it (src/follow/follow-signals.ts).
 */
export type FollowSignalDecided = { type: "FollowSignalDecided"; v: 1; modelId: string; signal: Record<string, unknown> & { id: string; modelId: string; decision: string } };
/** A prediction market stopped taking orders (closed) or resolved with its winner (not tied to a model: modelId is empty). */
export type PredictionMarketChanged = {
  type: "PredictionMarketChanged";
  v: 1;
  modelId: string;
  market: { conditionId: string; slug: string; question: string; status: "closed" | "resolved"; winner?: string };
};
export type InvocationFinished = { type: "InvocationFinished"; v: 1; modelId: string; invocation: Record<string, unknown> & { id: string; status: string } };

/** What started a scheduler cycle: its interval, the start of the process, or a request (`POST /api/scheduler/run`). */
export type CycleTrigger = "interval" | "start" | "manual";

/** One scheduler cycle, once every run it started has ended: what the `cycle` event and the scheduler's status show. */
export interface CycleSummary {
  cycleId: string;
  trigger: CycleTrigger;
  /** Domain time (ISO): the replay's recorded time on a replay. */
  startedAt: string;
  finishedAt: string;
  /** Wall milliseconds the cycle took (real time even on a replay, like a run's duration). */
  durationMs: number;
  /** The scheduler's interval (0: no timer). */
  intervalMs: number;
  /** Runs the cycle started. */
  models: number;
  ok: number;
  /** Runs that ended in an error (a stale-cleared run of this cycle among them). */
  failed: number;
  timedOut: number;
  /** Active models not started because their run of an earlier cycle was still going. */
  skipped: number;
  /** Runs of this cycle cleared as stale (still running past the stale limit). */
  stale: number;
  /** Interval ticks that fell while this cycle ran: those cycles never happened. */
  missedTicks: number;
  /** The cycle took longer than the interval, or an interval tick fell while it ran. */
  overran: boolean;
}

/** A scheduler cycle finished (not tied to a model: modelId is empty). */
export type CycleFinished = { type: "CycleFinished"; v: 1; modelId: string; cycle: CycleSummary };

export type DomainEvent =
  | OrderPlaced
  | OrderAccepted
  | OrderFilled
  | OrderPartiallyFilled
  | OrderCanceled
  | OrderRejected
  | OrderExpired
  | OrderUnknown
  | CloseFailed
  | PositionOpened
  | PositionScaled
  | PositionReduced
  | PositionClosed
  | ExitPlanUpdated
  | AccountCreated
  | AccountReset
  | EquitySnapshotted
  | InvocationFinished
  | CycleFinished
  | MirrorExecuted
  | ModelStatusChanged
  | LiveSwitched
  | FundingPaid
  | FollowSignalDecided
  | PredictionMarketChanged;

export type DomainEventType = DomainEvent["type"];

type Body<E extends DomainEvent> = Omit<E, "type" | "v">;

/** One constructor per type: the only way events are made, so each type has one shape. */
export const events = {
  orderPlaced: (b: Body<OrderPlaced>): OrderPlaced => ({ type: "OrderPlaced", v: 1, ...b }),
  orderAccepted: (b: Body<OrderAccepted>): OrderAccepted => ({ type: "OrderAccepted", v: 1, ...b }),
  orderFilled: (b: Body<OrderFilled>): OrderFilled => ({ type: "OrderFilled", v: 1, ...b }),
  orderPartiallyFilled: (b: Body<OrderPartiallyFilled>): OrderPartiallyFilled => ({ type: "OrderPartiallyFilled", v: 1, ...b }),
  orderCanceled: (b: Body<OrderCanceled>): OrderCanceled => ({ type: "OrderCanceled", v: 1, ...b }),
  orderRejected: (b: Body<OrderRejected>): OrderRejected => ({ type: "OrderRejected", v: 1, ...b }),
  orderExpired: (b: Body<OrderExpired>): OrderExpired => ({ type: "OrderExpired", v: 1, ...b }),
  orderUnknown: (b: Body<OrderUnknown>): OrderUnknown => ({ type: "OrderUnknown", v: 1, ...b }),
  closeFailed: (b: Body<CloseFailed>): CloseFailed => ({ type: "CloseFailed", v: 1, ...b }),
  positionOpened: (b: Body<PositionOpened>): PositionOpened => ({ type: "PositionOpened", v: 1, ...b }),
  positionScaled: (b: Body<PositionScaled>): PositionScaled => ({ type: "PositionScaled", v: 1, ...b }),
  positionReduced: (b: Body<PositionReduced>): PositionReduced => ({ type: "PositionReduced", v: 1, ...b }),
  positionClosed: (b: Body<PositionClosed>): PositionClosed => ({ type: "PositionClosed", v: 1, ...b }),
  exitPlanUpdated: (b: Body<ExitPlanUpdated>): ExitPlanUpdated => ({ type: "ExitPlanUpdated", v: 1, ...b }),
  accountCreated: (b: Body<AccountCreated>): AccountCreated => ({ type: "AccountCreated", v: 1, ...b }),
  accountReset: (b: Body<AccountReset>): AccountReset => ({ type: "AccountReset", v: 1, ...b }),
  equitySnapshotted: (b: Body<EquitySnapshotted>): EquitySnapshotted => ({ type: "EquitySnapshotted", v: 1, ...b }),
  invocationFinished: (b: Body<InvocationFinished>): InvocationFinished => ({ type: "InvocationFinished", v: 1, ...b }),
  cycleFinished: (b: Body<CycleFinished>): CycleFinished => ({ type: "CycleFinished", v: 1, ...b }),
  mirrorExecuted: (b: Body<MirrorExecuted>): MirrorExecuted => ({ type: "MirrorExecuted", v: 1, ...b }),
  modelStatusChanged: (b: Body<ModelStatusChanged>): ModelStatusChanged => ({ type: "ModelStatusChanged", v: 1, ...b }),
  liveSwitched: (b: Body<LiveSwitched>): LiveSwitched => ({ type: "LiveSwitched", v: 1, ...b }),
  fundingPaid: (b: Body<FundingPaid>): FundingPaid => ({ type: "FundingPaid", v: 1, ...b }),
  followSignalDecided: (b: Body<FollowSignalDecided>): FollowSignalDecided => ({ type: "FollowSignalDecided", v: 1, ...b }),
  predictionMarketChanged: (b: Body<PredictionMarketChanged>): PredictionMarketChanged => ({ type: "PredictionMarketChanged", v: 1, ...b }),
  /** The event for a venue's answer, by the order's new status (and whether this answer filled anything). */
  orderUpdated(status: string, filled: boolean, b: { modelId: string; order: OrderSnapshot }): DomainEvent {
    if (filled || status === "FILLED" || status === "PARTIALLY_FILLED") return status === "FILLED" ? events.orderFilled(b) : events.orderPartiallyFilled(b);
    if (status === "CANCELED") return events.orderCanceled(b);
    if (status === "REJECTED") return events.orderRejected(b);
    if (status === "EXPIRED") return events.orderExpired(b);
    if (status === "UNKNOWN") return events.orderUnknown(b);
    return events.orderAccepted(b);
  },
};

/** The names of the event stream (API.md). */
export type WireName = "order" | "position" | "account" | "invocation" | "market" | "mirror" | "live" | "cycle" | "signal" | "prediction";

/** How the event stream shows an event: its name and its data, as API.md documents them. */
export function toWire(e: DomainEvent): { name: WireName; data: Record<string, unknown> } {
  switch (e.type) {
    case "OrderPlaced":
      return { name: "order", data: { action: "placed", order: e.order } };
    case "OrderAccepted":
      return { name: "order", data: { action: "open", order: e.order } };
    case "OrderFilled":
      return { name: "order", data: { action: "filled", order: e.order } };
    case "OrderPartiallyFilled":
      return { name: "order", data: { action: "partially_filled", order: e.order } };
    case "OrderCanceled":
      return { name: "order", data: { action: "canceled", order: e.order } };
    case "OrderRejected":
      return { name: "order", data: { action: "rejected", order: e.order } };
    case "OrderExpired":
      return { name: "order", data: { action: "expired", order: e.order } };
    case "OrderUnknown":
      return { name: "order", data: { action: "unknown", order: e.order } };
    case "CloseFailed": {
      const { type: _t, v: _v, modelId: _m, ...rest } = e;
      return { name: "order", data: { action: "close_failed", ...rest } };
    }
    case "PositionOpened":
      return { name: "position", data: { action: "opened", position: e.position } };
    case "PositionScaled":
      return { name: "position", data: { action: "scaled", position: e.position } };
    case "PositionReduced":
      return { name: "position", data: { action: "reduced", position: e.position } };
    case "PositionClosed":
      return { name: "position", data: { action: "closed", position: e.position } };
    case "ExitPlanUpdated":
      return { name: "position", data: { action: "exit_plan_updated", position: e.position } };
    case "AccountCreated":
      return { name: "account", data: { modelId: e.modelId, action: "created", cash: e.cash } };
    case "AccountReset":
      return { name: "account", data: { modelId: e.modelId, action: "reset", cash: e.cash } };
    case "EquitySnapshotted":
      return { name: "account", data: { modelId: e.modelId, ts: e.ts, ...e.figures } };
    case "InvocationFinished":
      return { name: "invocation", data: e.invocation };
    case "CycleFinished":
      return { name: "cycle", data: { ...e.cycle } };
    case "MirrorExecuted":
      return { name: "mirror", data: e.execution };
    case "ModelStatusChanged":
      return { name: "account", data: { modelId: e.modelId, action: "status", status: e.status, reason: e.reason } };
    case "LiveSwitched":
      return { name: "live", data: { halted: e.halted, reason: e.reason, canceledOrders: e.canceledOrders } };
    case "FundingPaid":
      return { name: "account", data: { modelId: e.modelId, action: "funding", symbol: e.symbol, amount: e.amount, paymentId: e.paymentId } };
    case "FollowSignalDecided":
      return { name: "signal", data: e.signal };
    case "PredictionMarketChanged":
      return { name: "prediction", data: { action: e.market.status, ...e.market } };
  }
}

const TYPES: ReadonlySet<string> = new Set<DomainEventType>([
  "OrderPlaced",
  "OrderAccepted",
  "OrderFilled",
  "OrderPartiallyFilled",
  "OrderCanceled",
  "OrderRejected",
  "OrderExpired",
  "OrderUnknown",
  "CloseFailed",
  "PositionOpened",
  "PositionScaled",
  "PositionReduced",
  "PositionClosed",
  "ExitPlanUpdated",
  "AccountCreated",
  "AccountReset",
  "EquitySnapshotted",
  "InvocationFinished",
  "CycleFinished",
  "MirrorExecuted",
  "ModelStatusChanged",
  "LiveSwitched",
  "FundingPaid",
  "FollowSignalDecided",
  "PredictionMarketChanged",
]);

export function isDomainEventType(type: string): type is DomainEventType {
  return TYPES.has(type);
}
