import type { MarketView } from "../api/types.ts";

/**
 * A market's 24-hour change in percent, from its current mid: market ticks patch `mid` in the
 * cache many times a second but not `change24hPct`, so the ticker recomputes it against
 * `open24h` and falls back to the server's figure when it cannot.
 */
export function change24h(m: Pick<MarketView, "mid" | "open24h" | "change24hPct">): number | null {
  const mid = m.mid === null ? NaN : Number(m.mid);
  const open = m.open24h === null || m.open24h === undefined ? NaN : Number(m.open24h);
  if (Number.isFinite(mid) && Number.isFinite(open) && open > 0) return (mid / open - 1) * 100;
  return m.change24hPct ?? null;
}
