import { E, type LighterError } from "./errors.js";

/**
 * Auth tokens of private reads and channels: "{deadline_s}:{account}:{api_key}:{hex signature}"
 * (80-byte Schnorr signature, 160 hex), at most 8 hours ahead; or a read-only
 * "ro:{account}:{single|all}:{expiry_s}:{hex}". The signature itself is checked only through
 * the `verify` hook; without it the format, deadline, account and key are.
 */

export const MAX_AUTH_LIFETIME_S = 8 * 3600;

export interface AuthToken {
  deadline: number;
  accountIndex: number;
  apiKeyIndex: number | undefined;
  readOnly: boolean;
}

export interface AuthCheck {
  nowMs: number;
  /** Public key of (account, API key), or undefined when not registered. */
  keyOf: (accountIndex: number, apiKeyIndex: number) => string | undefined;
  verify?: (token: string, publicKeyHex: string) => boolean;
}

const FULL = /^(\d+):(\d+):(\d+):([0-9a-fA-F]{160})$/;
const READ_ONLY = /^ro:(\d+):(single|all):(\d+):([0-9a-fA-F]+)$/;

/**
 * Checks `token` for `accountIndex`: the error to answer with, or undefined when it passes.
 * `missing` is the answer to no token at all; `suffix` (the channel, on WS) ends the message.
 */
export function checkAuth(token: string | undefined, accountIndex: number, check: AuthCheck, missing: LighterError, suffix = ""): LighterError | undefined {
  if (token === undefined || token === "") return missing;
  const parsed = parse(token);
  const tail = suffix ? `: ${suffix}` : "";
  if (!parsed) return E.authInvalid(`invalid auth token${tail}`);
  const nowS = Math.floor(check.nowMs / 1000);
  if (parsed.deadline <= nowS || parsed.deadline > nowS + MAX_AUTH_LIFETIME_S) return E.authInvalid(`invalid deadline${tail}`);
  if (parsed.accountIndex !== accountIndex) return E.authInvalid(`account index mismatch${tail}`);
  if (parsed.apiKeyIndex !== undefined) {
    const key = check.keyOf(parsed.accountIndex, parsed.apiKeyIndex);
    if (key === undefined) return E.authInvalid(`api key not found${tail}`);
    if (check.verify && !check.verify(token, key)) return E.authInvalid(`invalid signature${tail}`);
  }
  return undefined;
}

export function parse(token: string): AuthToken | undefined {
  const full = FULL.exec(token);
  if (full) return { deadline: Number(full[1]), accountIndex: Number(full[2]), apiKeyIndex: Number(full[3]), readOnly: false };
  const ro = READ_ONLY.exec(token);
  if (ro) return { deadline: Number(ro[3]), accountIndex: Number(ro[1]), apiKeyIndex: undefined, readOnly: true };
  return undefined;
}
