/**
 * The live feed's rows: one per stream event, in a shape the page can show without knowing the
 * wire formats (src/events/events.ts `toWire`). Pure, so every event type is unit tested.
 */
import type { OrderSnapshot, PositionSnapshot } from "../api/types.ts";

export type FeedKind = "order" | "position" | "account" | "invocation" | "mirror" | "live" | "cycle";

/** How a row is coloured: good news, bad news, or neither. */
export type FeedTone = "good" | "bad" | "warn" | "neutral";

export interface FeedRow {
  /** The outbox id as a string: the key that keeps a row unique. */
  id: string;
  kind: FeedKind;
  /** The event's action ("filled", "closed", "created", "snapshot") or an invocation's status. */
  action: string;
  tone: FeedTone;
  /** ISO time: the event's own time when it carries one, otherwise when it arrived. */
  at: string;
  modelId: string | null;
  symbol: string | null;
  /** "LONG"/"SHORT" for positions, "BUY"/"SELL" for orders. */
  side: string | null;
  quantity: string | null;
  price: string | null;
  /** Realized P&L of a close (net of fees), a decimal string. */
  pnl: string | null;
  /** Why: a rejection's reason, a close's trigger, a failed run's error. */
  reason: string | null;
  /** One short line for what is not in the columns. */
  detail: string | null;
  /** The mirror of a copy-trading execution (its model is the follower). */
  mirrorId?: string;
}

export interface FeedEvent {
  id?: number;
  type: string;
  data: unknown;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {});

const ORDER_TONE: Record<string, FeedTone> = {
  filled: "good",
  partially_filled: "good",
  rejected: "bad",
  close_failed: "bad",
  unknown: "warn",
  expired: "warn",
  canceled: "neutral",
};

function orderRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const action = str(data.action) ?? "unknown";
  if (action === "close_failed") {
    // A triggered close that failed and will be retried: it has no order, only the position's symbol.
    const retry = typeof data.retryInMs === "number" ? `, retry in ${Math.round(data.retryInMs / 1000)} s` : "";
    return {
      ...base,
      kind: "order",
      action,
      tone: "bad",
      modelId: str(data.modelId),
      symbol: str(data.symbol),
      side: null,
      quantity: null,
      price: null,
      pnl: null,
      reason: str(data.message) ?? str(data.reason),
      detail: `${str(data.closeTrigger) ?? "close"} attempt ${str(data.attempt) ?? "?"}${retry}`,
    };
  }
  const order = obj(data.order) as Partial<OrderSnapshot>;
  const filled = action === "filled" || action === "partially_filled";
  const purpose = str(order.purpose);
  const trigger = str(order.closeTrigger);
  return {
    ...base,
    kind: "order",
    action,
    tone: ORDER_TONE[action] ?? "neutral",
    modelId: str(order.modelId) ?? str(data.modelId),
    symbol: str(order.symbol),
    side: str(order.side),
    quantity: filled ? (str(order.filledQuantity) ?? str(order.quantity)) : str(order.quantity),
    price: str(order.price),
    pnl: null,
    reason: str(order.reason),
    detail: [str(order.type), purpose === "CLOSE" ? `close${trigger ? ` (${trigger})` : ""}` : purpose === "OPEN" ? "open" : null].filter(Boolean).join(" · ") || null,
  };
}

function positionRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const action = str(data.action) ?? "updated";
  const p = obj(data.position) as Partial<PositionSnapshot> & Record<string, unknown>;
  const closing = action === "closed" || action === "reduced";
  const pnl = closing ? str(p.realizedPnl) : null;
  const plan = obj(p.exitPlan);
  const planText =
    action === "exit_plan_updated" ? [str(plan.stop) && `stop ${str(plan.stop)}`, str(plan.target) && `target ${str(plan.target)}`].filter(Boolean).join(" · ") || "exit plan cleared" : null;
  return {
    ...base,
    kind: "position",
    action,
    tone: pnl === null ? (action === "opened" || action === "scaled" ? "good" : "neutral") : pnl.startsWith("-") ? "bad" : /^[0.]+$/.test(pnl) ? "neutral" : "good",
    modelId: str(p.modelId),
    symbol: str(p.symbol),
    side: str(p.side),
    quantity: str(p.quantity),
    price: closing ? (str(p.exitPrice) ?? str(p.entryPrice)) : str(p.entryPrice),
    pnl,
    reason: closing ? str(p.closeTrigger) : null,
    detail: planText ?? (str(p.leverage) ? `${str(p.leverage)}×` : null),
  };
}

function accountRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const action = str(data.action);
  if (action === "status") {
    // A model halted (its exchange and the database disagree) or made active again.
    const status = str(data.status) ?? "changed";
    return {
      ...base,
      kind: "account",
      action: status,
      tone: status === "halted" ? "bad" : status === "active" ? "good" : "neutral",
      modelId: str(data.modelId),
      symbol: null,
      side: null,
      quantity: null,
      price: null,
      pnl: null,
      reason: str(data.reason),
      detail: status === "halted" ? "nothing trades until a person resolves it" : null,
    };
  }
  const snapshot = action === null;
  return {
    ...base,
    at: snapshot ? (str(data.ts) ?? base.at) : base.at,
    kind: "account",
    action: action ?? "snapshot",
    tone: action === "reset" ? "warn" : "neutral",
    modelId: str(data.modelId),
    symbol: null,
    side: null,
    quantity: null,
    price: null,
    pnl: null,
    reason: null,
    detail: snapshot ? `equity ${str(data.equity) ?? "?"}` : `cash ${str(data.cash) ?? "?"}`,
  };
}

function invocationRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const status = str(data.status) ?? "finished";
  const calls = Array.isArray(data.toolCalls) ? data.toolCalls.map((c) => str(obj(c).type)).filter((t): t is string => t !== null) : [];
  const failed = typeof data.failedToolCalls === "number" && data.failedToolCalls > 0 ? `, ${data.failedToolCalls} failed` : "";
  const ms = typeof data.durationMs === "number" ? ` in ${(data.durationMs / 1000).toFixed(1)} s` : "";
  return {
    ...base,
    at: str(data.createdAt) ?? base.at,
    kind: "invocation",
    action: status,
    tone: status === "ok" ? "good" : status === "error" ? "bad" : status === "timeout" ? "warn" : "neutral",
    modelId: str(data.modelId),
    symbol: null,
    side: null,
    quantity: null,
    price: null,
    pnl: null,
    reason: status === "ok" ? null : str(data.error),
    detail: `${calls.length === 0 ? "no tool calls" : calls.join(", ")}${failed}${ms}`,
  };
}

const MIRROR_TONE: Record<string, FeedTone> = { filled: "good", partial: "warn", skipped: "warn", failed: "bad" };

/** A copy-trading execution: the follower's copy of one source change, with its outcome or where it stands. */
function mirrorRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const outcome = str(data.outcome);
  const state = str(data.state);
  const source = obj(data.source);
  const filled = str(data.filledQuantity);
  const reason = str(data.reason);
  const detail = str(data.detail);
  const latency = obj(data.latencyMs);
  const sent = typeof latency.sent === "number" ? `sent in ${latency.sent} ms` : null;
  return {
    ...base,
    at: str(data.finishedAt) ?? base.at,
    kind: "mirror",
    action: outcome ?? (state === "working" ? "resting" : (state ?? "pending")),
    tone: (outcome === null ? undefined : MIRROR_TONE[outcome]) ?? "neutral",
    modelId: str(data.followerModelId),
    symbol: str(data.symbol),
    side: str(data.side),
    quantity: filled !== null && !/^[0.]+$/.test(filled) ? filled : str(data.intendedQuantity),
    price: str(data.avgPrice) ?? str(source.price),
    pnl: null,
    reason: reason === null ? null : `${reason.replace(/_/g, " ")}${detail && detail !== reason ? ` (${detail})` : ""}${str(data.message) ? `: ${str(data.message)}` : ""}`,
    detail: [str(data.action)?.replace(/_/g, " "), sent].filter(Boolean).join(" · ") || null,
    ...(str(data.mirrorId) ? { mirrorId: str(data.mirrorId)! } : {}),
  };
}

/** The live kill switch thrown (with the open orders it canceled) or lifted. */
function liveRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const halted = data.halted === true;
  const canceled = typeof data.canceledOrders === "number" ? data.canceledOrders : null;
  return {
    ...base,
    kind: "live",
    action: halted ? "halted" : "resumed",
    tone: halted ? "bad" : "good",
    modelId: null,
    symbol: null,
    side: null,
    quantity: null,
    price: null,
    pnl: null,
    reason: str(data.reason),
    detail: halted ? `all live trading${canceled !== null && canceled > 0 ? `, ${canceled} open order${canceled === 1 ? "" : "s"} canceled` : ""}` : "all live trading",
  };
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** A scheduler cycle finished: how many models ran and how they ended, how long it took (and whether it overran its interval). */
function cycleRow(base: Pick<FeedRow, "id" | "at">, data: Record<string, unknown>): FeedRow {
  const [models, ok, failed, timedOut, skipped, stale] = [data.models, data.ok, data.failed, data.timedOut, data.skipped, data.stale].map(num) as [number, number, number, number, number, number];
  const overran = data.overran === true;
  const ms = typeof data.durationMs === "number" ? `${(data.durationMs / 1000).toFixed(1)} s` : null;
  const trouble = [failed > 0 ? `${failed} failed` : null, timedOut > 0 ? `${timedOut} timed out` : null, skipped > 0 ? `${skipped} skipped` : null, stale > 0 ? `${stale} stale` : null].filter(
    Boolean,
  );
  const trigger = str(data.trigger);
  return {
    ...base,
    at: str(data.finishedAt) ?? base.at,
    kind: "cycle",
    action: overran ? "overran" : "finished",
    tone: failed + timedOut > 0 ? "bad" : overran || skipped + stale > 0 ? "warn" : "good",
    modelId: null,
    symbol: null,
    side: null,
    quantity: null,
    price: null,
    pnl: null,
    reason: overran ? `longer than the ${Math.round(num(data.intervalMs) / 1000)} s interval${num(data.missedTicks) > 0 ? `, ${num(data.missedTicks)} missed` : ""}` : null,
    detail: [`${models} model${models === 1 ? "" : "s"}: ${ok} ok${trouble.length > 0 ? `, ${trouble.join(", ")}` : ""}`, ms, trigger && trigger !== "interval" ? trigger : null]
      .filter(Boolean)
      .join(" · "),
  };
}

/**
 * The row of one stream event, or null for what the feed does not show: market ticks (they have
 * no id and are the ticker's job) and anything unrecognised. `receivedAt` stands in for events
 * that carry no time of their own (most do not: they happen as they arrive).
 */
export function toFeedRow(event: FeedEvent, receivedAt: Date): FeedRow | null {
  if (event.id === undefined || event.type === "market") return null;
  const data = obj(event.data);
  const base = { id: String(event.id), at: receivedAt.toISOString() };
  switch (event.type) {
    case "order":
      return orderRow(base, data);
    case "position":
      return positionRow(base, data);
    case "account":
      return accountRow(base, data);
    case "invocation":
      return invocationRow(base, data);
    case "mirror":
      return mirrorRow(base, data);
    case "live":
      return liveRow(base, data);
    case "cycle":
      return cycleRow(base, data);
    default:
      return null;
  }
}

/** Periodic equity snapshots: many per minute, so hidden unless asked for. */
export const isSnapshot = (row: FeedRow) => row.kind === "account" && row.action === "snapshot";

/** Newest first, no id twice, at most `max` rows: `incoming` is newest first too. */
export function prependRows(list: readonly FeedRow[], incoming: readonly FeedRow[], max: number): FeedRow[] {
  if (incoming.length === 0) return list as FeedRow[];
  const seen = new Set(list.map((r) => r.id));
  const fresh: FeedRow[] = [];
  for (const r of incoming) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    fresh.push(r);
  }
  return [...fresh, ...list].slice(0, max);
}

export interface FeedFilter {
  modelId: string;
  symbol: string;
}

/** The rows a filter keeps: a symbol filter drops rows without a symbol (accounts, decisions). */
export function filterRows(rows: readonly FeedRow[], f: FeedFilter): FeedRow[] {
  return rows.filter((r) => (f.modelId === "" || r.modelId === f.modelId) && (f.symbol === "" || r.symbol === f.symbol));
}

/**
 * Joins the history fetched when the page opened with the rows that streamed meanwhile: one row
 * per event id, newest (highest id) first, at most `max`. The two overlap when an event streamed
 * in before the history answered.
 */
export function mergeHistory(live: readonly FeedRow[], history: readonly FeedRow[], max: number): FeedRow[] {
  const byId = new Map<string, FeedRow>();
  for (const r of [...history, ...live]) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id)).slice(0, max);
}
