import { Link } from "wouter";
import type { MarketView } from "../api/types.ts";
import { num, time } from "../lib/format.ts";
import { PnlPct } from "./ui.tsx";

/** Every market with its touch, each linking to its page. */
export function MarketList({ markets }: { markets: readonly MarketView[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="markets">
        <thead>
          <tr>
            <th>Market</th>
            <th className="num">Bid</th>
            <th className="num">Ask</th>
            <th className="num">Mid</th>
            <th className="num">24h</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m) => (
            <tr key={m.symbol} data-symbol={m.symbol}>
              <td>
                <Link href={`/markets/${encodeURIComponent(m.symbol)}`}>{m.symbol}</Link>
              </td>
              <td className="num">{num(m.bid, m.priceDecimals, m.priceDecimals)}</td>
              <td className="num">{num(m.ask, m.priceDecimals, m.priceDecimals)}</td>
              <td className="num">{num(m.mid, m.priceDecimals, m.priceDecimals)}</td>
              <td className="num">
                <PnlPct value={m.change24hPct} />
              </td>
              <td className="muted">{time(m.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
