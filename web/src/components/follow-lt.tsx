import { Link } from "wouter";
import { useLiveStatus, useMirrors, useModels } from "../api/queries.ts";
import { accountText, ltOfSource, ltStrategies } from "../lib/lt.ts";
import { LtHowTo } from "./lt-empty.tsx";
import { Card, ErrorBox, Loading } from "./ui.tsx";
import "./lt.css";

/**
 * A follow model's live copies (LT): the mirrors copying it onto a Polymarket wallet, or on
 * paper before going live, each with its wallet's state and a way to its audit on the LT page.
 */
export function FollowLiveCopies({ modelId }: { modelId: string }) {
  const mirrors = useMirrors();
  const models = useModels();
  const live = useLiveStatus();
  const body = () => {
    if (mirrors.isPending || models.isPending) return <Loading what="live copies" />;
    const error = mirrors.error ?? models.error;
    if (error) return <ErrorBox error={error} what="Live copies" />;
    const copies = ltOfSource(ltStrategies(mirrors.data!, models.data!, live.data?.accounts), modelId);
    if (copies.length === 0) {
      return (
        <div className="muted small" data-testid="ft-lt-empty">
          No live copy of this model yet.
          <LtHowTo sourceId={modelId} />
        </div>
      );
    }
    return (
      <ul className="lt-list" data-testid="ft-lt">
        {copies.map((s) => {
          const a = accountText(s.account);
          return (
            <li key={s.mirror.id} data-mirror-id={s.mirror.id}>
              <Link href={`/models/${encodeURIComponent(s.follower.id)}`}>{s.follower.name}</Link>
              <span className={`badge lt-mode lt-mode-${s.mode}`} data-testid="lt-mode">
                {s.mode}
              </span>
              <span className={`badge ${s.status}`}>{s.status}</span>
              {s.account?.wallet && <code>{s.account.wallet}</code>}
              <span className={`small ${a.tone === "muted" ? "muted" : a.tone}`}>{s.mode === "live" && live.isPending ? "checking…" : a.text}</span>
              <span className="spacer" />
              <Link href="/lt">audit on the LT page →</Link>
            </li>
          );
        })}
      </ul>
    );
  };
  return (
    <Card title="Live copies (LT)" testId="ft-live-copies">
      {body()}
    </Card>
  );
}
