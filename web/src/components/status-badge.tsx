import type { ModelView } from "../api/types.ts";

/** A model's status; a halted one says why on hover (its page says it in full). */
export function StatusBadge({ status, reason }: { status: ModelView["status"]; reason?: string | null }) {
  const title = status === "halted" ? `Halted: ${reason ?? "its exchange and the database disagree"}. Nothing trades until a person resolves it.` : undefined;
  return (
    <span className={`badge ${status}`} title={title} data-testid="model-status">
      {status}
    </span>
  );
}
