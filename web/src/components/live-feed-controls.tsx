import type { FeedFilter } from "../lib/live-feed.ts";

/** The feed's filters (model, symbol), snapshot toggle and pause button. */
export function LiveFeedControls({
  filter,
  onFilter,
  models,
  symbols,
  paused,
  held,
  onPause,
  snapshots,
  onSnapshots,
}: {
  filter: FeedFilter;
  onFilter: (f: FeedFilter) => void;
  models: ReadonlyArray<{ id: string; name: string }>;
  symbols: readonly string[];
  paused: boolean;
  held: number;
  onPause: (paused: boolean) => void;
  snapshots: boolean;
  onSnapshots: (on: boolean) => void;
}) {
  return (
    <div className="row feed-controls">
      <label className="row">
        <span className="muted small">Model</span>
        <select value={filter.modelId} onChange={(e) => onFilter({ ...filter, modelId: e.target.value })}>
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      <label className="row">
        <span className="muted small">Symbol</span>
        <select value={filter.symbol} onChange={(e) => onFilter({ ...filter, symbol: e.target.value })}>
          <option value="">All symbols</option>
          {symbols.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="row small" title="Accounts record their equity every few seconds; these snapshots are hidden by default.">
        <input type="checkbox" checked={snapshots} onChange={(e) => onSnapshots(e.target.checked)} />
        equity snapshots
      </label>
      <span className="spacer" />
      <button type="button" className={paused ? "primary" : ""} onClick={() => onPause(!paused)} aria-pressed={paused}>
        {paused ? `Resume${held > 0 ? ` (${held} new)` : ""}` : "Pause"}
      </button>
    </div>
  );
}
