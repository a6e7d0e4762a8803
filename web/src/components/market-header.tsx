import type { MarketView } from "../api/types.ts";
import { fullTime, num, time, usd } from "../lib/format.ts";
import { PnlPct, Stat } from "./ui.tsx";

/** A market's touch and its move over 24 hours. */
export function MarketHeader({ market }: { market: MarketView }) {
  const p = market.priceDecimals;
  const spread = market.bid !== null && market.ask !== null ? Number(market.ask) - Number(market.bid) : null;
  return (
    <div className="stats">
      <Stat label="Bid" value={num(market.bid, p, p)} className="gain" />
      <Stat label="Ask" value={num(market.ask, p, p)} className="loss" />
      <Stat label="Mid" value={num(market.mid, p, p)} />
      <Stat label="Spread" value={spread === null ? "—" : spread.toFixed(p)} />
      <Stat label="24h change" value={<PnlPct value={market.change24hPct} />} title={market.open24h ? `from ${usd(market.open24h, { places: p })}` : "no history yet"} />
      <Stat label="Updated" value={time(market.updatedAt)} title={fullTime(market.updatedAt)} />
    </div>
  );
}
