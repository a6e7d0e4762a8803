import { useState } from "react";
import { Link } from "wouter";
import { useMirror, useMirrorMetrics, useMirrors } from "../api/queries.ts";
import type { AuditWindow } from "../api/types.ts";
import { Card, Empty, ErrorBox, Loading, Segmented } from "../components/ui.tsx";
import { MirrorList } from "../components/mirror-list.tsx";
import { MirrorHeader } from "../components/mirror-header.tsx";
import { MirrorMetricsView } from "../components/mirror-metrics.tsx";
import { MirrorExecutions } from "../components/mirror-executions.tsx";
import { MirrorAudit } from "../components/mirror-audit.tsx";
import { ApiError } from "../api/client.ts";

const WINDOWS: readonly AuditWindow[] = ["1h", "24h", "7d", "30d", "all"];

/** One mirror: its settings and actions, its figures over a window, its live executions, and the audit's advice. */
function MirrorView({ id, window, onWindow }: { id: string; window: AuditWindow; onWindow: (w: AuditWindow) => void }) {
  const mirror = useMirror(id);
  const metrics = useMirrorMetrics(id, window);
  if (mirror.isPending) return <Loading what="the mirror" />;
  if (mirror.isError) {
    return mirror.error instanceof ApiError && mirror.error.status === 404 ? (
      <Empty title="No such mirror">
        Mirror {id} does not exist. Choose one from the list above, or go <Link href="/mirrors">back to the mirrors</Link>.
      </Empty>
    ) : (
      <ErrorBox error={mirror.error} what="Mirror" />
    );
  }
  return (
    <>
      <MirrorHeader mirror={mirror.data} />
      <div className="row mirror-window">
        <h2>Figures</h2>
        <Segmented label="Window" value={window} options={WINDOWS} onChange={onWindow} />
      </div>
      {metrics.isPending ? <Loading what="the figures" /> : metrics.isError ? <ErrorBox error={metrics.error} what="Figures" /> : <MirrorMetricsView metrics={metrics.data} />}
      <MirrorExecutions mirrorId={id} />
      <MirrorAudit window={window} />
    </>
  );
}

/**
 * Copy trading: every mirror (source → follower) with pause/resume; with one chosen
 * (`/mirrors/:id`), its figures, its live executions and the audit's recommendations.
 */
export function MirrorsPage({ id }: { id?: string }) {
  const list = useMirrors();
  const [window, setWindow] = useState<AuditWindow>("24h");
  return (
    <div className="stack mirrors-page">
      <h1>Copy trading</h1>
      <Card title={`Mirrors${list.data ? ` (${list.data.length})` : ""}`}>
        {list.isPending ? <Loading what="mirrors" /> : list.isError ? <ErrorBox error={list.error} what="Mirrors" /> : <MirrorList mirrors={list.data} selected={id} />}
      </Card>
      {id === undefined ? (
        <>
          {list.data && list.data.length > 0 && <div className="muted small">Choose a mirror for its outcomes, latency, slippage, tracking and live executions.</div>}
          <MirrorAudit window={window} />
        </>
      ) : (
        <MirrorView key={id} id={id} window={window} onWindow={setWindow} />
      )}
    </div>
  );
}
