import { useState } from "react";
import { Link, useLocation } from "wouter";
import { ApiError } from "../api/client.ts";
import { useBacktest, useBacktests } from "../api/queries.ts";
import { BacktestDetail } from "../components/backtest-detail.tsx";
import { BacktestFormCard } from "../components/backtest-form.tsx";
import { BacktestList } from "../components/backtest-list.tsx";
import { Card, Empty, ErrorBox, Loading } from "../components/ui.tsx";
import "../components/backtests.css";

/** One backtest, polled while it runs. */
function ChosenBacktest({ id }: { id: string }) {
  const q = useBacktest(id);
  if (q.isPending) return <Loading what="the backtest" />;
  if (q.isError) {
    return q.error instanceof ApiError && q.error.status === 404 ? (
      <Empty title="No such backtest">
        Backtest {id} does not exist (or was deleted). Choose one from the list, or go <Link href="/backtests">back to the backtests</Link>.
      </Empty>
    ) : (
      <ErrorBox error={q.error} what="Backtest" />
    );
  }
  return <BacktestDetail backtest={q.data} />;
}

/**
 * Backtests: start one (span, market, the installation's models, decision interval, execution),
 * follow it while it runs, and with one chosen (`/backtests/:id`) its figures, equity curves and
 * report; every run below, newest first.
 */
export function BacktestsPage({ id }: { id?: string }) {
  const list = useBacktests();
  const [, navigate] = useLocation();
  // Open by itself only on an empty list; then it is the user's to open and close.
  const [formChoice, setFormChoice] = useState<boolean | null>(null);
  const formOpen = formChoice ?? (id === undefined && list.data?.length === 0);
  return (
    <div className="stack backtests-page">
      <div className="row">
        <h1 className="bt-heading">Backtests</h1>
        <span className="spacer" />
        {id !== undefined && (
          <Link href="/backtests" className="small">
            ← All backtests
          </Link>
        )}
        <button type="button" className={formOpen ? "" : "primary"} onClick={() => setFormChoice(!formOpen)} aria-expanded={formOpen} data-testid="backtest-new">
          {formOpen ? "Hide the form" : "New backtest"}
        </button>
      </div>
      {formOpen && (
        <Card title="New backtest" className="bt-form-card">
          <BacktestFormCard
            onStarted={(b) => {
              setFormChoice(false);
              navigate(`/backtests/${encodeURIComponent(b.id)}`);
            }}
          />
        </Card>
      )}
      {id !== undefined && <ChosenBacktest key={id} id={id} />}
      <Card title={`Runs${list.data ? ` (${list.data.length})` : ""}`}>
        {list.isPending ? <Loading what="backtests" /> : list.isError ? <ErrorBox error={list.error} what="Backtests" /> : <BacktestList backtests={list.data} selected={id} />}
      </Card>
    </div>
  );
}
