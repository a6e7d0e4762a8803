import { Link } from "wouter";
import { Empty } from "./ui.tsx";

const FOLLOWER = '{"kind":"mirror","name":"LT whale","venue":{"kind":"polymarket","privateKeyEnv":"PM_KEY_MAIN","signatureType":2,"funder":"0x<your Polymarket safe>"}}';
const MIRROR = (source: string) => `{"sourceModelId":"${source}","followerModelId":"<the LT model's id>","maxSlippageBps":300}`;
const PAPER = (source: string) => `{"sourceModelId":"${source}","follower":{"name":"LT paper"}}`;

/** The two calls that make an LT strategy, and the paper rehearsal; `sourceId` fills in the follow model when known. */
export function LtHowTo({ sourceId }: { sourceId?: string }) {
  const source = sourceId ?? "<the follow model's id>";
  return (
    <ol className="lt-howto">
      <li>
        Make the live follower, a Polymarket wallet: <code>POST /api/models</code> with <code>{FOLLOWER}</code>. The server must run with <code>TRADING_MODE=live</code> and{" "}
        <code>AUTONOME_PM_FEED=polymarket</code>, from a location Polymarket accepts, with the key in its environment (never in a request).
      </li>
      <li>
        Mirror {sourceId ? "this follow model" : <Link href="/follow">a follow model</Link>} onto it: <code>POST /api/mirrors</code> with <code>{MIRROR(source)}</code>.
      </li>
      <li>
        To rehearse on paper first: <code>POST /api/mirrors</code> with <code>{PAPER(source)}</code>; it is shown here marked <em>paper</em>, with the same audit.
      </li>
    </ol>
  );
}

/** The LT page when no mirror copies a follow model. */
export function NoLtStrategies({ followModels }: { followModels: number }) {
  return (
    <Empty title="No LT strategies yet">
      An LT strategy copies a follow model (FT, on paper) onto a live Polymarket wallet, and audits the copy: fills, latency, slippage against FT and the trader, P&amp;L against FT.
      {followModels === 0 && (
        <>
          {" "}
          First <Link href="/follow/new">make a follow model</Link>.
        </>
      )}
      <LtHowTo />
    </Empty>
  );
}
