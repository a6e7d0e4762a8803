import { useCallback, useMemo, useState } from "react";
import type { QueryClient } from "@tanstack/react-query";
import { Link } from "wouter";
import { equityCurvesQuery, healthQuery, leaderboardQuery, liveQuery, marketsQuery, useEquityCurves, useLeaderboard, useStrategies } from "../api/queries.ts";
import type { LeaderboardWindow } from "../api/types.ts";
import { ARENA_CURVE_POINTS, ArenaEquity } from "../components/arena-equity.tsx";
import { LeaderboardTable } from "../components/leaderboard-table.tsx";
import { Ticker } from "../components/ticker.tsx";
import { VariantStandings, windowLabel } from "../components/variant-standings.tsx";
import { Card, Empty, ErrorBox, Loading, Segmented } from "../components/ui.tsx";
import { DEFAULT_SORT, nextSort, serverSort, sortRows, type SortKey } from "../lib/arena-sort.ts";

const WINDOWS = ["24h", "7d", "30d", "all"] as const;
const DEFAULT_WINDOW: LeaderboardWindow = "all";

/**
 * Puts the arena's first reads into the cache: its leaderboard and curves (default window and
 * sort, no filter), the ticker's markets, the header's health and live trading's status (each
 * row's venue), the requests index.html starts before the script loads. main.tsx waits for this
 * before the first render, so the first screen is drawn once, complete, rather than as loading
 * states filled in one by one.
 */
export function prefetchArena(client: QueryClient): Promise<unknown> {
  return Promise.all([
    client.prefetchQuery(leaderboardQuery({ window: DEFAULT_WINDOW, sort: serverSort(DEFAULT_SORT) })),
    client.prefetchQuery(equityCurvesQuery(DEFAULT_WINDOW, ARENA_CURVE_POINTS)),
    client.prefetchQuery(marketsQuery()),
    client.prefetchQuery(healthQuery()),
    client.prefetchQuery(liveQuery()),
  ]);
}

/** The strategies and prompt variants that models run, with how many, for the filter. */
function useVariantOptions(window: LeaderboardWindow) {
  // the same query as the chart's (shared cache): it lists every model whatever the filter
  const curves = useEquityCurves(window, ARENA_CURVE_POINTS);
  const strategies = useStrategies();
  return useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of curves.data ?? []) counts.set(c.strategy, (counts.get(c.strategy) ?? 0) + 1);
    const kinds = new Map((strategies.data ?? []).map((s) => [s.name, s.kind]));
    const options = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => ({ name, label: `${name} (${kinds.get(name) ?? "?"}, ${n})` }));
    return { options, models: curves.data?.length };
  }, [curves.data, strategies.data]);
}

function VariantSelect({ value, onChange, options }: { value: string; onChange: (v: string) => void; options: Array<{ name: string; label: string }> }) {
  const known = options.some((o) => o.name === value);
  return (
    <label className="row small muted">
      Strategy
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Only models running this strategy or prompt variant">
        <option value="">All strategies</option>
        {options.map((o) => (
          <option key={o.name} value={o.name}>
            {o.label}
          </option>
        ))}
        {value && !known && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}

/** The arena: every model side by side over a window, ranked, charted, summed per strategy, with the markets above. */
export function ArenaPage() {
  const [window, setWindow] = useState<LeaderboardWindow>(DEFAULT_WINDOW);
  const [variant, setVariant] = useState("");
  const [sort, setSort] = useState(DEFAULT_SORT);
  const board = useLeaderboard({ window, sort: serverSort(sort), ...(variant ? { variant } : {}) });
  const { options, models } = useVariantOptions(window);

  const rows = useMemo(() => sortRows(board.data ?? [], sort), [board.data, sort]);
  const onSort = useCallback((key: SortKey) => setSort((s) => nextSort(s, key)), []);
  const noModels = models === 0 || (models === undefined && !variant && board.data?.length === 0);

  return (
    <div className="stack arena">
      <Ticker />
      <div className="row arena-controls">
        <h1>Arena</h1>
        <span className="spacer" />
        <VariantSelect value={variant} onChange={setVariant} options={options} />
        <Segmented label="Window" value={window} options={WINDOWS} onChange={setWindow} />
      </div>
      {noModels ? (
        <Empty title="No models yet: add one">
          <Link href="/models/new">Add a model</Link> (a rule strategy or an LLM with a prompt variant); it appears here with its first scheduler cycle.
        </Empty>
      ) : (
        <>
          <ArenaEquity window={window} variant={variant} />
          <Card title={`Leaderboard · ${windowLabel(window)}`} testId="leaderboard-card">
            {board.error && <ErrorBox error={board.error} what="Leaderboard" />}
            {board.isPending ? (
              <Loading what="leaderboard" />
            ) : rows.length === 0 ? (
              board.error ? null : (
                <Empty title="No model runs this strategy">
                  Pick another strategy above, or <Link href="/models/new">add a model</Link> that runs {variant}.
                </Empty>
              )
            ) : (
              <LeaderboardTable rows={rows} sort={sort} onSort={onSort} />
            )}
          </Card>
          <VariantStandings window={window} />
        </>
      )}
    </div>
  );
}
