import { Link } from "wouter";
import { useHealth, useMarkets, useModels } from "../api/queries.ts";
import { Card, Empty, ErrorBox, Loading } from "../components/ui.tsx";
import { SimOrderForm } from "../components/sim-order-form.tsx";
import { SimMoveMarket } from "../components/sim-move-market.tsx";

/** `/sim`: manual orders and market moves, for trying scenarios in simulation mode only. */
export function SimPage() {
  const health = useHealth();
  const models = useModels();
  const markets = useMarkets();
  if (health.isPending) return <Loading what="server mode" />;
  if (health.isError) return <ErrorBox error={health.error} what="Server status" />;
  if (health.data.mode !== "simulation") {
    return (
      <Empty title="Simulator controls are unavailable">
        The server runs in live mode: orders go to real venues and markets cannot be moved. Start it with TRADING_MODE=simulation to use the simulator.
      </Empty>
    );
  }
  const failed = models.error ?? markets.error;
  return (
    <div className="stack">
      <h1>Simulator</h1>
      {failed && <ErrorBox error={failed} what="Could not load models or markets" />}
      <div className="grid">
        <Card title="Place an order for a model">
          {models.isPending || markets.isPending ? (
            <Loading />
          ) : (models.data ?? []).length === 0 ? (
            <Empty title="No models">
              <Link href="/models/new">Add a model</Link> first; orders are placed on a model&apos;s account.
            </Empty>
          ) : (
            <SimOrderForm models={models.data ?? []} markets={markets.data ?? []} />
          )}
        </Card>
        <Card title="Move a market">
          {markets.isPending ? <Loading what="markets" /> : <SimMoveMarket markets={markets.data ?? []} />}
          {health.data.feed.kind !== "synthetic" && (
            <div className="warn small">The {health.data.feed.kind} feed cannot be moved; only the synthetic feed can (the server answers 409 feed_not_movable).</div>
          )}
        </Card>
      </div>
    </div>
  );
}
