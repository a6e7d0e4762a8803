import type { CompetitionView, LeaderPosition, LeaderView, Standing } from "../agents/strategy.js";
import { notional, lotsToQuantity, type MarketSpec } from "../core/market.js";
import { formatUsd, usd } from "../core/money.js";
import { unrealizedPnl } from "../core/position.js";
import type { OpenPosition } from "../trading/account.js";

/**
 * The competition as one model's prompt shows it, from the standings of the cycle (computed
 * once and shared by every model): its rank, the leaders and what they hold, how far behind
 * the leader it is, and its rank among the models sharing its prompt variant.
 */

/** Leaders whose open positions a prompt shows. */
export const LEADERS_SHOWN = 3;

/** Every account ranked by return (best first), and the open positions of the top LEADERS_SHOWN + 1 (one of them may be the asking model). */
export interface CycleStandings {
  rows: Standing[];
  leaders: LeaderView[];
}

/** A leader's open positions at the mark (at the entry where no mark is known), by symbol. */
export function leaderPositions(positions: Iterable<OpenPosition>, market: (symbol: string) => MarketSpec | undefined, mark: (symbol: string) => number | undefined): LeaderPosition[] {
  const out: LeaderPosition[] = [];
  for (const p of positions) {
    const m = market(p.state.symbol);
    if (!m) continue;
    const px = mark(p.state.symbol);
    out.push({
      symbol: p.state.symbol,
      side: p.state.side,
      quantity: lotsToQuantity(m, p.state.lots),
      notional: formatUsd(px === undefined ? p.state.cost : notional(m, px, p.state.lots)),
      unrealizedPnl: formatUsd(px === undefined ? 0n : unrealizedPnl(m, p.state, px)),
    });
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** Ranks 1..n within `rows` (already best first). */
function reranked(rows: readonly Standing[]): Standing[] {
  return rows.map((r, i) => ({ ...r, rank: i + 1 }));
}

/** What `modelId`'s prompt shows of the competition; undefined when it is not in the standings. */
export function competitionFor(modelId: string, s: CycleStandings): CompetitionView | undefined {
  const self = s.rows.find((r) => r.modelId === modelId);
  if (!self) return undefined;
  const view: CompetitionView = {
    rank: self.rank,
    of: s.rows.length,
    standings: s.rows,
    leaders: s.leaders.filter((l) => l.modelId !== modelId).slice(0, LEADERS_SHOWN),
  };
  const leader = s.rows[0]!;
  if (leader.modelId !== modelId) {
    const pnl = leader.pnl !== undefined && self.pnl !== undefined ? formatUsd(usd(leader.pnl) - usd(self.pnl)) : null;
    view.gapToLeader = { returnPoints: leader.returnPct - self.returnPct, pnl };
  }
  if (self.strategy !== undefined) {
    const peers = s.rows.filter((r) => r.strategy === self.strategy);
    if (peers.length >= 2) {
      const ranked = reranked(peers);
      view.variant = { name: self.strategy, rank: ranked.find((r) => r.modelId === modelId)!.rank, of: ranked.length, standings: ranked };
    }
  }
  return view;
}
