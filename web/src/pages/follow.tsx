import { Link } from "wouter";
import { useModels, usePositions } from "../api/queries.ts";
import { FollowCard } from "../components/follow-card.tsx";
import { FollowDetail } from "../components/follow-detail.tsx";
import { FollowFormCard } from "../components/follow-form.tsx";
import { Card, Empty, ErrorBox, Loading } from "../components/ui.tsx";
import "../components/follow.css";

/** Every follow model with its wallets, rules, account and signal breakdown. */
function FollowList() {
  const models = useModels();
  const positions = usePositions();
  if (models.isPending) return <Loading what="follow models" />;
  if (models.isError) return <ErrorBox error={models.error} what="Models" />;
  const follow = models.data.filter((m) => m.kind === "follow");
  if (follow.length === 0) {
    return (
      <Card>
        <Empty title="No follow models yet">
          A follow model copies chosen Polymarket wallets on paper, with filters and sizing. <Link href="/follow/new">Create one</Link>, or <code>POST /api/models</code> with{" "}
          <code>{'{"kind":"follow","name":"…","wallets":["0x…"],"sizing":{"mode":"fixed","usd":"10"}}'}</code>.
        </Empty>
      </Card>
    );
  }
  const open = (id: string) => positions.data?.filter((p) => p.modelId === id).length ?? 0;
  return (
    <div className="ft-grid" data-testid="ft-list">
      {follow.map((m) => (
        <FollowCard key={m.id} model={m} openPositions={open(m.id)} />
      ))}
    </div>
  );
}

/**
 * `/follow`: the follow models (FT: paper strategies copying Polymarket wallets);
 * `/follow/new`: the form that makes one; `/follow/:id`: one model and its signals.
 */
export function FollowPage({ id }: { id?: string }) {
  if (id === "new") {
    return (
      <div className="stack" data-testid="ft-page">
        <div className="row">
          <h1>New follow model</h1>
          <span className="spacer" />
          <Link href="/follow">← Follow models</Link>
        </div>
        <FollowFormCard />
      </div>
    );
  }
  if (id !== undefined) return <FollowDetail key={id} id={id} />;
  return (
    <div className="stack" data-testid="ft-page">
      <div className="row">
        <h1>Follow models</h1>
        <span className="spacer" />
        <Link href="/follow/new" className="button-link" data-testid="ft-new">
          New follow model
        </Link>
      </div>
      <FollowList />
    </div>
  );
}
