import { useState } from "react";
import { useDecisionHistory } from "../api/queries.ts";
import { ModelAutoClose } from "./model-auto-close.tsx";
import { ModelDecision } from "./model-decision.tsx";
import { ModelPager } from "./model-pager.tsx";
import { Card, Empty, ErrorBox, Loading } from "./ui.tsx";

const PAGE = 20;

/** The model's runs, newest first: its text, each tool call and every rejection; and the positions the system closed for it, with why. */
export function ModelDecisions({ modelId }: { modelId: string }) {
  const [offset, setOffset] = useState(0);
  const q = useDecisionHistory(modelId, PAGE, offset);
  const rows = q.data ?? [];
  return (
    <Card title="Decisions" className="span-all" actions={<ModelPager offset={offset} pageSize={PAGE} shown={rows.length} onOffset={setOffset} what="Decisions" />}>
      {q.isPending ? (
        <Loading what="decisions" />
      ) : q.error ? (
        <ErrorBox error={q.error} what="Decisions" />
      ) : (
        <>
          {rows.length === 0 &&
            (offset === 0 ? (
              <Empty title="No decisions yet">The model decides on each scheduler cycle while it is active; its next run appears here as soon as it finishes.</Empty>
            ) : (
              <Empty title="No older decisions">Go back to newer ones.</Empty>
            ))}
          <ol className="model-decisions" data-testid="decisions">
            {rows.map((entry) => (entry.kind === "close" ? <ModelAutoClose key={`close-${entry.id}`} close={entry} /> : <ModelDecision key={entry.id} invocation={entry} />))}
          </ol>
        </>
      )}
    </Card>
  );
}
