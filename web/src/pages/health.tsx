import { useMemo } from "react";
import { useFailures, useModels } from "../api/queries.ts";
import { Card, ErrorBox, Loading } from "../components/ui.tsx";
import { HealthSystem } from "../components/health-system.tsx";
import { HealthScheduler } from "../components/health-scheduler.tsx";
import { HealthFailureRates } from "../components/health-failure-rates.tsx";
import { HealthFailures } from "../components/health-failures.tsx";

/** Is the system well: server, scheduler, and which models fail how often and why. */
export function HealthPage() {
  const models = useModels();
  const failures = useFailures(undefined, 50);
  const names = useMemo(() => new Map((models.data ?? []).map((m) => [m.id, m.name])), [models.data]);
  return (
    <div className="stack">
      <h1>Health</h1>
      <Card title="Server">
        <HealthSystem />
      </Card>
      <Card title="Scheduler">
        <HealthScheduler />
      </Card>
      <Card title="Failure rates">{models.isPending ? <Loading what="models" /> : models.isError ? <ErrorBox error={models.error} what="Models" /> : <HealthFailureRates models={models.data} />}</Card>
      <Card title="Recent failures">
        {failures.isPending ? <Loading what="failures" /> : failures.isError ? <ErrorBox error={failures.error} what="Failures" /> : <HealthFailures failures={failures.data} names={names} />}
      </Card>
    </div>
  );
}
