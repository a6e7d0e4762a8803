import type { Clock } from "../core/clock.js";
import type { PolymarketDataApi } from "../venues/polymarket/data-api.js";
import { isWalletCursor, startFollowing, type DeliveredTrade } from "../venues/polymarket/wallet-cursor.js";
import { pollWalletTrades } from "../venues/polymarket/wallet-trades.js";
import type { TraderRecord } from "./follow-decision.js";

/**
 * Where a follow model learns its wallets' trades: Polymarket's Data API (the real one or the
 * fake), or anything else that delivers each fill once with a cursor to store beside it.
 */
export interface WalletSource {
  /**
   * New fills of `wallet` after `cursor`, oldest first, and the cursor to store with them in one
   * transaction. With no cursor yet (null), the fills from `since` on (epoch ms: when following
   * began, the follow model's creation), so none made before the first read is lost; earlier
   * fills are never delivered.
   */
  poll(wallet: string, cursor: unknown, since: number): Promise<{ trades: DeliveredTrade[]; cursor: unknown }>;
  /** The trader's record over resolved markets (for the record filters and Kelly sizing). */
  traderRecord(wallet: string): Promise<TraderRecord>;
}

const RECORD_TTL_MS = 10 * 60_000;
const RECORD_PAGES = 5;

/** The Data API: v2 cursor pages with taker_only=false, the v1 fallback (src/venues/polymarket/wallet-trades.ts). */
export function dataApiWalletSource(api: PolymarketDataApi, clock: Clock): WalletSource {
  const records = new Map<string, { at: number; record: TraderRecord }>();
  return {
    async poll(wallet, stored, since) {
      const cursor = stored !== null && stored !== undefined && isWalletCursor(stored) ? stored : startFollowing(wallet, Math.floor(since / 1000));
      const r = await pollWalletTrades(api, cursor, { clock });
      return { trades: r.trades, cursor: r.cursor };
    },
    async traderRecord(wallet) {
      const cached = records.get(wallet);
      if (cached && clock.now() - cached.at < RECORD_TTL_MS) return cached.record;
      // Resolved markets are the wallet's closed positions; a win is one that realized a profit.
      // (The v2 status names are from the docs; which statuses count as resolved is our reading.)
      let resolved = 0;
      let wins = 0;
      let cursor: string | undefined;
      for (let page = 0; page < RECORD_PAGES; page++) {
        const r = await api.positionsV2({ user: wallet, status: "CLOSED", limit: 500, ...(cursor ? { cursor } : {}) });
        for (const p of r.items) {
          resolved++;
          if (p.realizedPnl !== null && Number(p.realizedPnl) > 0) wins++;
        }
        if (!r.hasMore || !r.nextCursor) break;
        cursor = r.nextCursor;
      }
      const record = { resolved, winRate: resolved === 0 ? 0 : wins / resolved };
      records.set(wallet, { at: clock.now(), record });
      return record;
    },
  };
}
