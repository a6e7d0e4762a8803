import type { Side } from "../core/types.js";
import type { DomainEvent } from "../events/events.js";
import type { ExitPlanInput } from "../trading/contracts.js";

/**
 * A source's position change as a follower acts on it. Signals are the source's own position
 * events in the outbox (written in the transaction of the fill), so a signal exists exactly when
 * the change was committed, and its id is the outbox id.
 */
export type SignalAction = "open" | "scale" | "reduce" | "close" | "exit_plan";

export interface Signal {
  id: number;
  sourceModelId: string;
  action: SignalAction;
  symbol: string;
  side: Side;
  /** This change's quantity and average fill price (absent for an exit-plan change). */
  quantity: string | null;
  price: string | null;
  /** The source's position after the change (for a close: the quantity it closed). */
  positionQuantity: string;
  leverage: string;
  exitPlan: ExitPlanInput | null;
  /**
   * The source's order behind the change (absent from events written before they said it): a
   * follow model's order is `follow-<its follow signal's id>`, the wallet trade it copied.
   */
  clientOrderId?: string | null;
  /** Why a close or reduction happened (STOP, MIRROR, RESOLUTION, ...); null for other changes. */
  closeTrigger?: string | null;
  /** When the change was committed, epoch ms. */
  at: number;
}

/** The follow signal (a followed wallet's trade) a source's order copied, from its client id, or null. */
export function followSignalOf(s: Pick<Signal, "clientOrderId">): number | null {
  const m = /^follow-(\d{1,15})$/.exec(s.clientOrderId ?? "");
  return m ? Number(m[1]) : null;
}

const ACTIONS: Partial<Record<DomainEvent["type"], SignalAction>> = {
  PositionOpened: "open",
  PositionScaled: "scale",
  PositionReduced: "reduce",
  PositionClosed: "close",
  ExitPlanUpdated: "exit_plan",
};

/** Whether an outbox event type can be a signal (the others only move a mirror's cursor). */
export function isSignalType(type: string): boolean {
  return type in ACTIONS;
}

/**
 * The signal an outbox event carries, or why it carries none (an event written before position
 * events said what each change filled).
 */
export function toSignal(id: number, event: DomainEvent, at: number): Signal | { unusable: string } {
  const action = ACTIONS[event.type];
  if (!action || !("position" in event)) return { unusable: `${event.type} is not a position change` };
  const p = event.position as Record<string, unknown>;
  const fill = p.fill as { quantity?: unknown; price?: unknown; clientOrderId?: unknown } | undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  if (action !== "exit_plan" && (typeof fill?.quantity !== "string" || typeof fill.price !== "string")) return { unusable: "the event does not say what the change filled" };
  const side = p.side === "LONG" || p.side === "SHORT" ? p.side : null;
  if (!side || typeof p.symbol !== "string") return { unusable: "the event has no symbol or side" };
  return {
    id,
    sourceModelId: event.modelId,
    action,
    symbol: p.symbol,
    side,
    quantity: action === "exit_plan" ? null : str(fill!.quantity),
    price: action === "exit_plan" ? null : str(fill!.price),
    positionQuantity: str(p.quantity) ?? "0",
    leverage: str(p.leverage) ?? "1",
    exitPlan: (p.exitPlan as ExitPlanInput | null | undefined) ?? null,
    clientOrderId: str(fill?.clientOrderId),
    closeTrigger: str(p.closeTrigger),
    at,
  };
}
