import { Link } from "wouter";
import type { PredictionMarketView } from "../api/types.ts";
import { fullTime, num, time } from "../lib/format.ts";
import { cents, splitMarkets } from "../lib/prediction.ts";
import { PredictionBadges } from "./prediction-badges.tsx";
import { PredictionCountdown } from "./prediction-countdown.tsx";
import { PredictionPrice } from "./prediction-price.tsx";
import { Card, Empty } from "./ui.tsx";

const hrefOf = (m: PredictionMarketView) => `/predictions/${encodeURIComponent(m.conditionId)}`;

/** One open market: its question, when it ends, and each outcome's bid, ask and mid. */
function OpenMarket({ market: m }: { market: PredictionMarketView }) {
  return (
    <article className="card pm-market" data-condition-id={m.conditionId} aria-label={m.question}>
      <div className="pm-market-head">
        <Link href={hrefOf(m)} className="pm-question">
          {m.question}
        </Link>
        <div className="row small">
          <PredictionBadges market={m} />
          <span className="spacer" />
          <PredictionCountdown endDate={m.endDate} />
        </div>
      </div>
      <div className="table-wrap">
        <table className="pm-outcomes">
          <thead>
            <tr>
              <th>Outcome</th>
              <th className="num">Bid</th>
              <th className="num">Ask</th>
              <th className="num">Mid</th>
            </tr>
          </thead>
          <tbody>
            {m.outcomes.map((o) => (
              <tr key={o.tokenId} data-outcome={o.outcome} data-symbol={o.symbol}>
                <td>
                  <strong>{o.outcome}</strong>
                </td>
                <td className="num" data-field="bid">
                  <PredictionPrice price={o.bid} label={`${o.outcome} bid`} />
                </td>
                <td className="num" data-field="ask">
                  <PredictionPrice price={o.ask} label={`${o.outcome} ask`} />
                </td>
                <td className="num" data-field="mid">
                  <PredictionPrice price={o.mid} label={`${o.outcome} mid`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="muted small pm-market-foot">
        tick {cents(m.tickSize)} · min {num(m.minOrderSize)} shares
      </div>
    </article>
  );
}

/** Markets that stopped trading: closed (waiting for the result) or resolved with their winner. */
function EndedMarkets({ markets }: { markets: readonly PredictionMarketView[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="pm-ended">
        <thead>
          <tr>
            <th>Question</th>
            <th>Status</th>
            <th>Winner</th>
            <th title="The market's scheduled end; one resolved in simulation may have resolved before it">End date</th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m) => (
            <tr key={m.conditionId} data-condition-id={m.conditionId} data-status={m.status}>
              <td className="pm-question-cell">
                <Link href={hrefOf(m)}>{m.question}</Link>
              </td>
              <td>
                <span className={`badge pm-status-${m.status}`}>{m.status}</span>
              </td>
              <td data-field="winner">{m.winner ? <strong className="gain">{m.winner}</strong> : <span className="muted">{m.status === "closed" ? "awaiting result" : "—"}</span>}</td>
              <td title={fullTime(m.endDate)}>{time(m.endDate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every prediction market: the open ones as cards with their prices, the ended ones below. */
export function PredictionList({ markets }: { markets: readonly PredictionMarketView[] }) {
  const { open, ended } = splitMarkets(markets);
  return (
    <>
      <section aria-labelledby="pm-open-title" data-testid="pm-open">
        <h2 id="pm-open-title">Open ({open.length})</h2>
        {open.length === 0 ? (
          <Card>
            <Empty title="No open market">Every market listed has ended; the feed opens new ones as others end.</Empty>
          </Card>
        ) : (
          <div className="pm-grid">
            {open.map((m) => (
              <OpenMarket key={m.conditionId} market={m} />
            ))}
          </div>
        )}
      </section>
      {ended.length > 0 && (
        <Card title={`Closed and resolved (${ended.length})`}>
          <EndedMarkets markets={ended} />
        </Card>
      )}
    </>
  );
}
