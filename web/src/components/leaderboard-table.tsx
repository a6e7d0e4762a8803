import { memo } from "react";
import { Link } from "wouter";
import type { LeaderboardRow } from "../api/types.ts";
import type { SortKey, SortState } from "../lib/arena-sort.ts";
import { pnlClass, ratio, ratioPct, usd } from "../lib/format.ts";
import { Pnl, PnlPct } from "./ui.tsx";

interface Column {
  key: SortKey;
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
  { key: "equity", label: "Equity", num: true },
  { key: "returnPct", label: "Return", num: true, title: "Against the equity at the window's start" },
  { key: "realizedPnl", label: "Realized P&L", num: true, title: "Trades closed in the window, before fees (as the account shows it)" },
  { key: "fees", label: "Fees", num: true },
  { key: "sharpe", label: "Sharpe", num: true },
  { key: "maxDrawdown", label: "Max DD", num: true, title: "Largest fall from a peak of the curve in the window" },
  { key: "winRate", label: "Win rate", num: true },
  { key: "trades", label: "Trades", num: true, title: "Closed in the window" },
  { key: "openPositions", label: "Open", num: true, title: "Open positions now" },
];

function HeaderCell({ column, sort, onSort }: { column: Column; sort: SortState; onSort: (key: SortKey) => void }) {
  const active = sort.key === column.key;
  return (
    <th className={`sortable${column.num ? " num" : ""}${active ? " sorted" : ""}`} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"} title={column.title} scope="col">
      <button type="button" className="th-button" onClick={() => onSort(column.key)}>
        {column.label}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}
        </span>
      </button>
    </th>
  );
}

const Row = memo(function Row({ row }: { row: LeaderboardRow }) {
  return (
    <tr data-model-id={row.id}>
      <td className="num muted">{row.rank}</td>
      <td className="lb-name">
        <Link href={`/models/${encodeURIComponent(row.id)}`}>{row.name}</Link>
      </td>
      <td className="muted">{row.kind}</td>
      <td>{row.strategy}</td>
      <td>
        <span className={`badge ${row.status}`}>{row.status}</span>
      </td>
      <td className="num">{usd(row.equity)}</td>
      <td className="num">
        <PnlPct value={row.returnPct} />
      </td>
      <td className="num">
        <Pnl value={row.realizedPnl} />
      </td>
      <td className="num">{usd(row.fees)}</td>
      <td className="num">{ratio(row.sharpe)}</td>
      <td className={`num ${pnlClass(row.maxDrawdown === null ? null : -row.maxDrawdown * 100, 1)}`}>{ratioPct(row.maxDrawdown)}</td>
      <td className="num">{ratioPct(row.winRate)}</td>
      <td className="num">{row.trades}</td>
      <td className="num">{row.openPositions}</td>
    </tr>
  );
});

/** The arena's table: one row per model, every column sortable (the arrow shows the direction). */
export function LeaderboardTable({ rows, sort, onSort }: { rows: LeaderboardRow[]; sort: SortState; onSort: (key: SortKey) => void }) {
  return (
    <div className="table-wrap">
      <table data-testid="leaderboard" className="leaderboard">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <HeaderCell key={c.key} column={c} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <Row key={r.id} row={r} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
