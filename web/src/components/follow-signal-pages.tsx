import { useState } from "react";
import { usePredictionMarketNames, useSignalPages, useSignalSummary } from "../api/queries.ts";
import { summaryCounts } from "../lib/follow.ts";
import { FollowBreakdown } from "./follow-breakdown.tsx";
import { FollowSignals } from "./follow-signals.tsx";
import { Card, ErrorBox, Loading, Segmented } from "./ui.tsx";

const PAGE_SIZES = ["50", "200", "1000"] as const;
type PageSize = (typeof PAGE_SIZES)[number];

/**
 * A follow model's signals: every one counted (the API's summary: copied, skipped by reason,
 * pending, late), then the newest, a page at a time, with a button for the page before. New
 * decisions arrive by the event stream (no polling).
 */
export function FollowSignalPages({ modelId }: { modelId: string }) {
  const [size, setSize] = useState<PageSize>("50");
  const summary = useSignalSummary(modelId);
  const pages = useSignalPages(modelId, Number(size));
  const rows = pages.data?.pages.flat() ?? [];
  const markets = usePredictionMarketNames(rows.length > 0);
  return (
    <Card title="Signals" actions={<Segmented label="How many signals a page shows" value={size} options={PAGE_SIZES} onChange={setSize} />}>
      <div className="stack">
        {summary.isError ? <ErrorBox error={summary.error} what="Signal totals" /> : summary.data ? <FollowBreakdown counts={summaryCounts(summary.data)} /> : null}
        {pages.isPending ? (
          <Loading what="signals" />
        ) : pages.isError && rows.length === 0 ? (
          <ErrorBox error={pages.error} what="Signals" />
        ) : (
          <>
            <FollowSignals signals={rows} markets={markets.data} />
            {pages.isFetchNextPageError && <ErrorBox error={pages.error} what="Older signals" />}
            {pages.hasNextPage && (
              <button type="button" className="ft-older" data-testid="ft-older" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                {pages.isFetchingNextPage ? "Loading…" : `Load ${size} older`}
              </button>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
