import { sql } from "drizzle-orm";
import { ticksToPrice, priceToTicks, type MarketSpec } from "../core/market.js";
import type { Db } from "../db/client.js";
import { marketState } from "../db/schema.js";

/** Last mid and feed state per market, so a restart resumes where the market was. */
export async function loadMarketState(db: Db, markets: readonly MarketSpec[]): Promise<{ mids: Record<string, number>; states: Record<string, unknown> }> {
  const rows = await db.select().from(marketState);
  const mids: Record<string, number> = {};
  const states: Record<string, unknown> = {};
  for (const r of rows) {
    const m = markets.find((x) => x.symbol === r.symbol);
    if (!m) continue;
    mids[m.symbol] = priceToTicks(m, r.mid);
    if (r.feedState) states[m.symbol] = r.feedState;
  }
  return { mids, states };
}

export async function saveMarketState(db: Db, markets: readonly MarketSpec[], mid: (symbol: string) => number | undefined, states: Record<string, unknown>, now: Date): Promise<void> {
  const rows = markets.flatMap((m) => {
    const px = mid(m.symbol);
    return px === undefined ? [] : [{ symbol: m.symbol, mid: ticksToPrice(m, px), feedState: (states[m.symbol] ?? null) as object | null, updatedAt: now }];
  });
  if (rows.length === 0) return;
  await db
    .insert(marketState)
    .values(rows)
    .onConflictDoUpdate({ target: marketState.symbol, set: { mid: sql`excluded.mid`, feedState: sql`excluded.feed_state`, updatedAt: sql`excluded.updated_at` } });
}
