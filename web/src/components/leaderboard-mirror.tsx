import { useMemo } from "react";
import { useMirrorSources } from "../api/queries.ts";
import type { LeaderboardRow } from "../api/types.ts";
import { followerSources, type FollowerSource } from "../lib/mirror-sources.ts";

const NONE: ReadonlyMap<string, FollowerSource> = new Map();

/**
 * Each follower's source among the leaderboard's rows (followers are models of kind "mirror").
 * Nothing is asked of the server while the table shows no follower.
 */
export function useFollowerSources(rows: readonly LeaderboardRow[]): ReadonlyMap<string, FollowerSource> {
  const ids = useMemo(
    () =>
      rows
        .filter((r) => r.kind === "mirror")
        .map((r) => r.id)
        .sort(),
    [rows],
  );
  const q = useMirrorSources(ids);
  return useMemo(() => (ids.length === 0 || !q.data ? NONE : followerSources(q.data)), [ids.length, q.data]);
}

/** A follower's strategy cell: "mirror of <source>", linking to the mirror, so the two rows are easy to compare. */
export function MirrorOf({ source }: { source: FollowerSource }) {
  return (
    <a href={`/mirrors/${encodeURIComponent(source.mirrorId)}`} className="lb-mirror-of" title={`Copies ${source.sourceName}'s trades (mirror ${source.status}); open the mirror`}>
      mirror of {source.sourceName}
    </a>
  );
}
