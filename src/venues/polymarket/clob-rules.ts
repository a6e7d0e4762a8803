import type { ClobClient } from "@polymarket/clob-client-v2";
import { parseScaled } from "../../core/decimal.js";
import type { Clock } from "../../core/clock.js";
import { OUTCOME_SIZE_DECIMALS, tickSizeTicks } from "../../core/instrument.js";
import type { MarketSpec } from "../../core/market.js";
import type { OutcomeInstrument } from "../../core/instrument.js";
import type { TokenRules } from "./clob-order.js";

/**
 * Tick size, minimum order size, neg-risk and "accepting orders" per token, read from the CLOB
 * (getClobMarketInfo: `mts`, `mos`, `nr`, `ao`) and trusted for `ttlMs`: markets change their
 * tick near the extremes, so a tick refusal or a tick the feed reports differently drops the entry.
 */
export class RulesCache {
  private readonly entries = new Map<string, { rules: TokenRules; at: number }>();

  constructor(
    private readonly client: ClobClient,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(market: MarketSpec & { instrument: OutcomeInstrument }, fresh = false): Promise<TokenRules> {
    const { tokenId, conditionId } = market.instrument;
    const hit = this.entries.get(tokenId);
    if (!fresh && hit && this.clock.now() - hit.at < this.ttlMs) return hit.rules;
    const info = (await this.client.getClobMarketInfo(conditionId)) as { mts?: number | string; mos?: number | string; nr?: boolean; ao?: boolean };
    const tickTicks = tickSizeTicks(String(info.mts));
    if (tickTicks === undefined) throw new Error(`Polymarket market ${conditionId}: tick size ${String(info.mts)} is not a V2 tick size`);
    const rules: TokenRules = {
      tokenId,
      conditionId,
      tickTicks,
      minLots: Number(parseScaled(String(info.mos ?? "0"), OUTCOME_SIZE_DECIMALS, "ceil")),
      negRisk: info.nr === true,
      accepting: info.ao !== false,
    };
    this.entries.set(tokenId, { rules, at: this.clock.now() });
    return rules;
  }

  invalidate(tokenId: string): void {
    this.entries.delete(tokenId);
  }
}
