import { parseScaled } from "../core/decimal.js";
import { OUTCOME_PAYOUT_TICKS, OUTCOME_SIZE_DECIMALS, toOutcomeTick } from "../core/instrument.js";
import { MICRO_DECIMALS, type Micro } from "../core/money.js";
import type { FollowFilters, FollowSettings, FollowSizing } from "./follow-settings.js";

/**
 * What a follow model does with one trade of a wallet it follows: copy it (how much, at what
 * worst price) or skip it, with the reason. Pure: everything it needs comes in.
 */

export interface SignalFacts {
  side: "BUY" | "SELL";
  /** The trader's price and size, exact decimal strings. */
  price: string;
  size: string;
  tradedAt: number;
}

export interface MarketFacts {
  status: "open" | "closed" | "resolved";
  question: string;
  category?: string;
  endDate: number;
  tickTicks: number;
  minLots: number;
}

export interface TraderRecord {
  resolved: number;
  /** Wins over resolved, 0-1. */
  winRate: number;
}

export interface DecisionContext {
  settings: FollowSettings;
  now: number;
  /** null: the token is not a market here. */
  market: MarketFacts | null;
  /** The follow model's equity and what it can spend now (micro-dollars). */
  equity: Micro;
  available: Micro;
  /** Lots the model holds of the token. */
  heldLots: number;
  /** Shares the trader held of the token before this trade, as far as this model has seen (lots, 10^-2 shares). */
  traderHeldLots: number;
  /** The trader's record; undefined when it was not needed or could not be read. */
  trader?: TraderRecord;
}

export type Decision = { action: "skip"; reason: string; detail: string } | { action: "buy"; lots: number; worstPriceTicks: number } | { action: "sell"; lots: number; all: boolean };

const skip = (reason: string, detail: string): Decision => ({ action: "skip", reason, detail });
const HOUR = 3_600_000;

/** Whether the filters need the trader's record (a Data API read). */
export function needsTraderRecord(filters: FollowFilters): boolean {
  return filters.minTraderResolved !== undefined || filters.minTraderWinRate !== undefined;
}

export function decide(s: SignalFacts, c: DecisionContext): Decision {
  const { settings } = c;
  if (c.now - s.tradedAt > settings.maxSignalAgeMs)
    return skip("signal_too_old", `seen ${Math.round((c.now - s.tradedAt) / 1000)} s after the trade, more than maxSignalAgeMs ${settings.maxSignalAgeMs} ms`);
  if (!c.market) return skip("unknown_market", "the token is not a market this system trades");
  if (c.market.status !== "open") return skip("market_closed", `the market is ${c.market.status}`);
  const priceTicks = Number(parseScaled(s.price, 4, "half-up"));
  const sizeLots = Number(parseScaled(s.size, OUTCOME_SIZE_DECIMALS, "floor"));

  if (s.side === "SELL") {
    if (c.heldLots === 0) return skip("no_follower_position", "the trader sold a token this model does not hold");
    // Sell the share of our position the trader sold of theirs; all of it when we cannot tell.
    if (c.traderHeldLots <= 0 || sizeLots >= c.traderHeldLots) return { action: "sell", lots: c.heldLots, all: true };
    const lots = Math.floor((c.heldLots * sizeLots) / c.traderHeldLots);
    if (lots < c.market.minLots) return skip("below_min_size", `selling ${sizeLots}/${c.traderHeldLots} of the position is under the market's minimum order`);
    return { action: "sell", lots, all: false };
  }

  const f = settings.filters;
  if (f.priceMin !== undefined && priceTicks < Number(parseScaled(f.priceMin, 4))) return skip("price_out_of_range", `price ${s.price} is below priceMin ${f.priceMin}`);
  if (f.priceMax !== undefined && priceTicks > Number(parseScaled(f.priceMax, 4))) return skip("price_out_of_range", `price ${s.price} is above priceMax ${f.priceMax}`);
  const tradeMicro = (BigInt(priceTicks) * BigInt(sizeLots) * 10n ** BigInt(MICRO_DECIMALS)) / 10n ** 6n;
  if (f.minTradeUsd !== undefined && tradeMicro < parseScaled(f.minTradeUsd, MICRO_DECIMALS)) return skip("below_min_trade", `the trade is worth less than minTradeUsd ${f.minTradeUsd}`);
  if (f.categories?.length && !f.categories.some((x) => x.toLowerCase() === (c.market!.category ?? "").toLowerCase())) {
    return skip("category_filtered", `category ${c.market.category ?? "(none)"} is not one of ${f.categories.join(", ")}`);
  }
  if (f.keywords?.length && !f.keywords.some((k) => c.market!.question.toLowerCase().includes(k.toLowerCase()))) return skip("keyword_filtered", "the question contains none of the keywords");
  const hoursToEnd = (c.market.endDate - s.tradedAt) / HOUR;
  if (f.minHoursToEnd !== undefined && hoursToEnd < f.minHoursToEnd)
    return skip("resolves_too_soon", `the market ends ${hoursToEnd.toFixed(1)} h after the trade, under minHoursToEnd ${f.minHoursToEnd}`);
  if (f.maxHoursToEnd !== undefined && hoursToEnd > f.maxHoursToEnd)
    return skip("resolves_too_late", `the market ends ${hoursToEnd.toFixed(1)} h after the trade, over maxHoursToEnd ${f.maxHoursToEnd}`);
  if (needsTraderRecord(f) || settings.sizing.mode === "kelly") {
    if (!c.trader) return skip("trader_record_unavailable", "the trader's record could not be read");
    if (f.minTraderResolved !== undefined && c.trader.resolved < f.minTraderResolved)
      return skip("trader_record_too_short", `${c.trader.resolved} resolved markets, under minTraderResolved ${f.minTraderResolved}`);
    if (f.minTraderWinRate !== undefined && c.trader.winRate < f.minTraderWinRate)
      return skip("trader_win_rate_too_low", `win rate ${c.trader.winRate.toFixed(3)} is under minTraderWinRate ${f.minTraderWinRate}`);
  }

  const worst = toOutcomeTick(priceTicks + Number(parseScaled(settings.maxSlippage, 4)), c.market.tickTicks, "SELL");
  if (worst < priceTicks) return skip("slippage_exceeded", "no price on the tick within maxSlippage of the trader's");
  const budget = betMicro(settings.sizing, tradeMicro, priceTicks, c.equity, c.trader);
  if (budget === null) return skip("no_edge", "Kelly sizing: the trader's win rate gives no edge at this price");
  const spend = budget > c.available ? c.available : budget;
  // Shares the budget buys at the worst price, floored to the lot.
  const lots = Number((spend * 10n ** 6n) / (BigInt(worst) * 10n ** BigInt(MICRO_DECIMALS)));
  if (lots < c.market.minLots) {
    return spend < budget
      ? skip("insufficient_capital", "what the model can spend buys less than the market's minimum order")
      : skip("below_min_size", "the bet buys less than the market's minimum order");
  }
  return { action: "buy", lots, worstPriceTicks: worst };
}

/** The dollars to bet (micro-dollars), clamped to [minBet, maxBet]; null when Kelly sees no edge. */
export function betMicro(sizing: FollowSizing, tradeMicro: Micro, priceTicks: number, equity: Micro, trader?: TraderRecord): Micro | null {
  let bet: Micro;
  if (sizing.mode === "fixed") bet = parseScaled(sizing.usd, MICRO_DECIMALS);
  else if (sizing.mode === "proportional") bet = (tradeMicro * BigInt(Math.round(sizing.ratio * 1_000_000))) / 1_000_000n;
  else {
    const p = trader?.winRate ?? 0;
    const q = priceTicks / OUTCOME_PAYOUT_TICKS;
    const kelly = (p - q) / (1 - q);
    if (!(kelly > 0)) return null;
    // The fraction in millionths: exact arithmetic on money from here on.
    bet = (equity * BigInt(Math.floor(kelly * sizing.fraction * 1_000_000))) / 1_000_000n;
  }
  if (sizing.minBet !== undefined && bet < parseScaled(sizing.minBet, MICRO_DECIMALS)) bet = parseScaled(sizing.minBet, MICRO_DECIMALS);
  if (sizing.maxBet !== undefined && bet > parseScaled(sizing.maxBet, MICRO_DECIMALS)) bet = parseScaled(sizing.maxBet, MICRO_DECIMALS);
  return bet;
}
