import { useMemo } from "react";
import { Link } from "wouter";
import { useLiveStatus, useModels } from "../api/queries.ts";
import type { LeaderboardRow } from "../api/types.ts";
import { liveVenues, venueOf, type VenueLike } from "../lib/venue.ts";

export interface RowLive {
  /** A row's venue; undefined until live trading's status is known. */
  venueOf: (modelId: string) => VenueLike | undefined;
  /** Why each halted row is halted, by model id. */
  haltReasons: ReadonlyMap<string, string>;
}

/**
 * What the leaderboard's rows do not carry: each model's venue (from `GET /api/live`, which lists
 * every Lighter model) and, only while a row is halted, its reason (from the models). The venues
 * are built once per answer, so a memoized row is not drawn again when only the order changes.
 */
export function useRowLive(rows: readonly LeaderboardRow[]): RowLive {
  const live = useLiveStatus();
  const anyHalted = rows.some((r) => r.status === "halted");
  const models = useModels(anyHalted);
  const venueOfRow = useMemo(() => {
    const status = live.data;
    const venues = liveVenues(status);
    return (id: string) => venueOf(id, status, venues);
  }, [live.data]);
  const haltReasons = useMemo(() => new Map((anyHalted ? (models.data ?? []) : []).filter((m) => m.haltReason).map((m) => [m.id, m.haltReason!])), [anyHalted, models.data]);
  return { venueOf: venueOfRow, haltReasons };
}

/** Above the leaderboard while a model is halted: which, why, and where a person resolves it. */
export function HaltedModels({ rows, haltReasons }: { rows: readonly LeaderboardRow[]; haltReasons: ReadonlyMap<string, string> }) {
  const halted = rows.filter((r) => r.status === "halted");
  if (halted.length === 0) return null;
  return (
    <div className="halt-notice" data-testid="halted-models">
      <strong>
        {halted.length === 1 ? "1 model is halted" : `${halted.length} models are halted`}: its exchange and the database disagree, and nothing trades for it until a person resolves it on its page.
      </strong>
      <ul>
        {halted.map((r) => (
          <li key={r.id} data-model-id={r.id}>
            <Link href={`/models/${encodeURIComponent(r.id)}`}>{r.name}</Link>: {haltReasons.get(r.id) ?? "…"}
          </li>
        ))}
      </ul>
    </div>
  );
}
