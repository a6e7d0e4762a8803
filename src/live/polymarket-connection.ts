import type { Config } from "../app/config.js";
import type { Logger } from "../core/logger.js";
import { checkGeoblock } from "../venues/polymarket/geoblock.js";

/**
 * Why this process cannot trade Polymarket accounts live, or null when it can: live mode on,
 * the CLOB's own books as the prediction feed, and a location Polymarket accepts orders from
 * (its geoblock check, asked once at start; no answer counts as a refusal).
 */
export async function polymarketUnavailable(config: Config, logger: Logger): Promise<string | null> {
  if (config.mode !== "live") return "live trading is off (TRADING_MODE=simulation): a Polymarket account trades only with TRADING_MODE=live and AUTONOME_PM_FEED=polymarket";
  if (config.polymarket.feed !== "polymarket") return "live trading on Polymarket needs the CLOB's books: set AUTONOME_PM_FEED=polymarket (TRADING_MODE=live is set)";
  const geo = await checkGeoblock({ url: config.polymarket.geoblockUrl });
  if (!geo.allowed) {
    logger.error({ reason: geo.reason, country: geo.country, region: geo.region }, geo.message);
    return geo.message;
  }
  logger.info({ country: geo.country, region: geo.region }, geo.message);
  return null;
}
