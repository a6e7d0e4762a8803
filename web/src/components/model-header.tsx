import type { ReactNode } from "react";
import { Link } from "wouter";
import type { ModelView } from "../api/types.ts";
import { useStrategies } from "../api/queries.ts";
import { strategyLabel } from "../lib/strategy-names.ts";
import { fullTime, time } from "../lib/format.ts";
import { StatusBadge } from "./status-badge.tsx";
import { VenueBadge } from "./venue-badge.tsx";

/** The model's name, what it is, its state and venue, and the controls beside them. */
export function ModelHeader({ model, actions }: { model: ModelView; actions: ReactNode }) {
  const strategies = useStrategies();
  return (
    <div className="model-header">
      <div>
        <div className="muted small">
          <Link href="/">Arena</Link> / model
        </div>
        <h1>
          {model.name} <StatusBadge status={model.status} reason={model.haltReason} /> <VenueBadge venue={model.venue} />
        </h1>
        <div className="row muted small">
          <span className="badge">{model.kind}</span>
          <span data-testid="model-strategy">strategy {strategyLabel(model.strategy, strategies.data)}</span>
          {model.llm && (
            <span>
              {model.llm.model} at {model.llm.baseUrl}
            </span>
          )}
          {model.kind === "follow" && (
            <Link href={`/follow/${encodeURIComponent(model.id)}`} data-testid="model-follow-link">
              its wallets and signals →
            </Link>
          )}
          <span title={fullTime(model.createdAt)}>created {time(model.createdAt)}</span>
        </div>
      </div>
      {actions}
    </div>
  );
}
