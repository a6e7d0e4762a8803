import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { AppError, rejected } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { formatUsd } from "../core/money.js";
import type { PolymarketAccountBinding, PolymarketClobVenue } from "../venues/polymarket/clob-venue.js";
import type { SignedOrderStore } from "../venues/polymarket/clob-order-store.js";
import type { LiveLink, PolymarketRef } from "./live-link.js";

export interface PolymarketLinkDeps {
  /** Null unless TRADING_MODE=live with AUTONOME_PM_FEED=polymarket from an allowed location. */
  venue: PolymarketClobVenue | null;
  unavailable: string;
  env: NodeJS.ProcessEnv;
  /** Where each account's signed orders are kept before they are posted (the database). */
  store: SignedOrderStore;
  logger: Logger;
}

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * Polymarket accounts: an EOA key (by its variable's name) that signs for itself or for a proxy
 * or safe wallet (the funder), and L2 API credentials derived from it or named by variables.
 */
export class PolymarketLink implements LiveLink<PolymarketRef> {
  readonly kind = "polymarket" as const;

  constructor(private readonly deps: PolymarketLinkDeps) {}

  get venue(): PolymarketClobVenue | null {
    return this.deps.venue;
  }

  get unavailable(): string {
    return this.deps.unavailable;
  }

  /** The wallet that holds the funds: the funder, or the key's own address. */
  account(ref: PolymarketRef): string {
    if (ref.funder) return `Polymarket wallet ${ref.funder.toLowerCase()}`;
    const key = this.deps.env[ref.privateKeyEnv]?.trim();
    if (key && PRIVATE_KEY.test(key)) return `Polymarket wallet ${privateKeyToAccount(hexKey(key)).address.toLowerCase()}`;
    return `Polymarket key ${ref.privateKeyEnv}`;
  }

  async link(accountId: string, ref: PolymarketRef): Promise<void> {
    await this.need().link(this.binding(accountId, ref));
  }

  track(accountId: string, clientOrderId: string): void {
    this.deps.venue
      ?.track(accountId, clientOrderId)
      .catch((error: unknown) => this.deps.logger.warn({ err: error, modelId: accountId, clientOrderId }, "could not follow a resting Polymarket order again"));
  }

  /** The key and credentials work against the CLOB, and the wallet holds pUSD: that is the model's capital. */
  async prepare(ref: PolymarketRef): Promise<{ initialCapital: string }> {
    const venue = this.need();
    const binding = this.binding("new", ref);
    const collateral = await venue.probe(binding).catch((error: unknown) => {
      if (error instanceof AppError) throw error;
      throw rejected("polymarket_unreachable", `could not read the pUSD balance of ${this.account(ref)}: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (collateral <= 0n) throw rejected("no_collateral", `${this.account(ref)} holds no pUSD on Polymarket; deposit first`);
    return { initialCapital: formatUsd(collateral) };
  }

  private need(): PolymarketClobVenue {
    if (!this.deps.venue) throw rejected("live_trading_unavailable", this.deps.unavailable);
    return this.deps.venue;
  }

  /** The key and credentials from the environment; messages name variables, never values. */
  private binding(accountId: string, ref: PolymarketRef): PolymarketAccountBinding {
    const env = this.deps.env;
    const key = env[ref.privateKeyEnv]?.trim();
    if (!key)
      throw rejected("private_key_missing", `the environment variable ${ref.privateKeyEnv} (the private key that signs for ${ref.funder ?? "the Polymarket wallet"}) is not set in this process`);
    if (!PRIVATE_KEY.test(key)) throw rejected("private_key_invalid", `the environment variable ${ref.privateKeyEnv} does not hold an Ethereum private key (64 hex characters)`);
    const names = [ref.apiKeyEnv, ref.apiSecretEnv, ref.apiPassphraseEnv];
    let creds: PolymarketAccountBinding["creds"];
    if (names.some((n) => n !== undefined)) {
      const missing = names.filter((n): n is string => n !== undefined && !env[n]?.trim());
      if (missing.length > 0)
        throw rejected(
          "api_credentials_missing",
          `the environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (Polymarket API credentials) ${missing.length > 1 ? "are" : "is"} not set in this process`,
        );
      creds = { key: env[ref.apiKeyEnv!]!.trim(), secret: env[ref.apiSecretEnv!]!.trim(), passphrase: env[ref.apiPassphraseEnv!]!.trim() };
    }
    return {
      accountId,
      privateKey: hexKey(key),
      signatureType: ref.signatureType,
      ...(ref.funder ? { funder: ref.funder } : {}),
      ...(creds ? { creds } : {}),
      store: this.deps.store,
    };
  }
}

function hexKey(key: string): Hex {
  return (key.startsWith("0x") ? key : `0x${key}`) as Hex;
}
