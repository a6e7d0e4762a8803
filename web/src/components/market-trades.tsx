import type { MarketTradeView } from "../api/types.ts";
import { fullTime, num, time } from "../lib/format.ts";
import { Empty } from "./ui.tsx";

/** The feed's recent prints of one market, newest first. */
export function MarketTrades({ trades, priceDecimals, sizeDecimals }: { trades: readonly MarketTradeView[]; priceDecimals: number; sizeDecimals: number }) {
  if (trades.length === 0) {
    return (
      <Empty title="No trades reported">
        The market feed reports no trades for this market (the synthetic feed moves the book without printing trades). The models&apos; own trades are marked on the chart.
      </Empty>
    );
  }
  return (
    <div className="table-wrap market-trades">
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th className="num">Price</th>
            <th className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((t, i) => (
            <tr key={`${t.ts}-${i}`}>
              <td title={fullTime(t.ts)}>{time(t.ts)}</td>
              <td className="num">{num(t.price, priceDecimals, priceDecimals)}</td>
              <td className="num">{num(t.size, sizeDecimals)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
