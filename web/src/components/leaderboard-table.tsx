import { memo, useEffect, useMemo, useState, type MouseEvent } from "react";
import { useLocation } from "wouter";
import type { LeaderboardRow } from "../api/types.ts";
import type { SortKey, SortState } from "../lib/arena-sort.ts";
import { ANNUALISED_NA, pct, pnlClass, ratio, ratioPct, usd } from "../lib/format.ts";
import type { FollowerSource } from "../lib/mirror-sources.ts";
import type { VenueLike } from "../lib/venue.ts";
import { MirrorOf, useFollowerSources } from "./leaderboard-mirror.tsx";
import { HaltedModels, useRowLive } from "./leaderboard-venue.tsx";
import { StatusBadge } from "./status-badge.tsx";
import { VenueBadge } from "./venue-badge.tsx";

interface Column {
  /** "venue" is not sorted: the rows do not carry it (see leaderboard-venue.tsx). */
  key: SortKey | "venue";
  label: string;
  num?: boolean;
  title?: string;
  className?: string;
}

const COLUMNS: Column[] = [
  { key: "rank", label: "#", num: true, title: "Rank by the figure the server sorted on" },
  { key: "name", label: "Model", className: "lb-name" },
  { key: "kind", label: "Kind" },
  { key: "strategy", label: "Strategy" },
  { key: "status", label: "Status" },
  { key: "venue", label: "Venue", title: "paper: the exchange simulator; Lighter #account: real orders on Lighter" },
  { key: "equity", label: "Equity", num: true },
  { key: "returnPct", label: "Return", num: true, title: "Against the equity at the window's start" },
  { key: "realizedPnl", label: "Realized P&L", num: true, title: "Trades closed in the window, before fees (as the account shows it)" },
  { key: "fees", label: "Fees", num: true },
  { key: "sharpe", label: "Sharpe", num: true, title: `Annualised from the curve in the window; ${ANNUALISED_NA} (so never over 24h)` },
  { key: "maxDrawdown", label: "Max DD", num: true, title: "Largest fall from a peak of the curve in the window" },
  { key: "winRate", label: "Win rate", num: true },
  { key: "trades", label: "Trades", num: true, title: "Closed in the window" },
  { key: "openPositions", label: "Open", num: true, title: "Open positions now" },
];

function HeaderCell({ column, sort, onSort }: { column: Column; sort: SortState; onSort: (key: SortKey) => void }) {
  const key = column.key;
  if (key === "venue") {
    return (
      <th title={column.title} scope="col">
        {column.label}
      </th>
    );
  }
  const active = sort.key === column.key;
  return (
    <th className={`sortable${column.num ? " num" : ""}${active ? " sorted" : ""}`} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"} title={column.title} scope="col">
      <button type="button" className="th-button" onClick={() => onSort(key)}>
        {column.label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}
        </span>
      </button>
    </th>
  );
}

/**
 * One model's row: plain cells (a model's name is an ordinary link; the table navigates for it,
 * see onRowLink), so a hundred rows are a hundred small subtrees and no per-row subscriptions.
 */
const Row = memo(function Row({ row, source, venue, haltReason }: { row: LeaderboardRow; source: FollowerSource | undefined; venue: VenueLike | undefined; haltReason: string | undefined }) {
  return (
    <tr data-model-id={row.id}>
      <td className="num muted">{row.rank}</td>
      <td className="lb-name">
        <a href={`/models/${encodeURIComponent(row.id)}`}>{row.name}</a>
      </td>
      <td className="muted">{row.kind}</td>
      <td>{source ? <MirrorOf source={source} /> : row.strategy}</td>
      <td>
        <StatusBadge status={row.status} reason={haltReason} />
      </td>
      <td>{venue && <VenueBadge venue={venue} />}</td>
      <td className="num">{usd(row.equity)}</td>
      <td className={`num ${pnlClass(row.returnPct)}`}>{pct(row.returnPct, { signed: true })}</td>
      <td className={`num ${pnlClass(row.realizedPnl)}`}>{usd(row.realizedPnl, { signed: true })}</td>
      <td className="num">{usd(row.fees)}</td>
      <td className="num">{ratio(row.sharpe)}</td>
      <td className={`num ${pnlClass(row.maxDrawdown === null ? null : -row.maxDrawdown * 100, 1)}`}>{ratioPct(row.maxDrawdown)}</td>
      <td className="num">{ratioPct(row.winRate)}</td>
      <td className="num">{row.trades}</td>
      <td className="num">{row.openPositions}</td>
    </tr>
  );
});

/**
 * Rows the first render draws: more than a screen holds (rows are about 35 px tall), wherever
 * the table starts. The first screen is then drawn without the rows below it.
 */
function firstScreenRows(): number {
  return Math.max(20, Math.ceil((typeof window === "undefined" ? 1000 : window.innerHeight) / 30));
}

/**
 * How many of `total` rows to draw: a screenful on the first render, every row from the task
 * after the effects (which run once the first screen is painted), so the page shows complete
 * first and the rows below it follow a frame later. Any later change of the rows draws them all.
 */
function useRowLimit(total: number): number {
  const [all, setAll] = useState(false);
  useEffect(() => {
    if (all) return;
    const timer = setTimeout(() => setAll(true), 0);
    return () => clearTimeout(timer);
  }, [all]);
  return all ? total : Math.min(total, firstScreenRows());
}

/** A click on a model's link opens its page in the app (as wouter's Link does); modified clicks stay the browser's. */
function onRowLink(navigate: (to: string) => void) {
  return (e: MouseEvent<HTMLTableSectionElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest("a") : null;
    const href = link?.getAttribute("href");
    if (!link || !href?.startsWith("/") || link.target) return;
    e.preventDefault();
    navigate(href);
  };
}

/** The arena's table: one row per model, every column but the venue sortable (the arrow shows the direction); halted models named above it. */
export function LeaderboardTable({ rows, sort, onSort }: { rows: LeaderboardRow[]; sort: SortState; onSort: (key: SortKey) => void }) {
  const limit = useRowLimit(rows.length);
  const [, navigate] = useLocation();
  const onClick = useMemo(() => onRowLink(navigate), [navigate]);
  const sources = useFollowerSources(rows);
  const { venueOf, haltReasons } = useRowLive(rows);
  return (
    <>
      <HaltedModels rows={rows} haltReasons={haltReasons} />
      <div className="table-wrap">
        <table data-testid="leaderboard" className="leaderboard">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <HeaderCell key={c.key} column={c} sort={sort} onSort={onSort} />
              ))}
            </tr>
          </thead>
          <tbody onClick={onClick}>
            {(limit < rows.length ? rows.slice(0, limit) : rows).map((r) => (
              <Row key={r.id} row={r} source={sources.get(r.id)} venue={venueOf(r.id)} haltReason={haltReasons.get(r.id)} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
