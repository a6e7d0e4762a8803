import { DATA_API_URL } from "./data-api.js";
import { GAMMA_URL } from "./gamma.js";
import { GEOBLOCK_URL } from "./geoblock.js";

/**
 * The read endpoints of Polymarket (Data API, Gamma, the geoblock check), from the environment
 * with Polymarket's production hosts as defaults, so the whole system can point at the fakes.
 */

export interface PolymarketReadEndpoints {
  /** POLYMARKET_DATA_API_URL, default https://data-api.polymarket.com */
  dataApiUrl: string;
  /** POLYMARKET_GAMMA_URL, default https://gamma-api.polymarket.com */
  gammaUrl: string;
  /** POLYMARKET_GEOBLOCK_URL, default https://polymarket.com/api/geoblock */
  geoblockUrl: string;
}

export class PolymarketConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "PolymarketConfigError";
  }
}

function httpUrl(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  const value = raw === undefined || raw === "" ? fallback : raw;
  if (!/^https?:\/\/[^/]/i.test(value) || !URL.canParse(value)) throw new PolymarketConfigError(name, `"${value}" must be an http(s) URL, e.g. ${fallback}`);
  return value.replace(/\/+$/, "");
}

export function readPolymarketEndpoints(env: Record<string, string | undefined> = process.env): PolymarketReadEndpoints {
  return {
    dataApiUrl: httpUrl(env, "POLYMARKET_DATA_API_URL", DATA_API_URL),
    gammaUrl: httpUrl(env, "POLYMARKET_GAMMA_URL", GAMMA_URL),
    geoblockUrl: httpUrl(env, "POLYMARKET_GEOBLOCK_URL", GEOBLOCK_URL),
  };
}
