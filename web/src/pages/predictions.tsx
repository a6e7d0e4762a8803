import { Link } from "wouter";
import { usePredictionMarkets } from "../api/queries.ts";
import { PredictionDetail } from "../components/prediction-detail.tsx";
import { PredictionList } from "../components/prediction-list.tsx";
import { Card, Empty, ErrorBox, Loading } from "../components/ui.tsx";
import "../components/predictions.css";

/** `/predictions`: every prediction market with its prices; `/predictions/:conditionId`: one market. */
export function PredictionsPage({ conditionId }: { conditionId?: string }) {
  const markets = usePredictionMarkets();
  if (markets.isPending) return <Loading what="prediction markets" />;
  if (markets.isError) return <ErrorBox error={markets.error} what="Prediction markets" />;
  if (!conditionId) {
    return (
      <div className="stack" data-testid="pm-page">
        <h1>Prediction markets</h1>
        {markets.data.length === 0 ? (
          <Card>
            <Empty title="No prediction markets">
              The prediction feed has listed none: it is off (<code>AUTONOME_PM_FEED=off</code>) or has not started. With <code>AUTONOME_PM_FEED=synthetic</code> (the default) four markets open at
              start.
            </Empty>
          </Card>
        ) : (
          <PredictionList markets={markets.data} />
        )}
      </div>
    );
  }
  const wanted = conditionId.toLowerCase();
  const market = markets.data.find((m) => m.conditionId.toLowerCase() === wanted);
  if (!market) {
    return (
      <Empty title="No such prediction market">
        This server lists no market {conditionId}. See <Link href="/predictions">all prediction markets</Link>.
      </Empty>
    );
  }
  return <PredictionDetail market={market} />;
}
