import { useExecutionAudit } from "../api/queries.ts";
import type { AuditWindow } from "../api/types.ts";
import { ratioPct } from "../lib/format.ts";
import { countSummary } from "../lib/mirrors.ts";
import { Card, Empty, ErrorBox, Loading } from "./ui.tsx";

/** The execution audit across every mirror: what the outcomes add up to, and its plain-language advice. */
export function MirrorAudit({ window }: { window: AuditWindow }) {
  const q = useExecutionAudit(window);
  return (
    <Card title={`Recommendations (all mirrors, ${window === "all" ? "all time" : `last ${window}`})`} testId="mirror-audit" className="span-all">
      {q.isPending ? (
        <Loading what="the audit" />
      ) : q.isError ? (
        <ErrorBox error={q.error} what="Execution audit" />
      ) : (
        <>
          <div className="muted small">
            {countSummary(q.data.counts)}
            {q.data.fillRate !== null && <>; fill rate {ratioPct(q.data.fillRate)}</>}
          </div>
          {q.data.recommendations.length > 0 ? (
            <ul className="mirror-recommendations" data-testid="mirror-recommendations">
              {q.data.recommendations.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : q.data.counts.signals === 0 ? (
            <Empty title="Nothing to judge yet">Advice is drawn from the executions: it appears once the sources trade and their changes are copied.</Empty>
          ) : (
            <Empty title="Nothing to change">The signals in this window were copied, or the few that were not give no pattern to act on.</Empty>
          )}
        </>
      )}
    </Card>
  );
}
