import { useState } from "react";
import { Link } from "wouter";
import { useQueryClient } from "@tanstack/react-query";
import { send } from "../api/client.ts";
import { useModels, useScheduler } from "../api/queries.ts";
import type { SchedulerView } from "../api/types.ts";
import { duration, fullTime, time } from "../lib/format.ts";
import { ErrorBox, Loading, Stat } from "./ui.tsx";

/** "3 ok, 1 failed · 2.5 s": how the runs of a cycle ended and how long it took. */
function cycleOutcome(c: NonNullable<SchedulerView["lastFinishedCycle"]>): string {
  const parts = [`${c.ok} ok`, c.failed > 0 ? `${c.failed} failed` : null, c.timedOut > 0 ? `${c.timedOut} timed out` : null].filter(Boolean);
  return `${parts.join(", ")} · ${duration(c.durationMs)}`;
}

/** The scheduler: its interval, the last cycle, the runs in flight, and a button to run a cycle now. */
export function HealthScheduler() {
  const scheduler = useScheduler();
  const models = useModels();
  const client = useQueryClient();
  const [starting, setStarting] = useState(false);
  const [result, setResult] = useState<{ ok: true; at: Date } | { ok: false; error: unknown } | null>(null);

  const runNow = async () => {
    setStarting(true);
    try {
      await send("POST", "/scheduler/run");
      setResult({ ok: true, at: new Date() });
      void client.invalidateQueries({ queryKey: ["scheduler"] });
    } catch (error) {
      setResult({ ok: false, error });
    } finally {
      setStarting(false);
    }
  };

  if (scheduler.isPending) return <Loading what="the scheduler" />;
  if (scheduler.isError) return <ErrorBox error={scheduler.error} what="Scheduler" />;
  const s = scheduler.data;
  const names = new Map((models.data ?? []).map((m) => [m.id, m.name]));
  const last = s.lastCycle;
  const done = s.lastFinishedCycle;
  const running = s.running ?? [];
  return (
    <div className="stack">
      <div className="stats">
        <Stat label="Scheduler" value={<span className={s.enabled ? "gain" : "warn"}>{s.enabled ? "enabled" : "disabled"}</span>} />
        <Stat label="Interval" value={duration(s.intervalMs)} />
        <Stat label="Cycle in progress" value={s.cycleInProgress ? <span className="warn">yes</span> : "no"} />
        <Stat label="Last cycle started" value={time(last?.startedAt)} title={fullTime(last?.startedAt)} />
        <Stat label="Last cycle finished" value={last ? (last.finishedAt ? time(last.finishedAt) : "running…") : "—"} title={fullTime(last?.finishedAt)} />
        <Stat label="Models in last cycle" value={last ? String(last.models) : "—"} />
        <Stat
          label="Last finished cycle"
          value={done ? <span className={done.failed + done.timedOut > 0 ? "loss" : done.overran ? "warn" : ""}>{cycleOutcome(done)}</span> : "—"}
          title={done ? `${done.trigger}; ${done.skipped} skipped, ${done.stale} stale${done.overran ? `; longer than the interval (${done.missedTicks} missed)` : ""}` : undefined}
        />
      </div>
      <div className="row">
        <button type="button" className="primary" disabled={starting} onClick={() => void runNow()}>
          {starting ? "Starting…" : "Run a cycle now"}
        </button>
        <span className="muted small">Runs every active model once, now.</span>
        {result?.ok && <span className="gain small">Cycle started at {time(result.at.toISOString())}.</span>}
      </div>
      {result && !result.ok && <ErrorBox error={result.error} what="Could not start a cycle" />}
      <div>
        <h3>Running now</h3>
        {running.length === 0 ? (
          <div className="muted small">No model is running. {s.cycleInProgress ? "" : "The next cycle starts on the interval, or run one now."}</div>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Started</th>
                  <th className="num">Running for</th>
                </tr>
              </thead>
              <tbody>
                {running.map((r) => (
                  <tr key={r.invocationId}>
                    <td>
                      <Link href={`/models/${encodeURIComponent(r.modelId)}`}>{names.get(r.modelId) ?? r.modelId.slice(0, 8)}</Link>
                    </td>
                    <td title={fullTime(r.startedAt)}>{time(r.startedAt)}</td>
                    <td className="num">{duration(r.runningMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
