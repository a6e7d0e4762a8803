import { rejected } from "../core/errors.js";
import { formatUsd, usd } from "../core/money.js";
import type { LighterVenue } from "../venues/lighter/lighter-venue.js";
import type { AccountApiKeys } from "../venues/lighter/openapi.js";
import type { LighterRest } from "../venues/lighter/rest-client.js";
import { createSigner, type Signer } from "../venues/lighter/signer/index.js";
import type { LighterRef, LiveLink } from "./live-link.js";

export interface LighterLinkDeps {
  /** Null unless TRADING_MODE=live with AUTONOME_FEED=lighter. */
  lighter: { venue: LighterVenue; rest: LighterRest; chainId: number } | null;
  unavailable: string;
  env: NodeJS.ProcessEnv;
}

/** Lighter accounts: an API key (by its variable's name) registered for an account index. */
export class LighterLink implements LiveLink<LighterRef> {
  readonly kind = "lighter" as const;

  constructor(private readonly deps: LighterLinkDeps) {}

  get venue(): LighterVenue | null {
    return this.deps.lighter?.venue ?? null;
  }

  get unavailable(): string {
    return this.deps.unavailable;
  }

  account(ref: LighterRef): string {
    return `Lighter account ${ref.accountIndex}`;
  }

  link(accountId: string, ref: LighterRef): Promise<void> {
    this.need().venue.link({ accountId, accountIndex: ref.accountIndex, signer: this.signer(ref) });
    return Promise.resolve();
  }

  track(accountId: string, clientOrderId: string, symbol: string): void {
    this.deps.lighter?.venue.track(accountId, clientOrderId, symbol);
  }

  /**
   * The key variable set and valid, the key registered on the exchange for that account and
   * index. Its answer is the account's collateral: the model's capital.
   */
  async prepare(ref: LighterRef): Promise<{ initialCapital: string }> {
    const lighter = this.need();
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

  private need(): NonNullable<LighterLinkDeps["lighter"]> {
    if (!this.deps.lighter) throw rejected("live_trading_unavailable", this.deps.unavailable);
    return this.deps.lighter;
  }

  private signer(ref: LighterRef): Signer {
    const lighter = this.need();
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
