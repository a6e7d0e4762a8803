import { useCandles } from "../api/queries.ts";
import type { PredictionMarketView } from "../api/types.ts";
import type { ChartMarker } from "../lib/market-markers.ts";
import { tickDecimals } from "../lib/prediction.ts";
import { MarketChart } from "./market-chart.tsx";
import { PredictionBook } from "./prediction-book.tsx";
import { PredictionPrice } from "./prediction-price.tsx";
import { Card, Empty, ErrorBox } from "./ui.tsx";

type Outcome = PredictionMarketView["outcomes"][number];

const NO_MARKERS: readonly ChartMarker[] = [];

/** One outcome of a market: its prices, its 1-minute candles since the market joined, and its book. */
export function PredictionOutcome({ market, outcome: o }: { market: PredictionMarketView; outcome: Outcome }) {
  const candles = useCandles(o.symbol, "1m");
  const won = market.winner === o.outcome;
  return (
    <Card
      className="pm-outcome"
      testId={`pm-outcome-${o.outcome}`}
      title={
        <>
          {o.outcome} {won && <span className="badge ok">winner</span>}
        </>
      }
      actions={
        <span className="row small pm-outcome-prices">
          <span>bid</span> <PredictionPrice price={o.bid} label={`${o.outcome} bid`} />
          <span>ask</span> <PredictionPrice price={o.ask} label={`${o.outcome} ask`} />
          <span>mid</span> <PredictionPrice price={o.mid} label={`${o.outcome} mid`} />
        </span>
      }
    >
      <div className="muted small pm-symbol">{o.symbol}</div>
      <div className="pm-chart">
        {candles.isError && <ErrorBox error={candles.error} what="Candles" />}
        <div role="img" aria-label={`${o.outcome}: price in dollars per share, 1-minute candles since the market joined`}>
          <MarketChart candles={candles.data ?? []} markers={NO_MARKERS} priceDecimals={tickDecimals(market.tickSize)} fitKey={o.symbol} />
        </div>
        {candles.data?.length === 0 && <Empty title="No candles yet">Candles start when the market joins; the first appears within a minute.</Empty>}
      </div>
      <h3 className="pm-subtitle">Order book</h3>
      {market.status !== "open" && <div className="muted small">The market stopped trading: this is the last book the feed sent, and no order reaches it.</div>}
      <PredictionBook conditionId={market.conditionId} tokenId={o.tokenId} outcome={o.outcome} />
    </Card>
  );
}
