import { useMemo, useState } from "react";
import { Link } from "wouter";
import { useBook, useCandles, useMarkets, useMarketTrades, useModels, usePositions, useTrades } from "../api/queries.ts";
import type { MarketView } from "../api/types.ts";
import { tradeMarkers } from "../lib/market-markers.ts";
import { Card, Empty, ErrorBox, Loading, Segmented } from "../components/ui.tsx";
import { MarketList } from "../components/market-list.tsx";
import { MarketHeader } from "../components/market-header.tsx";
import { MarketChart } from "../components/market-chart.tsx";
import { MarketBook } from "../components/market-book.tsx";
import { MarketTrades } from "../components/market-trades.tsx";

type Interval = "1m" | "5m" | "1h";
const INTERVALS: readonly Interval[] = ["1m", "5m", "1h"];
const INTERVAL_SEC: Record<Interval, number> = { "1m": 60, "5m": 300, "1h": 3600 };

/** A malformed escape in the address ("%E0") is shown as typed rather than crashing the page. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `/markets`: the list; `/markets/:symbol`: one market's chart, book and prints. */
export function MarketsPage({ symbol }: { symbol?: string }) {
  const markets = useMarkets();
  if (markets.isPending) return <Loading what="markets" />;
  if (markets.isError) return <ErrorBox error={markets.error} what="Markets" />;
  if (!symbol) {
    return (
      <div className="stack">
        <h1>Markets</h1>
        <Card>{markets.data.length === 0 ? <Empty title="No markets">The server trades no markets; check its feed configuration (AUTONOME_FEED).</Empty> : <MarketList markets={markets.data} />}</Card>
      </div>
    );
  }
  const wanted = safeDecode(symbol).toUpperCase();
  const market = markets.data.find((m) => m.symbol === wanted);
  if (!market) {
    return (
      <Empty title={`No market "${wanted}"`}>
        This server does not trade {wanted}. Markets here:{" "}
        {markets.data.map((m, i) => (
          <span key={m.symbol}>
            {i > 0 && ", "}
            <Link href={`/markets/${encodeURIComponent(m.symbol)}`}>{m.symbol}</Link>
          </span>
        ))}
        .
      </Empty>
    );
  }
  return <MarketDetail market={market} />;
}

function MarketDetail({ market }: { market: MarketView }) {
  const [interval, setCandleInterval] = useState<Interval>("5m");
  const { symbol, priceDecimals, sizeDecimals } = market;
  const candles = useCandles(symbol, interval);
  const book = useBook(symbol, 15);
  const prints = useMarketTrades(symbol);
  const trades = useTrades(undefined, 200);
  const positions = usePositions();
  const models = useModels();

  const markers = useMemo(() => {
    const list = candles.data ?? [];
    const first = list[0];
    const last = list.at(-1);
    const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    return tradeMarkers({
      symbol,
      trades: trades.data ?? [],
      positions: positions.data ?? [],
      names: new Map((models.data ?? []).map((m) => [m.id, m.name])),
      intervalSec: INTERVAL_SEC[interval],
      range: first && last ? { from: sec(first.openTime), to: sec(last.openTime) } : null,
    });
  }, [candles.data, trades.data, positions.data, models.data, symbol, interval]);

  return (
    <div className="stack">
      <div className="row">
        <h1>{symbol}</h1>
        <span className="spacer" />
        <Link href="/markets">All markets</Link>
      </div>
      <Card>
        <MarketHeader market={market} />
      </Card>
      <Card title="Price" actions={<Segmented label="Candle interval" value={interval} options={INTERVALS} onChange={setCandleInterval} />}>
        {candles.isError && <ErrorBox error={candles.error} what="Candles" />}
        <MarketChart candles={candles.data ?? []} markers={markers} priceDecimals={priceDecimals} fitKey={`${symbol}:${interval}`} />
        {candles.isPending && <Loading what="candles" />}
        {candles.data?.length === 0 && <Empty title="No candles yet">Candles build up as the feed moves the price; the first appears within a minute.</Empty>}
        <div className="chart-legend muted">
          <span>
            <span className="gain">▲</span> long entry
          </span>
          <span>
            <span className="loss">▼</span> short entry
          </span>
          <span>● exit with its P&amp;L (net of fees)</span>
          <span>times in your time zone</span>
        </div>
        {(trades.isError || positions.isError) && <ErrorBox error={trades.error ?? positions.error} what="The models' trades for the markers" />}
      </Card>
      <div className="grid">
        <Card title="Order book">
          {book.isPending ? (
            <Loading what="the book" />
          ) : book.isError ? (
            <ErrorBox error={book.error} what="Order book" />
          ) : (
            <MarketBook book={book.data} priceDecimals={priceDecimals} sizeDecimals={sizeDecimals} />
          )}
        </Card>
        <Card title="Recent trades">
          {prints.isPending ? (
            <Loading what="trades" />
          ) : prints.isError ? (
            <ErrorBox error={prints.error} what="Recent trades" />
          ) : (
            <MarketTrades trades={prints.data} priceDecimals={priceDecimals} sizeDecimals={sizeDecimals} />
          )}
        </Card>
      </div>
    </div>
  );
}
