import { Link } from "wouter";
import { ApiError } from "../api/client.ts";
import { useModel } from "../api/queries.ts";
import { ModelAccount } from "../components/model-account.tsx";
import { ModelActions } from "../components/model-actions.tsx";
import { ModelAnalytics } from "../components/model-analytics.tsx";
import { ModelDecisions } from "../components/model-decisions.tsx";
import { ModelEquity } from "../components/model-equity.tsx";
import { ModelHeader } from "../components/model-header.tsx";
import { ModelLive } from "../components/model-live.tsx";
import { ModelPositions } from "../components/model-positions.tsx";
import { ModelRiskLimits, ModelRunStats } from "../components/model-risk.tsx";
import { ModelTrades } from "../components/model-trades.tsx";
import { Empty, ErrorBox, Loading } from "../components/ui.tsx";

/**
 * One model in full: account, performance, positions, trades, decisions, limits, and its controls;
 * a live model's account and link, and a halted one's reason and way out, above them.
 */
export function ModelPage({ id }: { id: string }) {
  const q = useModel(id);
  if (q.isPending) return <Loading what="the model" />;
  if (!q.data) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <Empty title="This model does not exist">
          No model has the id “{id}”. Go back to the <Link href="/">arena</Link> to pick one.
        </Empty>
      );
    }
    return (
      <>
        <ErrorBox error={q.error} what="The model could not be loaded" />
        <p>
          <Link href="/">Back to the arena</Link>
        </p>
      </>
    );
  }
  const model = q.data;
  return (
    <div className="model-page stack">
      <ModelHeader model={model} actions={<ModelActions model={model} />} />
      {q.error && <ErrorBox error={q.error} what="Showing the last figures; refreshing failed" />}
      {(model.venue.kind !== "sim" || model.status === "halted") && <ModelLive key={model.id} model={model} />}
      <div className="grid model-grid">
        <ModelAccount model={model} />
        <ModelEquity model={model} />
        <ModelPositions modelId={model.id} />
        <ModelAnalytics id={model.id} />
        <div className="stack">
          <ModelRunStats model={model} />
          <ModelRiskLimits model={model} />
        </div>
        <ModelTrades modelId={model.id} />
        <ModelDecisions modelId={model.id} />
      </div>
    </div>
  );
}
