import { formatUsd, usd } from "../core/money.js";
import { returnPct } from "../trading/equity.js";
import type { LeaderboardRow, VariantAggregate } from "./services.js";

/**
 * The leaderboard's rows summed per strategy / prompt variant. Money is summed exactly (the rows'
 * decimal strings as micro-dollars); `pnlPct` is capital-weighted, the summed P&L over the summed
 * start values, so a $100,000 model weighs ten times a $10,000 one, and `meanReturnPct` is the
 * plain mean of the models' own returns beside it. Best `pnlPct` first, ties by variant name.
 */
export function variantAggregates(rows: readonly LeaderboardRow[]): VariantAggregate[] {
  const groups = new Map<string, LeaderboardRow[]>();
  for (const r of rows) {
    const list = groups.get(r.strategy);
    if (list) list.push(r);
    else groups.set(r.strategy, [r]);
  }
  const out: VariantAggregate[] = [];
  for (const [variant, members] of groups) {
    let start = 0n;
    let end = 0n;
    let realized = 0n;
    let fees = 0n;
    let trades = 0;
    let wins = 0;
    let returns = 0;
    let worstDrawdown: number | null = null;
    // Best and worst by return, ties by name then id (the leaderboard's own tie-break).
    const ranked = [...members].sort((a, b) => b.returnPct - a.returnPct || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    for (const r of members) {
      start += usd(r.startEquity);
      end += usd(r.equity);
      realized += usd(r.realizedPnl);
      fees += usd(r.fees);
      trades += r.trades;
      wins += r.wins;
      returns += r.returnPct;
      if (r.maxDrawdown !== null && (worstDrawdown === null || r.maxDrawdown > worstDrawdown)) worstDrawdown = r.maxDrawdown;
    }
    const pick = (r: LeaderboardRow) => ({ id: r.id, name: r.name, returnPct: r.returnPct });
    out.push({
      variant,
      kind: members[0]!.kind,
      models: members.length,
      startEquity: formatUsd(start),
      equity: formatUsd(end),
      pnl: formatUsd(end - start),
      pnlPct: returnPct(end, start),
      meanReturnPct: Math.round((returns / members.length) * 1e4) / 1e4,
      realizedPnl: formatUsd(realized),
      fees: formatUsd(fees),
      trades,
      winRate: trades === 0 ? null : wins / trades,
      worstDrawdown,
      bestModel: pick(ranked[0]!),
      worstModel: pick(ranked.at(-1)!),
    });
  }
  return out.sort((a, b) => b.pnlPct - a.pnlPct || (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0));
}
