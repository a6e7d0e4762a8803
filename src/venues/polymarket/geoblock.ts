import { z } from "zod";
import { HttpJson, type HttpJsonOptions } from "./http-json.js";

/**
 * The start-up check before live Polymarket orders: Polymarket's own geoblock endpoint says
 * whether this machine's location may place orders. A blocked answer, or no answer, refuses live
 * trading with a message saying why; there is no proxy or VPN workaround here by design
 * (Polymarket's terms forbid it, and polycopy's residential-proxy routing is the counter-example).
 *
 * Endpoint and fields verified in Polymarket's docs ("Geographic Restrictions"):
 * GET https://polymarket.com/api/geoblock → {blocked, ip, country, region}.
 */

export const GEOBLOCK_URL = "https://polymarket.com/api/geoblock";

export type GeoblockResult =
  | { readonly allowed: true; readonly ip: string; readonly country: string; readonly region: string; readonly message: string }
  | { readonly allowed: false; readonly reason: "blocked" | "unreachable"; readonly ip?: string; readonly country?: string; readonly region?: string; readonly message: string };

const answer = z.object({
  blocked: z.boolean(),
  ip: z.string().default(""),
  country: z.string().default(""),
  region: z.string().default(""),
});

export type GeoblockOptions = Partial<Omit<HttpJsonOptions, "service" | "baseUrl">> & { url?: string };

function place(country: string, region: string): string {
  return [region, country].filter((s) => s.length > 0).join(", ") || "an unknown location";
}

/** Asks Polymarket whether orders may be placed from here. Never throws: an error is a refusal with its reason. */
export async function checkGeoblock(options: GeoblockOptions = {}): Promise<GeoblockResult> {
  const url = new URL(options.url ?? GEOBLOCK_URL);
  const http = new HttpJson({ retries: 1, timeoutMs: 5_000, ...options, baseUrl: url.origin, service: "Polymarket geoblock check" });
  try {
    const a = await http.get(url.pathname, Object.fromEntries(url.searchParams), answer);
    const where = place(a.country, a.region);
    if (a.blocked) {
      return {
        allowed: false,
        reason: "blocked",
        ip: a.ip,
        country: a.country,
        region: a.region,
        message: `Polymarket does not accept orders from ${where} (IP ${a.ip || "unknown"}): live trading is refused. Run the live executor from an eligible location; proxies and VPNs are not a workaround.`,
      };
    }
    return { allowed: true, ip: a.ip, country: a.country, region: a.region, message: `Polymarket accepts orders from ${where} (IP ${a.ip || "unknown"})` };
  } catch (error) {
    return {
      allowed: false,
      reason: "unreachable",
      message: `the Polymarket geoblock check at ${url.href} gave no answer (${(error as Error).message}): live trading is refused until it confirms this location may place orders`,
    };
  }
}
