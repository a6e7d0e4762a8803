import type { FillInput } from "../../fake-polymarket/data-api/index.js";

/** Shared fixtures for the Polymarket read-API tests. */

export const WALLET = "0x56687bf447db6ffa42ffe2204a05edaa20f55839";
export const OTHER_WALLET = "0x983eedfbd75803602e4a6e6ea9aab6dc6b9c6748";
export const CONDITION = "0xd9b06e2fd9ddb7ab61c9e3d5d8e074c555802478bbf75145804ff709a4246f79";
export const CONDITION_2 = "0x6913a62d4fdae37d1de382a6d2b63b845f3e3037a89c1bcdc3ee3be5c97c8fb6";
export const YES_TOKEN = "31974447302330162086995746309500877260929998201718217388109724292047967921664";
export const NO_TOKEN = "48331043336612883890938759509493159234755048973500640148014422747788308965732";

/** A fill of WALLET at `timestamp` (epoch s); size varies with `n` so fills differ. */
export function fill(n: number, timestamp: number, patch: Partial<FillInput> = {}): FillInput {
  return {
    wallet: WALLET,
    role: "taker",
    side: "BUY",
    conditionId: CONDITION,
    tokenId: YES_TOKEN,
    outcome: "Yes",
    outcomeIndex: 0,
    price: "0.57",
    size: `${10 + n}.25`,
    timestamp,
    ...patch,
  };
}

export const T0 = 1_781_481_600; // 2026-06-15 00:00:00 UTC, epoch seconds
