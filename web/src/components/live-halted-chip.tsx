import { Link } from "wouter";
import { useLiveStatus } from "../api/queries.ts";

/** In the header on every page while the kill switch is thrown: live trading is halted, and where to resume it. */
export function LiveHaltedChip() {
  const live = useLiveStatus();
  if (!live.data?.halted) return null;
  return (
    <Link href="/health" className="mode mode-live" title={`Live trading is halted${live.data.reason ? `: ${live.data.reason}` : ""}. Open Health to resume it.`} data-testid="live-halted-chip">
      live trading halted
    </Link>
  );
}
