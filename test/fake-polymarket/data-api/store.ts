import { createHash } from "node:crypto";

/**
 * The fake Data API's memory: every wallet's fills (maker and taker) and other activity, each
 * with the block time it happened at and the sequence number it was indexed under. The v2 keyset
 * orders on (timestamp, seq); a fill added late keeps its old timestamp and gets a new seq,
 * which is exactly why a reader that resumes at the newest time it saw misses it.
 */

export interface FillInput {
  wallet: string;
  /** The wallet's role in the match: `takerOnly` (the API's default) hides maker rows. */
  role: "maker" | "taker";
  side: "BUY" | "SELL";
  conditionId: string;
  tokenId: string;
  /** Decimal strings, as exact as the wire carries them. */
  price: string;
  size: string;
  /** Block time, epoch seconds. */
  timestamp: number;
  txHash?: string;
  outcome?: string;
  outcomeIndex?: number;
  title?: string;
  slug?: string;
  eventSlug?: string;
}

export interface StoredFill extends Required<Omit<FillInput, "outcomeIndex">> {
  readonly kind: "fill";
  outcomeIndex: number;
  /** Index order: later indexing, higher seq. */
  readonly seq: number;
}

/** Activity that is not a fill (SPLIT, MERGE, REDEEM, REWARD, …): shown by /activity only. */
export interface OtherActivityInput {
  wallet: string;
  type: string;
  timestamp: number;
  usdcSize: string;
  conditionId?: string;
  txHash?: string;
}

export interface StoredActivity extends Required<OtherActivityInput> {
  readonly kind: "other";
  readonly seq: number;
}

export type StoredRow = StoredFill | StoredActivity;

export interface PositionInput {
  wallet: string;
  conditionId: string;
  tokenId: string;
  size: string;
  avgPrice: string;
  currentValue?: string;
  realizedPnl?: string;
  outcome?: string;
  outcomeIndex?: number;
  status?: "OPEN" | "REDEEMABLE" | "CLOSED";
  redeemable?: boolean;
  negativeRisk?: boolean;
  title?: string;
  endDate?: string;
}

let txCounter = 0;
/** A deterministic-looking transaction hash for fills added without one. */
export function makeTxHash(seed: string): string {
  return `0x${createHash("sha256").update(`${seed}:${++txCounter}`).digest("hex")}`;
}

export class FakeDataStore {
  private readonly rows: StoredRow[] = [];
  private readonly positionsByWallet = new Map<string, PositionInput[]>();
  private seq = 0;

  /** Indexes one fill now (visible to every later request). */
  addFill(input: FillInput): StoredFill {
    const fill: StoredFill = {
      kind: "fill",
      wallet: input.wallet.toLowerCase(),
      role: input.role,
      side: input.side,
      conditionId: input.conditionId.toLowerCase(),
      tokenId: input.tokenId,
      price: input.price,
      size: input.size,
      timestamp: input.timestamp,
      txHash: (input.txHash ?? makeTxHash(input.wallet)).toLowerCase(),
      outcome: input.outcome ?? "Yes",
      outcomeIndex: input.outcomeIndex ?? 0,
      title: input.title ?? "A fake market",
      slug: input.slug ?? "a-fake-market",
      eventSlug: input.eventSlug ?? "a-fake-event",
      seq: ++this.seq,
    };
    this.rows.push(fill);
    return fill;
  }

  /** Serves an already indexed fill a second time (the same fill as two rows, as a re-indexing would). */
  duplicate(fill: StoredFill): StoredFill {
    const copy: StoredFill = { ...fill, seq: ++this.seq };
    this.rows.push(copy);
    return copy;
  }

  addActivity(input: OtherActivityInput): StoredActivity {
    const row: StoredActivity = {
      kind: "other",
      wallet: input.wallet.toLowerCase(),
      type: input.type,
      timestamp: input.timestamp,
      usdcSize: input.usdcSize,
      conditionId: (input.conditionId ?? "").toLowerCase(),
      txHash: (input.txHash ?? makeTxHash(input.type)).toLowerCase(),
      seq: ++this.seq,
    };
    this.rows.push(row);
    return row;
  }

  setPositions(wallet: string, positions: PositionInput[]): void {
    this.positionsByWallet.set(wallet.toLowerCase(), positions);
  }

  positions(wallet: string): PositionInput[] {
    return this.positionsByWallet.get(wallet.toLowerCase()) ?? [];
  }

  /** Newest block time stored (epoch s), or undefined. */
  get newestTimestamp(): number | undefined {
    return this.rows.reduce<number | undefined>((m, r) => (m === undefined || r.timestamp > m ? r.timestamp : m), undefined);
  }

  /** Rows matching `keep`, ordered by (timestamp, seq) in `direction`. */
  select(keep: (row: StoredRow) => boolean, direction: "ASC" | "DESC"): StoredRow[] {
    const sign = direction === "ASC" ? 1 : -1;
    return this.rows.filter(keep).sort((a, b) => sign * (a.timestamp - b.timestamp || a.seq - b.seq));
  }

  get size(): number {
    return this.rows.length;
  }
}
