import { useMemo } from "react";
import { useLiveStatus, useModels } from "../api/queries.ts";
import { fullTime, time } from "../lib/format.ts";
import { LiveAccounts } from "./live-accounts.tsx";
import { LiveKillSwitch } from "./live-kill-switch.tsx";
import { ErrorBox, Loading, Stat } from "./ui.tsx";

/**
 * Live trading at a glance and its kill switch: the mode, whether live trading is halted (why and
 * since when), the controls, and every live account. Events keep it current (live/live-provider.tsx).
 */
export function LiveTrading() {
  const live = useLiveStatus();
  const models = useModels();
  const byId = useMemo(() => new Map((models.data ?? []).map((m) => [m.id, m])), [models.data]);
  if (live.isPending) return <Loading what="live trading" />;
  if (live.isError) return <ErrorBox error={live.error} what="Live trading" />;
  const s = live.data;
  const linked = s.accounts.filter((a) => a.linked).length;
  return (
    <div className="stack-tight">
      <div className="stats" data-testid="live-state">
        <Stat label="Mode" value={<span className={s.mode === "live" ? "loss" : ""}>{s.mode}</span>} title={s.mode === "live" ? "Lighter models send real orders" : "Every model trades on paper"} />
        <Stat
          label="Kill switch"
          value={s.halted ? <span className="loss">halted</span> : <span className="gain">not thrown</span>}
          title={s.halted ? "Open orders were canceled; no new entries go out (exits still do)" : "Live models trade normally"}
        />
        <Stat label="Reason" value={s.halted ? (s.reason ?? "none given") : "—"} className="wrap" />
        <Stat label={s.halted ? "Halted since" : "Last changed"} value={s.changedAt ? time(s.changedAt) : "never"} title={fullTime(s.changedAt)} />
        <Stat label="Live accounts" value={s.accounts.length === 0 ? "0" : `${linked} of ${s.accounts.length} linked`} />
      </div>
      {s.mode === "simulation" && (
        <div className="muted small">
          This server runs in simulation mode (TRADING_MODE=simulation): every order fills on the exchange simulator. Live trading needs TRADING_MODE=live and AUTONOME_FEED=lighter.
        </div>
      )}
      <LiveKillSwitch status={s} />
      <LiveAccounts accounts={s.accounts} models={byId} />
    </div>
  );
}
