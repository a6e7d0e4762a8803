import { Link, Route, Switch, useRoute } from "wouter";
import { lazy, Suspense, type ReactNode } from "react";
import { LiveProvider } from "./live/live-provider.tsx";
import { ConnectionStatus } from "./components/connection-status.tsx";
import { LiveHaltedChip } from "./components/live-halted-chip.tsx";
import { ErrorBoundary } from "./components/error-boundary.tsx";
import { TokenDialog } from "./components/token-dialog.tsx";
import { useHealth } from "./api/queries.ts";
import { ArenaPage } from "./pages/arena.tsx";
import { Empty, Loading } from "./components/ui.tsx";

// The arena is the first page most visits open: it is in the main bundle; the others load on
// demand, so the arena's data is asked for sooner (less script to evaluate before it renders).
const ModelPage = lazy(() => import("./pages/model.tsx").then((m) => ({ default: m.ModelPage })));
const LivePage = lazy(() => import("./pages/live.tsx").then((m) => ({ default: m.LivePage })));
const MarketsPage = lazy(() => import("./pages/markets.tsx").then((m) => ({ default: m.MarketsPage })));
const HealthPage = lazy(() => import("./pages/health.tsx").then((m) => ({ default: m.HealthPage })));
const AddModelPage = lazy(() => import("./pages/add-model.tsx").then((m) => ({ default: m.AddModelPage })));
const SimPage = lazy(() => import("./pages/sim.tsx").then((m) => ({ default: m.SimPage })));
const MirrorsPage = lazy(() => import("./pages/mirrors.tsx").then((m) => ({ default: m.MirrorsPage })));
const PredictionsPage = lazy(() => import("./pages/predictions.tsx").then((m) => ({ default: m.PredictionsPage })));
const FollowPage = lazy(() => import("./pages/follow.tsx").then((m) => ({ default: m.FollowPage })));
const LtPage = lazy(() => import("./pages/lt.tsx").then((m) => ({ default: m.LtPage })));
const BacktestsPage = lazy(() => import("./pages/backtests.tsx").then((m) => ({ default: m.BacktestsPage })));

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [active] = useRoute(href === "/" ? "/" : `${href}/*?`);
  return (
    <Link href={href} className={active ? "nav-link active" : "nav-link"}>
      {children}
    </Link>
  );
}

function Header() {
  const health = useHealth();
  const simulation = health.data?.mode === "simulation";
  return (
    <header className="top">
      <Link href="/" className="brand">
        autonome
      </Link>
      <nav>
        <NavLink href="/">Arena</NavLink>
        <NavLink href="/live">Live</NavLink>
        <NavLink href="/markets">Markets</NavLink>
        <NavLink href="/predictions">Predictions</NavLink>
        <NavLink href="/follow">Follow</NavLink>
        <NavLink href="/lt">LT</NavLink>
        <NavLink href="/mirrors">Mirrors</NavLink>
        <NavLink href="/backtests">Backtests</NavLink>
        <NavLink href="/health">Health</NavLink>
        <NavLink href="/models/new">Add model</NavLink>
        {simulation && <NavLink href="/sim">Simulator</NavLink>}
      </nav>
      <span className="top-right">
        <LiveHaltedChip />
        {health.data && <span className={`mode mode-${health.data.mode}`}>{health.data.mode}</span>}
        <ConnectionStatus />
      </span>
    </header>
  );
}

/** The dashboard: one header, one live connection, one page per route (API.md's routes). */
export function App() {
  return (
    <LiveProvider>
      <Header />
      <main>
        <ErrorBoundary>
          <Suspense fallback={<Loading what="the page" />}>
            <Switch>
              <Route path="/" component={ArenaPage} />
              <Route path="/models/new" component={AddModelPage} />
              <Route path="/models/:id">{(p) => <ModelPage id={p.id} />}</Route>
              <Route path="/live" component={LivePage} />
              <Route path="/markets">{() => <MarketsPage />}</Route>
              <Route path="/markets/:symbol">{(p) => <MarketsPage symbol={p.symbol} />}</Route>
              <Route path="/predictions">{() => <PredictionsPage />}</Route>
              <Route path="/predictions/:conditionId">{(p) => <PredictionsPage conditionId={p.conditionId} />}</Route>
              <Route path="/follow/:id?">{(p) => <FollowPage {...(p.id ? { id: p.id } : {})} />}</Route>
              <Route path="/lt" component={LtPage} />
              <Route path="/mirrors/:id?">{(p) => <MirrorsPage {...(p.id ? { id: p.id } : {})} />}</Route>
              <Route path="/backtests/:id?">{(p) => <BacktestsPage {...(p.id ? { id: p.id } : {})} />}</Route>
              <Route path="/health" component={HealthPage} />
              <Route path="/sim" component={SimPage} />
              <Route>
                <Empty title="Nothing here">
                  This page does not exist. Go to the <Link href="/">arena</Link>.
                </Empty>
              </Route>
            </Switch>
          </Suspense>
        </ErrorBoundary>
      </main>
      <TokenDialog />
    </LiveProvider>
  );
}
