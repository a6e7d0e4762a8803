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

/**
 * What every model of a cycle looks up in the same standings, worked out once for all of them:
 * its own row by id, and the ranking among each prompt variant. Per model, the variant's ranking
 * (a copy of its rows) and the search made a cycle of a hundred models quadratic; shared, the
 * same Standing objects also let the prompt reuse each row's text.
 */
interface StandingsIndex {
  byModel: Map<string, Standing>;
  byVariant: Map<string, Standing[]>;
}

const indexes = new WeakMap<CycleStandings, StandingsIndex>();

function indexOf(s: CycleStandings): StandingsIndex {
  let index = indexes.get(s);
  if (index) return index;
  const byModel = new Map<string, Standing>();
  const peers = new Map<string, Standing[]>();
  for (const r of s.rows) {
    // The first row of an id, as find() would have it.
    if (!byModel.has(r.modelId)) byModel.set(r.modelId, r);
    if (r.strategy === undefined) continue;
    const list = peers.get(r.strategy);
    if (list) list.push(r);
    else peers.set(r.strategy, [r]);
  }
  const byVariant = new Map<string, Standing[]>();
  for (const [strategy, list] of peers) byVariant.set(strategy, reranked(list));
  index = { byModel, byVariant };
  indexes.set(s, index);
  return index;
}

/** What `modelId`'s prompt shows of the competition; undefined when it is not in the standings. */
export function competitionFor(modelId: string, s: CycleStandings): CompetitionView | undefined {
  const index = indexOf(s);
  const self = index.byModel.get(modelId);
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
    const ranked = index.byVariant.get(self.strategy)!;
    if (ranked.length >= 2) {
      view.variant = { name: self.strategy, rank: ranked.find((r) => r.modelId === modelId)!.rank, of: ranked.length, standings: ranked };
    }
  }
  return view;
}
