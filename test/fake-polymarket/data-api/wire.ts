import { createHmac } from "node:crypto";
import { multiplyDecimals } from "./http.js";
import type { PositionInput, StoredActivity, StoredFill, StoredRow } from "./store.js";

/**
 * The rows as the real Data API writes them: v1 camelCase, v2 snake_case with every field present
 * (absence as ""), amounts as JSON numbers, times as epoch seconds. Shapes from Polymarket's docs
 * and the row schemas of Polymarket/ts-sdk (packages/bindings/src/data). Profile fields (name,
 * pseudonym, bio, images) are served empty: the fake has no profiles.
 */

/** A decimal string as the JSON number the API sends (exact for the ≤15 significant digits used here). */
const num = (text: string) => Number(text);

export function v1TradeRow(f: StoredFill) {
  return {
    proxyWallet: f.wallet,
    side: f.side,
    asset: f.tokenId,
    conditionId: f.conditionId,
    size: num(f.size),
    price: num(f.price),
    timestamp: f.timestamp,
    title: f.title,
    slug: f.slug,
    icon: "",
    eventSlug: f.eventSlug,
    outcome: f.outcome,
    outcomeIndex: f.outcomeIndex,
    name: "",
    pseudonym: "",
    bio: "",
    profileImage: "",
    profileImageOptimized: "",
    transactionHash: f.txHash,
  };
}

export function v1ActivityRow(r: StoredRow) {
  if (r.kind === "fill") return { ...v1TradeRow(r), type: "TRADE", usdcSize: num(multiplyDecimals(r.size, r.price)) };
  return otherV1(r);
}

function otherV1(r: StoredActivity) {
  return {
    proxyWallet: r.wallet,
    timestamp: r.timestamp,
    conditionId: r.conditionId,
    type: r.type,
    size: num(r.usdcSize),
    usdcSize: num(r.usdcSize),
    transactionHash: r.txHash,
    price: 0,
    asset: "",
    side: "",
    outcomeIndex: 999,
    title: "",
    slug: "",
    icon: "",
    eventSlug: "",
    outcome: "",
    name: "",
    pseudonym: "",
    bio: "",
    profileImage: "",
    profileImageOptimized: "",
  };
}

export function v2TradeRow(f: StoredFill) {
  return {
    proxy_wallet: f.wallet,
    side: f.side,
    token_id: f.tokenId,
    condition_id: f.conditionId,
    size: num(f.size),
    price: num(f.price),
    timestamp: f.timestamp,
    title: f.title,
    slug: f.slug,
    icon: "",
    event_slug: f.eventSlug,
    outcome: f.outcome,
    outcome_index: f.outcomeIndex,
    name: "",
    pseudonym: "",
    bio: "",
    profile_image: "",
    profile_image_optimized: "",
    transaction_hash: f.txHash,
  };
}

export function v2ActivityRow(r: StoredRow) {
  if (r.kind === "fill") return { ...v2TradeRow(r), type: "TRADE", usdc_size: num(multiplyDecimals(r.size, r.price)) };
  return {
    proxy_wallet: r.wallet,
    timestamp: r.timestamp,
    condition_id: r.conditionId,
    type: r.type,
    size: num(r.usdcSize),
    usdc_size: num(r.usdcSize),
    transaction_hash: r.txHash,
    price: 0,
    token_id: "",
    side: "",
    outcome_index: 999,
    title: "",
    slug: "",
    icon: "",
    event_slug: "",
    outcome: "",
    name: "",
    pseudonym: "",
    bio: "",
    profile_image: "",
    profile_image_optimized: "",
  };
}

export function v1PositionRow(p: PositionInput) {
  return {
    proxyWallet: p.wallet.toLowerCase(),
    asset: p.tokenId,
    conditionId: p.conditionId,
    size: num(p.size),
    avgPrice: num(p.avgPrice),
    currentValue: num(p.currentValue ?? "0"),
    realizedPnl: num(p.realizedPnl ?? "0"),
    outcome: p.outcome ?? "Yes",
    outcomeIndex: p.outcomeIndex ?? 0,
    redeemable: p.redeemable ?? false,
    mergeable: false,
    negativeRisk: p.negativeRisk ?? false,
    title: p.title ?? "A fake market",
    endDate: p.endDate ?? "",
  };
}

export function v2PositionRow(p: PositionInput) {
  return {
    proxy_wallet: p.wallet.toLowerCase(),
    token_id: p.tokenId,
    condition_id: p.conditionId,
    current_size: num(p.size),
    avg_price: num(p.avgPrice),
    current_value: num(p.currentValue ?? "0"),
    realized_pnl: num(p.realizedPnl ?? "0"),
    outcome: p.outcome ?? "Yes",
    outcome_index: p.outcomeIndex ?? 0,
    status: p.status ?? "OPEN",
    redeemable: p.redeemable ?? false,
    mergeable: false,
    negative_risk: p.negativeRisk ?? false,
    archived: false,
    title: p.title ?? "A fake market",
    end_date: p.endDate ?? "",
  };
}

/**
 * v2 cursors: opaque, signed, typed per route, and carrying their page size, direction, the
 * filters they were minted under and the (timestamp, seq) seek anchor of the last row served.
 */
export interface CursorState {
  route: string;
  limit: number;
  direction: "ASC" | "DESC";
  filters: string;
  /** Anchor: the last row served. */
  t: number;
  s: number;
  /** Rows served before the next page (pagination.offset, for display). */
  served: number;
}

const SECRET = "fake-data-api";

export function mintCursor(state: CursorState): string {
  const body = Buffer.from(JSON.stringify(state)).toString("base64url");
  const sig = createHmac("sha256", SECRET).update(body).digest("base64url").slice(0, 16);
  return `${body}.${sig}`;
}

export function readCursor(cursor: string): CursorState | null {
  const [body, sig] = cursor.split(".");
  if (!body || !sig || createHmac("sha256", SECRET).update(body).digest("base64url").slice(0, 16) !== sig) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as CursorState;
  } catch {
    return null;
  }
}
