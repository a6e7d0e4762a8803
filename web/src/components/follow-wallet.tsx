import { useState } from "react";
import { shortAddress } from "../lib/follow.ts";

/**
 * A wallet as "0x1234…abcd" (the whole address on hover and to screen readers) with a button
 * that copies the whole address; says "copied" for a moment, or that the browser refused.
 */
export function WalletAddress({ wallet }: { wallet: string }) {
  const [state, setState] = useState<"" | "copied" | "failed">("");
  const copy = () => {
    const done = (s: "copied" | "failed") => {
      setState(s);
      setTimeout(() => setState(""), 1500);
    };
    if (!navigator.clipboard) return done("failed");
    navigator.clipboard.writeText(wallet).then(
      () => done("copied"),
      () => done("failed"),
    );
  };
  return (
    <span className="ft-wallet" data-wallet={wallet}>
      <code title={wallet} aria-label={`wallet ${wallet}`}>
        {shortAddress(wallet)}
      </code>
      <button type="button" className="ft-copy" onClick={copy} aria-label={`Copy wallet address ${wallet}`}>
        {state === "copied" ? "copied" : state === "failed" ? "no clipboard" : "copy"}
      </button>
    </span>
  );
}

/** Every followed wallet, each with its copy button. */
export function WalletList({ wallets }: { wallets: readonly string[] }) {
  return (
    <ul className="ft-wallets" aria-label="Followed wallets">
      {wallets.map((w) => (
        <li key={w}>
          <WalletAddress wallet={w} />
        </li>
      ))}
    </ul>
  );
}
