import { useState } from "react";
import { useLiveStatus, useMirrors, useModels } from "../api/queries.ts";
import type { AuditWindow } from "../api/types.ts";
import { LtCard } from "../components/lt-card.tsx";
import { NoLtStrategies } from "../components/lt-empty.tsx";
import { Card, ErrorBox, Loading, Segmented } from "../components/ui.tsx";
import { ltCountText, ltStrategies } from "../lib/lt.ts";
import "../components/lt.css";

const WINDOWS: readonly AuditWindow[] = ["1h", "24h", "7d", "30d", "all"];

/**
 * `/lt`: the LT strategies, follow models (FT) copied onto Polymarket wallets, live or on paper
 * before going live: one card each with the wallet, the audit over a window and the latest
 * executions, following the copying live.
 */
export function LtPage() {
  const mirrors = useMirrors();
  const models = useModels();
  const live = useLiveStatus();
  const [window, setWindow] = useState<AuditWindow>("all");
  const loading = mirrors.isPending || models.isPending;
  const error = mirrors.error ?? models.error;
  const strategies = mirrors.data && models.data ? ltStrategies(mirrors.data, models.data, live.data?.accounts) : [];
  return (
    <div className="stack lt-page" data-testid="lt-page">
      <div className="row">
        <h1>LT: live copies of follow models</h1>
        <span className="spacer" />
        {strategies.length > 0 && <Segmented label="Window" value={window} options={WINDOWS} onChange={setWindow} />}
      </div>
      {loading ? (
        <Loading what="LT strategies" />
      ) : error ? (
        <ErrorBox error={error} what="LT strategies" />
      ) : strategies.length === 0 ? (
        <Card>
          <NoLtStrategies followModels={models.data!.filter((m) => m.kind === "follow").length} />
        </Card>
      ) : (
        <>
          <div className="muted small" data-testid="lt-count">
            {ltCountText(strategies)}; figures over {window === "all" ? "all time" : `the last ${window}`}
            {live.data?.mode === "simulation" && strategies.some((s) => s.mode === "live") && " · live trading is off on this server (TRADING_MODE=simulation): live wallets send nothing"}
          </div>
          <div className="lt-grid">
            {strategies.map((s) => (
              <LtCard key={s.mirror.id} s={s} window={window} accountsPending={live.isPending} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
