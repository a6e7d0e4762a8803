import type { OpenPosition } from "./account.js";

/** A stop or target the venue should hold for a position, as a reduce-only trigger order. */
export interface WantedExitOrder {
  kind: "STOP" | "TARGET";
  triggerTicks: number;
  lots: number;
}

/** An exit order the venue holds now (an OPEN venue order row of the position). */
export interface HeldExitOrder {
  clientOrderId: string;
  kind: "STOP" | "TARGET";
  triggerTicks: number;
  lots: number;
}

/** The exit orders a position wants on its venue: its stop and its target, each for the whole position. */
export function wantedExitOrders(position: OpenPosition | undefined): WantedExitOrder[] {
  if (!position) return [];
  const lots = Number(position.state.lots);
  const out: WantedExitOrder[] = [];
  if (position.plan.stop !== null) out.push({ kind: "STOP", triggerTicks: position.plan.stop, lots });
  if (position.plan.target !== null) out.push({ kind: "TARGET", triggerTicks: position.plan.target, lots });
  return out;
}

/**
 * What to change so the venue holds exactly what is wanted: an order whose trigger or size no
 * longer matches (a tightened stop, a scale-in, a partial close) is canceled and placed again;
 * one no longer wanted (the position closed, the target removed) is canceled.
 */
export function exitOrderChanges(wanted: readonly WantedExitOrder[], held: readonly HeldExitOrder[]): { cancel: HeldExitOrder[]; place: WantedExitOrder[] } {
  const cancel: HeldExitOrder[] = [];
  const place: WantedExitOrder[] = [];
  for (const h of held) {
    const w = wanted.find((x) => x.kind === h.kind);
    if (!w || w.triggerTicks !== h.triggerTicks || w.lots !== h.lots || held.filter((x) => x.kind === h.kind).length > 1) cancel.push(h);
  }
  for (const w of wanted) {
    const kept = held.find((h) => h.kind === w.kind && !cancel.includes(h));
    if (!kept) place.push(w);
  }
  return { cancel, place };
}

/** Client ids of the venue-held stop/target orders start with this (the kill switch leaves them: they only reduce). */
export const EXIT_ORDER_PREFIX = "exit-";
