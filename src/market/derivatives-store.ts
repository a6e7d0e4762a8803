import type { MarketSpec } from "../core/market.js";
import type { DerivativesSnapshot, DerivativesSource } from "./derivatives.js";
import { parseFundingRate } from "./funding.js";

/**
 * The latest funding rate and open interest of each market, as the feed reported them: what
 * the prompt's market intelligence and the simulator's funding payments read. A feed that
 * reports nothing leaves it empty, and then neither says nor pays anything.
 *
 * A malformed snapshot is refused with the reason and changes nothing; an older one than what
 * is held (a replay's loop, a reordered message) is ignored.
 */
export class DerivativesStore implements DerivativesSource {
  private readonly latest = new Map<string, DerivativesSnapshot>();
  private readonly symbols: ReadonlySet<string>;

  constructor(markets: readonly MarketSpec[]) {
    this.symbols = new Set(markets.map((m) => m.symbol));
  }

  derivatives(symbol: string): DerivativesSnapshot | undefined {
    return this.latest.get(symbol);
  }

  /** Keeps the snapshot (a copy) unless one newer is held; returns whether it was kept. */
  update(snapshot: DerivativesSnapshot): boolean {
    const problem = snapshotProblem(snapshot, this.symbols);
    if (problem) throw new RangeError(`derivatives snapshot of ${String(snapshot.symbol)}: ${problem}`);
    const held = this.latest.get(snapshot.symbol);
    if (held && held.ts > snapshot.ts) return false;
    this.latest.set(snapshot.symbol, { ...snapshot });
    return true;
  }

  /** Every market's latest snapshot (what /api/health or a test shows). */
  all(): DerivativesSnapshot[] {
    return [...this.latest.values()];
  }
}

function snapshotProblem(s: DerivativesSnapshot, symbols: ReadonlySet<string>): string | null {
  if (!symbols.has(s.symbol)) return "unknown market";
  if (!Number.isSafeInteger(s.ts)) return `ts ${s.ts} is not epoch milliseconds`;
  if (!Number.isSafeInteger(s.fundingIntervalMs) || s.fundingIntervalMs <= 0) return `fundingIntervalMs ${s.fundingIntervalMs} must be a positive whole number of ms`;
  if (!Number.isSafeInteger(s.nextFundingAt) || s.nextFundingAt <= s.ts) return `nextFundingAt ${s.nextFundingAt} must come after ts ${s.ts}`;
  if (s.openInterestLots !== undefined && (!Number.isSafeInteger(s.openInterestLots) || s.openInterestLots < 0))
    return `openInterestLots ${s.openInterestLots} must be a whole number of lots, at least 0`;
  if (typeof s.fundingRate !== "string") return "fundingRate must be a decimal string (money moves by it: never a float)";
  try {
    parseFundingRate(s.fundingRate);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}
