import { conflict, rejected } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { formatUsd, usd } from "../core/money.js";
import type { VenueRef } from "../db/schema.js";
import type { LiveVenues } from "../trading/trading-service.js";
import type { Venue } from "../venues/venue.js";
import type { LighterVenue } from "../venues/lighter/lighter-venue.js";
import type { AccountApiKeys } from "../venues/lighter/openapi.js";
import type { LighterRest } from "../venues/lighter/rest-client.js";
import { createSigner, type Signer } from "../venues/lighter/signer/index.js";
import { DisabledVenue } from "./disabled-venue.js";

export type LighterRef = Extract<VenueRef, { kind: "lighter" }>;

export interface LiveAccountsDeps {
  /** Null unless TRADING_MODE=live with AUTONOME_FEED=lighter. */
  lighter: { venue: LighterVenue; rest: LighterRest; chainId: number } | null;
  /** Why live trading is unavailable here, when `lighter` is null (shown on every refusal). */
  unavailable: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/**
 * Which accounts trade on a live venue, and their signing keys. A model whose venue is Lighter
 * always routes to Lighter, never to the simulator: when this process cannot trade it (live mode
 * off, its key variable unset), its orders go to a venue that refuses them, with the reason.
 */
export class LiveAccounts implements LiveVenues {
  private readonly refs = new Map<string, LighterRef>();
  private readonly problems = new Map<string, string>();
  private readonly disabled: DisabledVenue;

  constructor(private readonly deps: LiveAccountsDeps) {
    this.disabled = new DisabledVenue("lighter", () => deps.unavailable);
  }

  venueFor(accountId: string): Venue | undefined {
    if (!this.refs.has(accountId)) return undefined;
    return this.deps.lighter && !this.problems.has(accountId) ? this.deps.lighter.venue : this.disabled;
  }

  refOf(accountId: string): LighterRef | undefined {
    return this.refs.get(accountId);
  }

  /** Every account on a live venue (linked or not). */
  ids(): string[] {
    return [...this.refs.keys()];
  }

  /** Accounts this process can trade live now. */
  linkedIds(): string[] {
    return this.ids().filter((id) => this.deps.lighter && !this.problems.has(id));
  }

  /** Why this live account cannot trade here, or undefined when it can. */
  problem(accountId: string): string | undefined {
    if (!this.refs.has(accountId)) return undefined;
    return this.deps.lighter ? this.problems.get(accountId) : this.deps.unavailable;
  }

  /** Registers a live account (at start, or once created) and links its key when it can. */
  register(accountId: string, ref: LighterRef): void {
    this.refs.set(accountId, ref);
    this.problems.delete(accountId);
    const lighter = this.deps.lighter;
    if (!lighter) return;
    try {
      lighter.venue.link({ accountId, accountIndex: ref.accountIndex, signer: this.signer(ref) });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.problems.set(accountId, why);
      this.deps.logger.error({ modelId: accountId, accountIndex: ref.accountIndex }, `live account not linked: ${why}`);
    }
  }

  /**
   * Checks a new Lighter account before anything is written: live trading on, the key variable
   * set and valid, the key registered on the exchange for that account and index, the account
   * not traded by another model. Its answer is the account's collateral: the model's capital.
   */
  async prepare(ref: LighterRef): Promise<{ initialCapital: string }> {
    const lighter = this.deps.lighter;
    if (!lighter) throw rejected("live_trading_unavailable", this.deps.unavailable);
    for (const [id, other] of this.refs) {
      if (other.accountIndex === ref.accountIndex) throw conflict("account_in_use", `Lighter account ${ref.accountIndex} is already traded by model ${id}`);
    }
    const signer = this.signer(ref);
    const keys = await lighter.rest.get<AccountApiKeys>("apikeys", { account_index: ref.accountIndex, api_key_index: ref.apiKeyIndex }).catch((error: unknown) => {
      throw rejected("lighter_unreachable", `could not read the API keys of Lighter account ${ref.accountIndex}: ${error instanceof Error ? error.message : String(error)}`);
    });
    const registered = keys.api_keys.find((k) => k.api_key_index === ref.apiKeyIndex);
    if (!registered) throw rejected("api_key_not_registered", `Lighter account ${ref.accountIndex} has no API key ${ref.apiKeyIndex}; register the key's public key (${signer.publicKey}) first`);
    if (registered.public_key.replace(/^0x/, "").toLowerCase() !== signer.publicKey) {
      throw rejected(
        "api_key_mismatch",
        `the key in ${ref.privateKeyEnv} is not API key ${ref.apiKeyIndex} of Lighter account ${ref.accountIndex} (its public key is ${signer.publicKey}, the exchange has ${registered.public_key})`,
      );
    }
    const account = await lighter.venue.readAccount(ref.accountIndex);
    const cash = usd(account.collateral, "floor");
    if (cash <= 0n) throw rejected("no_collateral", `Lighter account ${ref.accountIndex} holds no collateral; deposit USDC first`);
    return { initialCapital: formatUsd(cash) };
  }

  private signer(ref: LighterRef): Signer {
    const lighter = this.deps.lighter;
    if (!lighter) throw rejected("live_trading_unavailable", this.deps.unavailable);
    const key = this.deps.env[ref.privateKeyEnv];
    if (key === undefined || key.trim() === "")
      throw rejected("private_key_missing", `the environment variable ${ref.privateKeyEnv} (the API private key of Lighter account ${ref.accountIndex}) is not set in this process`);
    try {
      return createSigner({ privateKey: key.trim(), accountIndex: ref.accountIndex, apiKeyIndex: ref.apiKeyIndex, chainId: lighter.chainId });
    } catch {
      // Never the key itself, nor the signer's message about it.
      throw rejected("private_key_invalid", `the environment variable ${ref.privateKeyEnv} does not hold a Lighter API private key (80 hex characters)`);
    }
  }
}
