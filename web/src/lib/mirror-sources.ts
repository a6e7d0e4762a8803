/**
 * A mirror's status and each follower's source: the little of copy trading the arena's
 * leaderboard needs, apart from lib/mirrors.ts so the arena's bundle carries only this.
 */
import type { MirrorDetail, MirrorView } from "../api/types.ts";

export type MirrorStatus = "active" | "paused" | "deleted";

/** A deleted mirror copies nothing whatever `active` says; otherwise active or paused. */
export function mirrorStatus(m: Pick<MirrorView, "active" | "deleted">): MirrorStatus {
  return m.deleted ? "deleted" : m.active ? "active" : "paused";
}

export interface FollowerSource {
  mirrorId: string;
  sourceModelId: string;
  sourceName: string;
  status: MirrorStatus;
}

/**
 * Each follower's source, for the leaderboard: from its live mirror, or (once every mirror of it
 * was deleted) from the newest of them, since the follower's history is still that copy.
 */
export function followerSources(mirrors: readonly Pick<MirrorDetail, "id" | "sourceModelId" | "followerModelId" | "sourceName" | "active" | "deleted" | "createdAt">[]): Map<string, FollowerSource> {
  const out = new Map<string, FollowerSource & { createdAt: string }>();
  for (const m of mirrors) {
    const have = out.get(m.followerModelId);
    const better = !have || (have.status === "deleted" && (!m.deleted || m.createdAt > have.createdAt));
    if (better) out.set(m.followerModelId, { mirrorId: m.id, sourceModelId: m.sourceModelId, sourceName: m.sourceName, status: mirrorStatus(m), createdAt: m.createdAt });
  }
  return new Map([...out].map(([k, { createdAt: _c, ...v }]) => [k, v]));
}
