import { conflict, rejected } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { LiveVenues } from "../trading/trading-service.js";
import type { Venue } from "../venues/venue.js";
import { DisabledVenue } from "./disabled-venue.js";
import type { LiveLink, LiveRef } from "./live-link.js";

export type { LighterRef, LiveRef, PolymarketRef } from "./live-link.js";

const VENUE_NAMES: Record<LiveRef["kind"], string> = { lighter: "Lighter", polymarket: "Polymarket" };

/**
 * Which accounts trade on a live venue (Lighter, Polymarket), and their keys. A model whose
 * venue is live always routes to that venue, never to the simulator: when this process cannot
 * trade it (live mode off, the venue's feed missing, its key variable unset, a blocked
 * location), its orders go to a venue that refuses them, with the reason.
 */
export class LiveAccounts implements LiveVenues {
  private readonly refs = new Map<string, LiveRef>();
  private readonly problems = new Map<string, string>();
  private readonly links = new Map<LiveRef["kind"], LiveLink>();
  private readonly disabled = new Map<LiveRef["kind"], DisabledVenue>();

  constructor(private readonly deps: { links: LiveLink[]; logger: Logger }) {
    for (const link of deps.links) {
      this.links.set(link.kind, link);
      this.disabled.set(link.kind, new DisabledVenue(link.kind, () => link.unavailable));
    }
  }

  venueFor(accountId: string): Venue | undefined {
    const ref = this.refs.get(accountId);
    if (!ref) return undefined;
    const link = this.links.get(ref.kind);
    return link?.venue && !this.problems.has(accountId) ? link.venue : this.disabled.get(ref.kind)!;
  }

  refOf(accountId: string): LiveRef | undefined {
    return this.refs.get(accountId);
  }

  /** Every account on a live venue (linked or not). */
  ids(): string[] {
    return [...this.refs.keys()];
  }

  /** Accounts this process can trade live now. */
  linkedIds(): string[] {
    return this.ids().filter((id) => this.problem(id) === undefined);
  }

  /** Why this live account cannot trade here, or undefined when it can. */
  problem(accountId: string): string | undefined {
    const ref = this.refs.get(accountId);
    if (!ref) return undefined;
    const link = this.links.get(ref.kind);
    if (!link) return `${VENUE_NAMES[ref.kind]} accounts are not traded by this process`;
    return link.venue ? this.problems.get(accountId) : link.unavailable;
  }

  /** The exchange account a live model trades, e.g. "Lighter account 281". */
  label(accountId: string): string | undefined {
    const ref = this.refs.get(accountId);
    return ref && this.links.get(ref.kind)?.account(ref);
  }

  /** Registers a live account (at start, or once created) and links its key when it can. */
  async register(accountId: string, ref: LiveRef): Promise<void> {
    this.refs.set(accountId, ref);
    this.problems.delete(accountId);
    const link = this.links.get(ref.kind);
    if (!link?.venue) return;
    try {
      await link.link(accountId, ref);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.problems.set(accountId, why);
      this.deps.logger.error({ modelId: accountId, account: link.account(ref) }, `live account not linked: ${why}`);
    }
  }

  /** Follows an order of a live account placed before a restart, on its venue. */
  track(accountId: string, clientOrderId: string, symbol: string): void {
    const ref = this.refs.get(accountId);
    if (ref && this.problem(accountId) === undefined) this.links.get(ref.kind)?.track(accountId, clientOrderId, symbol);
  }

  /**
   * Checks a new live account before anything is written: its venue tradable here, the account
   * not traded by another model, then the venue's own checks (key, registration, collateral).
   */
  async prepare(ref: LiveRef): Promise<{ initialCapital: string }> {
    const link = this.links.get(ref.kind);
    if (!link?.venue) throw rejected("live_trading_unavailable", link?.unavailable ?? `${VENUE_NAMES[ref.kind]} accounts are not traded by this process`);
    const account = link.account(ref);
    for (const [id, other] of this.refs) {
      if (other.kind === ref.kind && link.account(other) === account) throw conflict("account_in_use", `${account} is already traded by model ${id}`);
    }
    return link.prepare(ref);
  }
}
