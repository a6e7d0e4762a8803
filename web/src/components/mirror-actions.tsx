import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import type { MirrorDetail } from "../api/types.ts";
import { mirrorStatus } from "../lib/mirrors.ts";
import { ConfirmButton, ErrorBox } from "./ui.tsx";

type Action = "toggle" | "delete";

/**
 * Pause or resume a mirror (PATCH {active}); with `remove`, delete it too. Writes ask for the
 * API token when the server wants one, as every action does (api/client.ts `send`).
 */
export function MirrorActions({ mirror, remove = false, compact = false }: { mirror: MirrorDetail; remove?: boolean; compact?: boolean }) {
  const client = useQueryClient();
  const [pending, setPending] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const status = mirrorStatus(mirror);
  if (status === "deleted") return null;
  const path = `/mirrors/${encodeURIComponent(mirror.id)}`;

  const act = async (action: Action, run: () => Promise<MirrorDetail>, said: (m: MirrorDetail) => string) => {
    setPending(action);
    setError(null);
    setNotice(null);
    try {
      const updated = await run();
      client.setQueryData(["mirrors", mirror.id], updated);
      client.setQueryData<MirrorDetail[]>(["mirrors"], (old) => old?.map((m) => (m.id === updated.id ? updated : m)));
      setNotice(said(updated));
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
      await client.invalidateQueries({ predicate: (q) => ["mirrors", "mirror-sources"].includes(String(q.queryKey[0])) });
    }
  };

  const active = status === "active";
  const toggle = () =>
    act(
      "toggle",
      () => send<MirrorDetail>("PATCH", path, { active: !active }),
      (m) => (m.active ? "Resumed: the source's next changes are copied." : "Paused: signals are recorded as skipped (mirror paused) until it is resumed."),
    );
  const del = () =>
    act(
      "delete",
      () => send<MirrorDetail>("DELETE", path),
      () => "Deleted: nothing more is copied; the follower keeps its account and positions.",
    );

  return (
    <div className="mirror-actions">
      <div className="row">
        <button
          type="button"
          data-testid="mirror-toggle"
          className={active ? (compact ? "small" : "") : compact ? "small primary" : "primary"}
          disabled={pending !== null}
          onClick={() => void toggle()}
          title={active ? "Stop copying the source's trades (signals are recorded as skipped)" : "Copy the source's trades again"}
        >
          {pending === "toggle" ? (active ? "Pausing…" : "Resuming…") : active ? "Pause" : "Resume"}
        </button>
        {remove && (
          <ConfirmButton className="danger" confirm="Stop this mirror for good? The follower keeps its positions." onConfirm={() => void del()} disabled={pending !== null}>
            {pending === "delete" ? "Deleting…" : "Delete"}
          </ConfirmButton>
        )}
      </div>
      {error !== null && <ErrorBox error={error} what="Action failed" />}
      {notice && !compact && <div className="muted small">{notice}</div>}
    </div>
  );
}
