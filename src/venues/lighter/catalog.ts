import { parseScaled } from "../../core/decimal.js";
import { assertMarketSpec, type MarketSpec } from "../../core/market.js";
import { usd } from "../../core/money.js";
import type { PerpsOrderBookDetail } from "./openapi.js";

/** Whether a market takes new entries: Lighter can switch a market off or to reduce-only at any time. */
export type MarketStatus = "active" | "inactive" | "reduce_only";

export interface LighterMarket {
  spec: MarketSpec;
  status: MarketStatus;
}

/**
 * Lighter's markets as our MarketSpecs, from `orderBookDetails` (never hard-coded: decimals,
 * minimums and status change). Margin fractions are in 1e-4 units, so they read as basis points.
 */
export class MarketCatalog {
  private readonly byId = new Map<number, LighterMarket>();
  private readonly bySymbol = new Map<string, LighterMarket>();

  /** `skipped` hears of a market that cannot be represented exactly (it is left out, the rest load). */
  constructor(details: readonly PerpsOrderBookDetail[], skipped: (symbol: string, why: string) => void = () => undefined) {
    for (const d of details) {
      if (d.market_type !== "perp") continue;
      let spec: MarketSpec;
      try {
        spec = toSpec(d);
      } catch (error) {
        skipped(d.symbol, error instanceof Error ? error.message : String(error));
        continue;
      }
      const market = { spec, status: statusOf(d) };
      this.byId.set(d.market_id, market);
      this.bySymbol.set(market.spec.symbol, market);
    }
  }

  specs(): MarketSpec[] {
    return [...this.byId.values()].map((m) => m.spec);
  }

  byMarketId(id: number): LighterMarket | undefined {
    return this.byId.get(id);
  }

  bySymbolName(symbol: string): LighterMarket | undefined {
    return this.bySymbol.get(symbol.toUpperCase());
  }

  /** Why a new entry on this market is refused, or null when it is open for entries. */
  entryRefusal(symbol: string): string | null {
    const m = this.bySymbolName(symbol);
    if (!m) return `unknown Lighter market ${symbol}`;
    if (m.status === "inactive") return `the Lighter market ${m.spec.symbol} is inactive`;
    if (m.status === "reduce_only") return `the Lighter market ${m.spec.symbol} is reduce-only: positions can be closed, not opened`;
    return null;
  }
}

function statusOf(d: PerpsOrderBookDetail): MarketStatus {
  if (d.status !== "active") return "inactive";
  return d.market_config?.force_reduce_only ? "reduce_only" : "active";
}

export function toSpec(d: PerpsOrderBookDetail): MarketSpec {
  const imf = d.min_initial_margin_fraction > 0 ? d.min_initial_margin_fraction : d.default_initial_margin_fraction;
  if (!(imf > 0)) throw new Error(`Lighter market ${d.symbol}: no initial margin fraction`);
  const spec: MarketSpec = {
    symbol: d.symbol.toUpperCase(),
    marketId: d.market_id,
    sizeDecimals: d.size_decimals,
    priceDecimals: d.price_decimals,
    minBaseLots: Number(parseScaled(d.min_base_amount, d.size_decimals, "ceil")),
    minNotional: usd(d.min_quote_amount, "ceil"),
    // IMF 200 = 2% of notional = 50x.
    maxLeverage: Math.floor(10_000 / imf),
    maintenanceMarginBps: d.maintenance_margin_fraction,
  };
  assertMarketSpec(spec);
  return spec;
}
