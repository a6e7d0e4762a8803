import type { DomainEvent, WireName } from "./events.js";

/**
 * In-process delivery of events after commit. Listeners are called synchronously in publish
 * order; a throwing listener is isolated so it cannot break the others or the publisher.
 */
export interface BusEvent {
  /** Outbox id; absent for throttled market ticks, which are not stored. */
  id?: number;
  /** The event stream's name for it (API.md). */
  type: WireName;
  modelId?: string | null;
  /** What the event stream shows. */
  data: unknown;
  /** The typed event (absent for market ticks and for events stored before types existed). */
  event?: DomainEvent;
  /** Written by another process (a mirror worker) and read from the outbox by the outbox tail. */
  foreign?: boolean;
}

export class EventBus {
  private readonly listeners = new Set<(event: BusEvent) => void>();
  private lastId = 0;

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  subscribe(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: BusEvent): void {
    if (event.id !== undefined) this.lastId = Math.max(this.lastId, event.id);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Highest outbox id published in this process. */
  get lastPublishedId(): number {
    return this.lastId;
  }
}
