import { Link } from "wouter";
import type { PredictionMarketView, SignalView } from "../api/types.ts";
import { delayText, reasonText, slippageCents, slippageText } from "../lib/follow.ts";
import { fullTime, num, time } from "../lib/format.ts";
import { cents } from "../lib/prediction.ts";
import { WalletAddress } from "./follow-wallet.tsx";
import { Empty } from "./ui.tsx";

/** The market and outcome a signal traded, from the markets list; a market this server does not list is said so. */
function MarketCell({ s, markets }: { s: SignalView; markets: readonly PredictionMarketView[] | undefined }) {
  const market = markets?.find((m) => m.conditionId.toLowerCase() === s.conditionId.toLowerCase());
  const outcome = market?.outcomes.find((o) => o.tokenId === s.tokenId)?.outcome ?? s.outcome;
  if (!market) {
    return (
      <span className="muted" title={`condition ${s.conditionId}, token ${s.tokenId}`} data-market="unknown">
        Unknown market {s.conditionId.slice(0, 10)}…{outcome ? ` · ${outcome}` : ""}
      </span>
    );
  }
  return (
    <span data-market={market.conditionId}>
      <Link href={`/predictions/${encodeURIComponent(market.conditionId)}`}>{market.question}</Link>
      {outcome && (
        <div>
          <span className="badge ft-outcome">{outcome}</span>
        </div>
      )}
    </span>
  );
}

/** A follow model's signals, newest first: when, whose, which market, what the trader did, and what the model did. */
export function FollowSignals({ signals, markets }: { signals: readonly SignalView[]; markets: readonly PredictionMarketView[] | undefined }) {
  if (signals.length === 0) {
    return (
      <Empty title="No signals yet">
        A signal is a trade one of its wallets made after the model was created, read from Polymarket&apos;s Data API every <code>AUTONOME_FOLLOW_POLL</code> (5 s by default). Without network, point{" "}
        <code>POLYMARKET_DATA_API_URL</code> at <code>npm run fake:polymarket</code>&apos;s Data API.
      </Empty>
    );
  }
  return (
    <div className="table-wrap">
      <table className="ft-signals" data-testid="ft-signals">
        <thead>
          <tr>
            <th title="When the trader traded, and how long after it the model read the trade">Traded · seen after</th>
            <th>Wallet</th>
            <th>Market · outcome</th>
            <th title="The trader's side, shares and price">Trade</th>
            <th>Decision</th>
            <th className="num" title="Shares we got, at our average price">
              Our fill
            </th>
            <th className="num" title="Cents a share worse (+) or better (−) than the trader's price">
              Slippage
            </th>
          </tr>
        </thead>
        <tbody>
          {signals.map((s) => {
            const slip = slippageCents(s.side, s.price, s.fillPrice);
            return (
              <tr key={s.id} data-signal-id={s.id} data-decision={s.decision} data-reason={s.reason ?? ""} className={s.late ? "ft-late" : undefined}>
                <td className="ft-when" data-label="Traded">
                  <div title={`traded ${fullTime(s.tradedAt)}`}>{time(s.tradedAt)}</div>
                  <div className="muted small" title={`seen ${fullTime(s.seenAt)}`}>
                    +<span data-field="delay">{delayText(s.tradedAt, s.seenAt)}</span>
                    {s.late && (
                      <span className="badge warn ft-late-badge" title="Indexed by the Data API after later trades">
                        late
                      </span>
                    )}
                  </div>
                </td>
                <td data-label="Wallet">
                  <WalletAddress wallet={s.wallet} />
                </td>
                <td className="ft-market" data-label="Market">
                  <MarketCell s={s} markets={markets} />
                </td>
                <td className="ft-trade" data-label="Trade">
                  <span className={s.side === "BUY" ? "gain" : "loss"}>{s.side}</span> <span data-field="size">{num(s.size, 2)}</span> @{" "}
                  <span data-field="price" data-price={s.price}>
                    {cents(s.price)}
                  </span>
                </td>
                <td className="ft-decision" data-label="Decision">
                  <span className={`badge ft-${s.decision}`}>{s.decision}</span>
                  {s.reason && (
                    <div className="small" data-field="reason">
                      <code>{s.reason}</code> <span className="muted">{reasonText(s.reason)}</span>
                    </div>
                  )}
                </td>
                <td className="num ft-trade" data-label="Our fill">
                  {s.filledQuantity !== undefined || s.fillPrice !== undefined ? (
                    <>
                      <span data-field="filled">{s.filledQuantity !== undefined ? num(s.filledQuantity, 2) : "—"}</span> @{" "}
                      <span data-field="fill">{s.fillPrice !== undefined ? cents(s.fillPrice) : "—"}</span>
                    </>
                  ) : (
                    <span data-field="fill" className="muted">
                      —
                    </span>
                  )}
                </td>
                <td className={`num ${slip !== null && slip.startsWith("-") ? "gain" : slip !== null && !/^0(\.0*)?$/.test(slip) ? "loss" : ""}`} data-field="slippage" data-label="Slippage">
                  {slippageText(slip)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
