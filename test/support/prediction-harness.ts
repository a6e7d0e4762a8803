import type { Level } from "../../src/core/book.js";
import { FollowEngine } from "../../src/follow/follow-engine.js";
import type { WalletSource } from "../../src/follow/wallet-source.js";
import { followSettingsSchema, type FollowSettings } from "../../src/follow/follow-settings.js";
import { PredictionCatalog } from "../../src/prediction/prediction-catalog.js";
import type { PredictionMarketInput } from "../../src/prediction/prediction-market.js";
import type { DeliveredTrade } from "../../src/venues/polymarket/wallet-cursor.js";
import { PERMISSIVE_LIMITS, type Harness } from "./trading-harness.js";
import type { AppServices } from "../../src/app/services.js";

/**
 * Prediction markets and a follow model (FT) over a trading harness: the real catalog (its
 * tokens join the harness's room, the simulator matches them, a resolution redeems every
 * position), the real follow engine, and wallets whose trades the test writes (the fake Data API
 * has its own tests; here what matters is what the follow model does with a trade).
 */
export class TestWallets implements WalletSource {
  private readonly trades: DeliveredTrade[] = [];
  private n = 0;

  /** A trade of `wallet` now (the follow model sees it at its next run). */
  trade(t: { wallet: string; conditionId: string; tokenId: string; side: "BUY" | "SELL"; price: string; size: string; at: number }): void {
    const tx = `0x${String(++this.n).padStart(64, "0")}`;
    this.trades.push({
      key: `${t.wallet}:${tx}:${t.tokenId}:${t.side}:${t.size}:${t.price}`,
      wallet: t.wallet,
      conditionId: t.conditionId,
      tokenId: t.tokenId,
      outcome: null,
      outcomeIndex: null,
      side: t.side,
      price: t.price,
      size: t.size,
      tradedAt: t.at,
      txHash: tx,
      title: null,
      slug: null,
      eventSlug: null,
      source: "synthetic",
      seenAt: t.at,
      late: false,
    });
  }

  async poll(wallet: string, cursor: unknown): Promise<{ trades: DeliveredTrade[]; cursor: unknown }> {
    // Following starts at the first read: nothing before it is delivered.
    const from = typeof cursor === "number" ? cursor : this.trades.length;
    return { trades: this.trades.slice(from).filter((t) => t.wallet === wallet), cursor: this.trades.length };
  }

  async traderRecord(): Promise<{ resolved: number; winRate: number }> {
    return { resolved: 0, winRate: 0 };
  }
}

export interface PredictionHarness {
  catalog: PredictionCatalog;
  wallets: TestWallets;
  follow: FollowEngine;
  /** Lists a market (its tokens join the room and the simulator). */
  market(m: PredictionMarketInput): Promise<void>;
  /** A full book of a token: levels as [price, shares] decimal strings, best first. */
  book(tokenId: string, bids: Array<[string, string]>, asks: Array<[string, string]>): void;
  /** A follow model following `wallets` (permissive risk limits), and its settings. */
  followModel(name: string, wallets: string[], settings: Record<string, unknown>, capital?: string): Promise<{ id: string; settings: FollowSettings }>;
}

const px = (dollars: string) => Math.round(Number(dollars) * 10_000);
const sh = (shares: string) => Math.round(Number(shares) * 100);

export async function predictionHarness(h: Harness, services: AppServices): Promise<PredictionHarness> {
  const catalog = new PredictionCatalog({ db: h.t.database.db, room: h.room, now: () => h.clock.now() });
  catalog.connect({ resolveOutcome: (s, p) => h.venue.resolveOutcome(s, p), redeemResolved: (s, p) => h.service.redeemResolved(s, p) });
  const wallets = new TestWallets();
  const follow = new FollowEngine({ db: h.t.database.db, service: h.service, catalog, source: wallets, clock: h.clock, pollMs: 3_600_000 });
  const lv = (l: [string, string]): Level => [px(l[0]), sh(l[1])];
  return {
    catalog,
    wallets,
    follow,
    market: async (m) => void (await catalog.upsert(m)),
    book: (tokenId, bids, asks) => {
      h.clock.advance(1);
      catalog.applyBook(tokenId, { ts: h.clock.now(), kind: "snapshot", bids: bids.map(lv), asks: asks.map(lv) });
    },
    followModel: async (name, list, settings, capital = "1000") => {
      const model = await services.createModel({ kind: "follow", name, wallets: list, initialCapital: capital, risk: { ...PERMISSIVE_LIMITS }, ...settings });
      return { id: model.id, settings: followSettingsSchema.parse({ wallets: list, ...settings }) };
    },
  };
}
