import { useEffect, useMemo, useState } from "react";
import { useMarkets, useModels, useRecentEvents, useScheduler } from "../api/queries.ts";
import { useLiveEvents } from "../live/live-provider.tsx";
import { filterRows, isSnapshot, mergeHistory, prependRows, toFeedRow, type FeedFilter, type FeedRow } from "../lib/live-feed.ts";
import { duration } from "../lib/format.ts";
import { Card, Empty } from "../components/ui.tsx";
import { LiveFeedItem } from "../components/live-feed-item.tsx";
import { LiveFeedControls } from "../components/live-feed-controls.tsx";

/** Rows kept (and held while paused): enough for a long look back without slowing the page. */
const MAX_ROWS = 500;

/**
 * Everything that streams, newest first: orders, positions, account changes, finished
 * decisions and copy-trading executions. It opens with the latest events from the server's
 * history, then adds what streams.
 */
export function LivePage() {
  const models = useModels();
  const markets = useMarkets();
  const scheduler = useScheduler();
  const [rows, setRows] = useState<FeedRow[]>([]);
  const [held, setHeld] = useState<FeedRow[]>([]);
  const [paused, setPaused] = useState(false);
  const [snapshots, setSnapshots] = useState(false);
  const [filter, setFilter] = useState<FeedFilter>({ modelId: "", symbol: "" });
  const history = useRecentEvents(MAX_ROWS);

  useEffect(() => {
    if (!history.data) return;
    const past = history.data.map((e) => toFeedRow(e, new Date(e.at))).filter((r): r is FeedRow => r !== null);
    setRows((r) => mergeHistory(r, past, MAX_ROWS));
  }, [history.data]);

  useLiveEvents((e) => {
    const row = toFeedRow(e, new Date());
    if (!row || (!snapshots && isSnapshot(row))) return;
    if (paused) setHeld((h) => prependRows(h, [row], MAX_ROWS));
    else setRows((r) => prependRows(r, [row], MAX_ROWS));
  });

  const pause = (on: boolean) => {
    setPaused(on);
    if (!on) {
      setRows((r) => prependRows(r, held, MAX_ROWS));
      setHeld([]);
    }
  };

  const names = useMemo(() => new Map((models.data ?? []).map((m) => [m.id, m.name])), [models.data]);
  const symbols = useMemo(() => {
    const set = new Set((markets.data ?? []).map((m) => m.symbol));
    for (const r of rows) if (r.symbol) set.add(r.symbol);
    return [...set].sort();
  }, [markets.data, rows]);
  const shown = filterRows(snapshots ? rows : rows.filter((r) => !isSnapshot(r)), filter);
  const interval = scheduler.data ? duration(scheduler.data.intervalMs) : "a few minutes";

  return (
    <div className="stack">
      <h1>Live feed</h1>
      <Card
        title={
          <>
            Events <span className="muted small">({shown.length === rows.length ? rows.length : `${shown.length} of ${rows.length}`}, newest first)</span>
          </>
        }
      >
        <LiveFeedControls
          filter={filter}
          onFilter={setFilter}
          models={models.data ?? []}
          symbols={symbols}
          paused={paused}
          held={held.length}
          onPause={pause}
          snapshots={snapshots}
          onSnapshots={setSnapshots}
        />
        {paused && (
          <div className="feed-paused small">Paused: {held.length === 0 ? "new events are held back until you resume." : `${held.length} new event${held.length === 1 ? "" : "s"} held back.`}</div>
        )}
        <ol className="feed" data-testid="live-feed">
          {shown.map((r) => (
            <LiveFeedItem key={r.id} row={r} modelName={r.modelId ? names.get(r.modelId) : undefined} />
          ))}
        </ol>
        {rows.length === 0 ? (
          <Empty title="Waiting for events">
            Orders, fills, positions opened and closed (with their P&amp;L), rejections, each model&apos;s finished decisions and copy-trading executions appear here as they happen. The models run
            every {interval}
            {scheduler.data && !scheduler.data.enabled ? " when the scheduler is enabled (it is off now)" : ""}; you can also run a cycle now on the Health page.
          </Empty>
        ) : (
          shown.length === 0 && <Empty title="No events match the filter">Choose &quot;All models&quot; and &quot;All symbols&quot; to see every event.</Empty>
        )}
      </Card>
    </div>
  );
}
