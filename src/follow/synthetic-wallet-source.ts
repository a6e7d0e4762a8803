import type { Clock } from "../core/clock.js";
import type { SyntheticPredictionFeed } from "../feeds/prediction/synthetic-prediction-feed.js";
import { SYNTHETIC_TRADERS } from "../feeds/prediction/synthetic-traders.js";
import type { DeliveredTrade } from "../venues/polymarket/wallet-cursor.js";
import type { WalletSource } from "./wallet-source.js";

interface SyntheticCursor {
  v: "synthetic";
  /** The feed's run the sequence number belongs to. */
  run: string;
  seq: number;
}

const isSyntheticCursor = (c: unknown): c is SyntheticCursor =>
  typeof c === "object" && c !== null && (c as SyntheticCursor).v === "synthetic" && typeof (c as SyntheticCursor).run === "string" && Number.isSafeInteger((c as SyntheticCursor).seq);

/**
 * The synthetic prediction feed's traders (SYNTHETIC_TRADERS) as wallets to follow, for
 * `npm start` without network; every other wallet is read from `others` (the Data API).
 */
export function syntheticWalletSource(feed: SyntheticPredictionFeed, clock: Clock, others: WalletSource): WalletSource {
  const synthetic = new Set(SYNTHETIC_TRADERS.map((t) => t.wallet));
  return {
    async poll(wallet, cursor, since) {
      if (!synthetic.has(wallet)) return others.poll(wallet, cursor, since);
      // A cursor of this run goes on from its fill; none yet: the fills since following began. A
      // cursor of an earlier run goes on from now (that run's fills are gone with it).
      const ofThisRun = isSyntheticCursor(cursor) && cursor.run === feed.run;
      const after = ofThisRun ? cursor.seq : cursor === null ? 0 : feed.lastFillSeq();
      const fills = feed.walletFills(wallet, after).filter((f) => ofThisRun || f.tradedAt >= since);
      const trades: DeliveredTrade[] = fills.map((f) => ({
        key: `${f.wallet}:${f.txHash}:${f.tokenId}:${f.side}:${f.size}:${f.price}`,
        wallet: f.wallet,
        conditionId: f.conditionId,
        tokenId: f.tokenId,
        outcome: f.outcome,
        outcomeIndex: null,
        side: f.side,
        price: f.price,
        size: f.size,
        tradedAt: f.tradedAt,
        txHash: f.txHash,
        title: null,
        slug: null,
        eventSlug: null,
        source: "synthetic",
        seenAt: clock.now(),
        late: false,
      }));
      return { trades, cursor: { v: "synthetic", run: feed.run, seq: fills.length > 0 ? fills[fills.length - 1]!.seq : ofThisRun ? after : feed.lastFillSeq() } satisfies SyntheticCursor };
    },
    async traderRecord(wallet) {
      return synthetic.has(wallet) ? feed.traderRecord(wallet) : others.traderRecord(wallet);
    },
  };
}
