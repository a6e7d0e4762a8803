import { Link } from "wouter";
import { useMarkets } from "../api/queries.ts";
import type { MarketView } from "../api/types.ts";
import { change24h } from "../lib/arena-ticker.ts";
import { num, pct, pnlClass } from "../lib/format.ts";
import { ErrorBox } from "./ui.tsx";

function TickerItem({ market }: { market: MarketView }) {
  const change = change24h(market);
  const places = market.priceDecimals;
  return (
    <Link href={`/markets/${encodeURIComponent(market.symbol)}`} className="ticker-item" data-symbol={market.symbol}>
      <span className="ticker-head">
        <strong>{market.symbol}</strong>
        <span className={`num ${pnlClass(change)}`} title="Change of the mid over 24 hours">
          {pct(change, { signed: true })}
        </span>
      </span>
      <span className="ticker-mid num">{num(market.mid, places, places)}</span>
      <span className="ticker-touch num muted small">
        <span title="Bid">{num(market.bid, places, places)}</span>
        {" / "}
        <span title="Ask">{num(market.ask, places, places)}</span>
      </span>
    </Link>
  );
}

/**
 * Every market's quote: mid, bid / ask and the 24-hour change. Market ticks patch the markets
 * query in place (live provider), so the figures move without refetching.
 */
export function Ticker() {
  const markets = useMarkets();
  return (
    <div className="ticker" data-testid="ticker" aria-label="Markets">
      {markets.error && !markets.data ? (
        <ErrorBox error={markets.error} what="Markets" />
      ) : !markets.data ? (
        <span className="muted small">Loading markets…</span>
      ) : markets.data.length === 0 ? (
        <span className="muted small">No markets: the feed has not reported any yet.</span>
      ) : (
        markets.data.map((m) => <TickerItem key={m.symbol} market={m} />)
      )}
    </div>
  );
}
