import { usePredictionBook } from "../api/queries.ts";
import { depthOf, type DepthLevel } from "../lib/market-depth.ts";
import { num, time } from "../lib/format.ts";
import { cents } from "../lib/prediction.ts";
import { Empty, ErrorBox, Loading } from "./ui.tsx";

function Side({ levels, side, outcome }: { levels: DepthLevel[]; side: "bid" | "ask"; outcome: string }) {
  const color = side === "bid" ? "rgba(63, 185, 80, 0.16)" : "rgba(248, 81, 73, 0.16)";
  return (
    <table className="book-side" data-side={side} aria-label={`${outcome}: ${side === "bid" ? "bids (buyers)" : "asks (sellers)"}, best first`}>
      <thead>
        <tr>
          <th className="num">{side === "bid" ? "Bid" : "Ask"}</th>
          <th className="num">Shares</th>
          <th className="num">Total</th>
        </tr>
      </thead>
      <tbody>
        {levels.length === 0 && (
          <tr>
            <td colSpan={3} className="muted">
              none
            </td>
          </tr>
        )}
        {levels.map((l) => (
          // The bar grows from the middle of the book with the shares summed from the touch.
          <tr
            key={l.price}
            data-price={l.price}
            data-size={l.size}
            style={{ background: `linear-gradient(${side === "bid" ? "to left" : "to right"}, ${color} ${(l.share * 100).toFixed(1)}%, transparent ${(l.share * 100).toFixed(1)}%)` }}
          >
            <td className={`num ${side === "bid" ? "gain" : "loss"}`}>{cents(l.price)}</td>
            <td className="num">{num(l.size, 2)}</td>
            <td className="num muted">{num(l.cumulative, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** An outcome token's book (both sides, best first, prices in cents, sizes in shares with cumulative depth), polled. */
export function PredictionBook({ conditionId, tokenId, outcome }: { conditionId: string; tokenId: string; outcome: string }) {
  const book = usePredictionBook(conditionId, tokenId, 10);
  if (book.isPending) return <Loading what="the book" />;
  if (book.isError) return <ErrorBox error={book.error} what={`${outcome}'s book`} />;
  const { bids, asks, ts } = book.data;
  if (bids.length === 0 && asks.length === 0) return <Empty title="The book is empty">No one is bidding or offering this outcome now (a market that stopped trading has no book).</Empty>;
  const depth = depthOf(bids, asks);
  return (
    <div className="pm-book" data-testid="pm-book" data-token-id={tokenId}>
      <div className="book grid">
        <Side levels={depth.bids} side="bid" outcome={outcome} />
        <Side levels={depth.asks} side="ask" outcome={outcome} />
      </div>
      {ts && <div className="muted small">as of {time(ts)}</div>}
    </div>
  );
}
