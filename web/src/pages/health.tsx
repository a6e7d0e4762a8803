import { useMemo } from "react";
import { useFailures, useHealth, useModels } from "../api/queries.ts";
import { Card, ErrorBox, Loading } from "../components/ui.tsx";
import { HealthSystem } from "../components/health-system.tsx";
import { HealthScheduler } from "../components/health-scheduler.tsx";
import { HealthFailureRates } from "../components/health-failure-rates.tsx";
import { HealthFailures } from "../components/health-failures.tsx";
import { HealthFeedMarkets } from "../components/health-feed-markets.tsx";
import { LiveTrading } from "../components/live-trading.tsx";

/**
 * Is the system well: server, live trading and its kill switch, Lighter's feed per market (when
 * it is the feed), scheduler, and which models fail how often and why.
 */
export function HealthPage() {
  const models = useModels();
  const failures = useFailures(undefined, 50);
  const health = useHealth();
  const names = useMemo(() => new Map((models.data ?? []).map((m) => [m.id, m.name])), [models.data]);
  return (
    <div className="stack">
      <h1>Health</h1>
      <Card title="Server">
        <HealthSystem />
      </Card>
      <div id="live-trading">
        <Card title="Live trading" testId="live-trading">
          <LiveTrading />
        </Card>
      </div>
      {health.data?.feed.kind === "lighter" && (
        <Card title="Market feed: Lighter" testId="feed-card">
          <HealthFeedMarkets />
        </Card>
      )}
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
