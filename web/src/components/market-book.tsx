import type { BookView } from "../api/types.ts";
import { depthOf, type DepthLevel } from "../lib/market-depth.ts";
import { num } from "../lib/format.ts";
import { Empty } from "./ui.tsx";

function Side({ levels, side, priceDecimals, sizeDecimals }: { levels: DepthLevel[]; side: "bid" | "ask"; priceDecimals: number; sizeDecimals: number }) {
  const color = side === "bid" ? "rgba(63, 185, 80, 0.16)" : "rgba(248, 81, 73, 0.16)";
  return (
    <div className="table-wrap">
      <table className="book-side" data-side={side}>
        <thead>
          <tr>
            <th className="num">{side === "bid" ? "Bid" : "Ask"} price</th>
            <th className="num">Size</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            // Bars grow from the middle of the book (bids' right edge, asks' left edge) with the cumulative size.
            <tr
              key={l.price}
              style={{ background: `linear-gradient(${side === "bid" ? "to left" : "to right"}, ${color} ${(l.share * 100).toFixed(1)}%, transparent ${(l.share * 100).toFixed(1)}%)` }}
            >
              <td className={`num ${side === "bid" ? "gain" : "loss"}`}>{num(l.price, priceDecimals, priceDecimals)}</td>
              <td className="num">{num(l.size, sizeDecimals)}</td>
              <td className="num muted">{num(l.cumulative, sizeDecimals)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Both sides of the book, best first, with cumulative size and a depth bar. */
export function MarketBook({ book, priceDecimals, sizeDecimals }: { book: BookView; priceDecimals: number; sizeDecimals: number }) {
  if (book.bids.length === 0 && book.asks.length === 0)
    return <Empty title="The book is empty">The feed has not sent any price levels for this market yet; they appear here as soon as it does.</Empty>;
  const depth = depthOf(book.bids, book.asks);
  return (
    <div className="book grid">
      <Side levels={depth.bids} side="bid" priceDecimals={priceDecimals} sizeDecimals={sizeDecimals} />
      <Side levels={depth.asks} side="ask" priceDecimals={priceDecimals} sizeDecimals={sizeDecimals} />
    </div>
  );
}
