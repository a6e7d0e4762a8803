import { describe, expect, it } from "vitest";
import { buildFollowRequest, emptyFollowForm, followServerErrors, parseWallets } from "./follow-form.ts";

const A = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";
const B = "0x2222222222222222222222222222222222222222";

describe("the new follow model form", () => {
  it("reads one wallet a line and names the first line that is not 0x + 40 hex digits", () => {
    expect(parseWallets(`${A}\n\n  ${B}  \n`)).toEqual({ wallets: [A, B], error: null });
    expect(parseWallets(`${A}\n0x123`).error).toBe('Line 2 ("0x123") is not a wallet address: 0x and 40 hex digits.');
    expect(parseWallets(`${A}g`.slice(1)).error).toMatch(/^Line 1 /);
    expect(parseWallets(`0x${"1".repeat(41)}`).error).toMatch(/^Line 1 /);
    expect(parseWallets(" \n").error).toBe("Enter at least one wallet, one a line.");
  });

  it("checks before sending: a bad wallet, a missing name, a number that is not one, each under its field", () => {
    const r = buildFollowRequest({ ...emptyFollowForm, wallets: "nope", maxHoursToEnd: "abc", minTraderResolved: "2.5" });
    expect(r).toEqual({
      errors: {
        name: "Give the model a name.",
        wallets: 'Line 1 ("nope") is not a wallet address: 0x and 40 hex digits.',
        "filters.maxHoursToEnd": "must be a number",
        "filters.minTraderResolved": "must be a whole number",
      },
    });
  });

  it("builds the API's body: money as decimal strings, counts and ratios as numbers, the signal age in milliseconds, empty filters left out", () => {
    const r = buildFollowRequest({
      ...emptyFollowForm,
      name: " FT whale ",
      wallets: `${A}\n${B}`,
      mode: "kelly",
      fraction: "0.25",
      maxBet: "20",
      priceMax: "0.9",
      categories: "crypto, , sports",
      maxHoursToEnd: "72",
      maxSignalAgeSec: "60",
      maxSlippage: "0.03",
      initialCapital: "500",
    });
    expect(r).toEqual({
      body: {
        kind: "follow",
        name: "FT whale",
        wallets: [A, B],
        sizing: { mode: "kelly", fraction: 0.25, maxBet: "20" },
        filters: { priceMax: "0.9", categories: ["crypto", "sports"], maxHoursToEnd: 72 },
        maxSignalAgeMs: 60_000,
        maxSlippage: "0.03",
        initialCapital: "500",
      },
    });
    const fixed = buildFollowRequest({ ...emptyFollowForm, name: "x", wallets: A, maxSignalAgeSec: "" });
    expect(fixed).toEqual({ body: { kind: "follow", name: "x", wallets: [A], sizing: { mode: "fixed", usd: "10" }, filters: {}, maxSlippage: "0.02", initialCapital: "1000" } });
  });

  it("puts each of the server's 400 problems under its input: a wallet by its number, nested paths, the sizing's mode, the rest above", () => {
    const errors = followServerErrors(
      'wallets.1: must be a wallet address: 0x and 40 hex digits; sizing.usd: must be dollars as a decimal string with at most 6 decimals; filters.priceMin: priceMin must not be above priceMax; sizing: must be {"mode":"fixed","usd"}; filters.colour: unrecognized; name: must not be empty',
    );
    expect(errors).toEqual({
      wallets: "Wallet 2: must be a wallet address: 0x and 40 hex digits",
      "sizing.usd": "must be dollars as a decimal string with at most 6 decimals",
      "filters.priceMin": "priceMin must not be above priceMax",
      sizing: 'must be {"mode":"fixed","usd"}',
      "": "filters.colour: unrecognized",
      name: "must not be empty",
    });
  });
});
