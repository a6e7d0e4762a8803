import type { FollowWalletView } from "../api/types.ts";
import { useFollowWallets } from "../api/queries.ts";
import { fullTime, time } from "../lib/format.ts";
import { WalletAddress } from "./follow-wallet.tsx";
import { ErrorBox } from "./ui.tsx";

/** How one wallet's reads go: when it was last read; a wallet in error in red, with the message and its last good read. */
function WalletReads({ w }: { w: FollowWalletView | undefined }) {
  if (!w || w.status === "unread") return <div className="muted small">not read yet</div>;
  if (w.status === "ok") {
    return (
      <div className="muted small" title={`last read ${fullTime(w.lastPolledAt)}`}>
        read {time(w.lastPolledAt)}
      </div>
    );
  }
  return (
    <div className="loss small ft-wallet-error" data-field="wallet-error">
      <strong>
        failing: {w.consecutiveFailures} read{w.consecutiveFailures === 1 ? "" : "s"} in a row
      </strong>
      {w.lastError && (
        <div className="ft-wallet-message" title={`at ${fullTime(w.lastError.at)}`}>
          {w.lastError.message}
        </div>
      )}
      <div className="muted">{w.lastOkAt ? `last good read ${time(w.lastOkAt)}` : "no good read since the server started"}</div>
    </div>
  );
}

/** A follow model's wallets, each with its copy button and how its reads from the Data API go. */
export function FollowWalletHealth({ modelId, wallets }: { modelId: string; wallets: readonly string[] }) {
  const reads = useFollowWallets(modelId);
  const byWallet = new Map(reads.data?.map((w) => [w.wallet, w]));
  return (
    <div className="stack">
      {reads.isError && <ErrorBox error={reads.error} what="Wallet reads" />}
      <ul className="ft-wallet-reads" aria-label="Followed wallets">
        {wallets.map((w) => {
          const r = byWallet.get(w);
          return (
            <li key={w} data-wallet-status={r?.status ?? "unknown"} data-wallet-row={w}>
              <WalletAddress wallet={w} />
              <WalletReads w={r} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
