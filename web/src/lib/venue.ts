/**
 * Where a model trades, in words: paper (the exchange simulator), a Lighter account or a Polymarket wallet. Pure, so
 * the labels, the leaderboard's lookup and the Lighter feed's figures are unit tested.
 */
import type { HealthView, LighterFeedMarket, LighterFeedView, LiveAccountView, LiveStatusView } from "../api/types.ts";

/** What a label needs of a venue: a model's `venue`, or a live account of `GET /api/live`. */
export type VenueLike =
  | { kind: "sim" }
  | { kind: "lighter"; accountIndex: number; apiKeyIndex?: number; privateKeyEnv?: string }
  | { kind: "polymarket"; account?: string; signatureType?: number; funder?: string; privateKeyEnv?: string };

/** "paper", "Lighter #281" (the account index) or "Polymarket". */
export function venueLabel(v: VenueLike): string {
  if (v.kind === "lighter") return `Lighter #${v.accountIndex}`;
  return v.kind === "polymarket" ? "Polymarket" : "paper";
}

const SIGNATURE_TYPES: Record<number, string> = { 0: "EOA", 1: "POLY_PROXY", 2: "POLY_GNOSIS_SAFE" };

/** The badge's tooltip: what the venue means for the model's orders. */
export function venueTitle(v: VenueLike): string {
  const env = v.kind !== "sim" && v.privateKeyEnv ? ` (key read from $${v.privateKeyEnv} on the server)` : "";
  if (v.kind === "polymarket") {
    const wallet = v.funder ? `wallet ${v.funder}` : (v.account?.replace(/^Polymarket /, "") ?? "its wallet");
    const type = v.signatureType === undefined ? "" : `, ${SIGNATURE_TYPES[v.signatureType] ?? `signature type ${v.signatureType}`}`;
    return `Live: real orders on Polymarket's CLOB, ${wallet}${type}${env}`;
  }
  if (v.kind !== "lighter") return "Paper trading: orders fill on the exchange simulator, no real money";
  const key = v.apiKeyIndex === undefined ? "" : `, API key ${v.apiKeyIndex}`;
  return `Live: real orders on Lighter, account ${v.accountIndex}${key}${env}`;
}

/** A model on the exchange simulator (one object, so memoized views compare it by reference). */
export const PAPER: VenueLike = { kind: "sim" };

/** Each live model's account, by model id, from `GET /api/live`. */
export function liveAccountsByModel(status: LiveStatusView | undefined): ReadonlyMap<string, LiveAccountView> {
  return new Map((status?.accounts ?? []).map((a) => [a.modelId, a]));
}

/** Each live model's venue by model id, from `GET /api/live` (which lists every live model). */
export function liveVenues(status: LiveStatusView | undefined): ReadonlyMap<string, VenueLike> {
  return new Map(
    (status?.accounts ?? []).map((a): [string, VenueLike] => [
      a.modelId,
      a.venue === "lighter"
        ? { kind: "lighter", accountIndex: a.accountIndex ?? 0, ...(a.apiKeyIndex !== undefined ? { apiKeyIndex: a.apiKeyIndex } : {}) }
        : { kind: "polymarket", account: a.account },
    ]),
  );
}

/**
 * A model's venue when its row does not carry it (the leaderboard's): Lighter when `GET /api/live`
 * lists it, paper otherwise; undefined while that answer is not known.
 */
export function venueOf(modelId: string, status: LiveStatusView | undefined, venues: ReadonlyMap<string, VenueLike>): VenueLike | undefined {
  return status ? (venues.get(modelId) ?? PAPER) : undefined;
}

/** The health answer's feed when it is Lighter's order-book feed, else null. */
export function lighterFeed(feed: HealthView["feed"] | undefined): LighterFeedView | null {
  if (!feed || feed.kind !== "lighter") return null;
  const markets = feed.markets !== null && typeof feed.markets === "object" ? (feed.markets as Record<string, LighterFeedMarket>) : {};
  return { kind: "lighter", connected: feed.connected === true, staleAfterMs: typeof feed.staleAfterMs === "number" ? feed.staleAfterMs : 0, markets };
}

export type FeedMarketRow = LighterFeedMarket & { symbol: string; state: "ok" | "stale" | "unsynced" };

/** One row per market, A to Z, with its state: unsynced (no snapshot, or a gap not healed), stale (silent too long), or ok. */
export function feedMarketRows(feed: LighterFeedView): FeedMarketRow[] {
  return Object.entries(feed.markets)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, m]) => ({ symbol, ...m, state: !m.synced ? "unsynced" : m.stale ? "stale" : "ok" }));
}
