import type { DataApiTrade } from "./data-api-wire.js";

/**
 * A followed wallet's fill, normalized: what the `follow` model sees, whichever API version
 * served it. Pure: no I/O.
 */

export interface SourceTrade {
  /** Natural unique key of the fill (see naturalKey). */
  readonly key: string;
  /** The wallet's proxy address, lower case. */
  readonly wallet: string;
  readonly conditionId: string;
  readonly tokenId: string;
  /** The outcome's label ("Yes", "Up", a candidate), when the row names it. */
  readonly outcome: string | null;
  readonly outcomeIndex: number | null;
  readonly side: "BUY" | "SELL";
  /** Dollars per share, exact decimal string. */
  readonly price: string;
  /** Shares, exact decimal string (the Data API's grain is 6 decimals). */
  readonly size: string;
  /** When the trade happened on chain (epoch ms; the Data API has second precision). */
  readonly tradedAt: number;
  readonly txHash: string;
  readonly title: string | null;
  readonly slug: string | null;
  readonly eventSlug: string | null;
  readonly logIndex?: number;
  /** Which route served it (synthetic: a trader of the synthetic prediction feed). */
  readonly source: "data-api-v2" | "data-api-v1" | "synthetic";
}

export type KeyFields = Pick<DataApiTrade, "wallet" | "transactionHash" | "tokenId" | "side" | "size" | "price" | "logIndex">;

/**
 * The natural key of one fill: wallet, transaction, token, side, size and price, plus the
 * on-chain log index when the row carries one. Not the transaction hash alone: one transaction
 * settles several fills (polycopy's tx-hash key collapsed them).
 *
 * The indexer's own sequence id is left out on purpose: a row indexed again (late, or after a
 * reorg) may get a new one, and the same fill must keep the same key. Without a log index, two
 * fills of one wallet in one transaction on the same token, side, size and price cannot be told
 * apart by the Data API and count as one; that is the cost of a key that a duplicate row can
 * never dodge.
 *
 * Decimals are canonical (wireDecimal), so v1's and v2's rows of one fill have one key.
 */
export function naturalKey(f: KeyFields): string {
  const base = `${f.wallet.toLowerCase()}:${f.transactionHash.toLowerCase()}:${f.tokenId}:${f.side}:${f.size}:${f.price}`;
  return f.logIndex === undefined ? base : `${base}:${f.logIndex}`;
}

export function toSourceTrade(row: DataApiTrade, source: SourceTrade["source"]): SourceTrade {
  return {
    key: naturalKey(row),
    wallet: row.wallet,
    conditionId: row.conditionId,
    tokenId: row.tokenId,
    outcome: row.outcome,
    outcomeIndex: row.outcomeIndex,
    side: row.side,
    price: row.price,
    size: row.size,
    tradedAt: row.timestamp * 1000,
    txHash: row.transactionHash,
    title: row.title,
    slug: row.slug,
    eventSlug: row.eventSlug,
    ...(row.logIndex !== undefined ? { logIndex: row.logIndex } : {}),
    source,
  };
}
