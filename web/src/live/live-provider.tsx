import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { EventStream, type ConnectionState, type EventSourceLike, type StreamEvent } from "./event-stream.ts";
import type { AppEvent, MarketTick, MarketView, PredictionMarketView, SignalView } from "../api/types.ts";
import { withPredictionChange, withSignal, type PredictionChange } from "../lib/live-patches.ts";

type Listener = (event: StreamEvent) => void;

interface Live {
  state: ConnectionState;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<Live | null>(null);

/** Every event name the server sends (a Record, so a name added on the server and not here fails the typecheck). */
const EVENTS: Record<AppEvent["type"], true> = { order: true, position: true, account: true, invocation: true, market: true, mirror: true, live: true, cycle: true, signal: true, prediction: true };
export const EVENT_NAMES = Object.keys(EVENTS) as ReadonlyArray<AppEvent["type"]>;

/** Which cached queries an event makes stale (query keys start with the API path's first part). */
const STALE_BY_EVENT: Record<string, readonly string[]> = {
  // "prediction-markets": an order or fill on an outcome token moves its prices (the list also polls: no event announces them).
  order: ["orders", "prediction-markets"],
  // "invocations": a position the system closed is an entry of the model's decision history.
  position: ["positions", "trades", "models", "leaderboard", "analytics", "orders", "mirrors", "invocations", "prediction-markets"],
  account: ["models", "leaderboard", "equity", "analytics"],
  invocation: ["invocations", "failures", "models", "scheduler"],
  // The mirrors page also writes each execution into its list at once (pages/mirrors.tsx); the refetch settles any race.
  mirror: ["mirrors", "mirror-executions", "mirror-metrics", "execution-audit"],
  // The kill switch was thrown or lifted (the orders it cancels stream as order events).
  live: ["live"],
  // A scheduler cycle finished: the scheduler's last cycle and the health it may have changed.
  cycle: ["scheduler", "health"],
  // A follow model decided a signal: the row is written into its pages at once (patchSignal); the totals are asked again.
  signal: ["signal-summary"],
  // A prediction market closed or resolved: written into the list at once (patchPrediction); its books emptied on resolution.
  prediction: ["prediction-markets", "prediction-book"],
};

/** A decided signal into every loaded page list of its model's signals (query keys ["signals", modelId, …]). */
function patchSignal(client: QueryClient, s: SignalView): void {
  client.setQueriesData<InfiniteData<SignalView[], string | undefined>>({ queryKey: ["signals", s.modelId] }, (old) => {
    if (!old?.pages) return old;
    const pages = withSignal(old.pages, s);
    return pages ? { ...old, pages } : old;
  });
}

/** A market's new status (and winner) into the cached markets list. */
function patchPrediction(client: QueryClient, c: PredictionChange): void {
  client.setQueryData<PredictionMarketView[]>(["prediction-markets"], (old) => (old ? (withPredictionChange(old, c) ?? old) : old));
}

/** A model halted or made active again (an `account` event with action "status"): live trading's view shows its status too. */
const STATUS_STALE: readonly string[] = [...STALE_BY_EVENT.account!, "live"];

function staleBy(e: StreamEvent): readonly string[] {
  if (e.type === "account" && (e.data as { action?: unknown } | null)?.action === "status") return STATUS_STALE;
  return STALE_BY_EVENT[e.type] ?? [];
}

/** Coalesces invalidations: a burst of events refetches each query once. */
function invalidator(client: QueryClient) {
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (keys: readonly string[] | "all") => {
    if (keys === "all") {
      void client.invalidateQueries();
      return;
    }
    for (const k of keys) pending.add(k);
    timer ??= setTimeout(() => {
      timer = null;
      const batch = [...pending];
      pending.clear();
      void client.invalidateQueries({ predicate: (q) => batch.includes(String(q.queryKey[0])) });
    }, 250);
  };
}

/**
 * One event stream for the whole page. Events keep the cached API answers fresh (a market tick
 * patches the ticker in place; other events mark the queries they change stale), and any
 * reconnect refetches everything the page shows, so nothing missed during a break stays missing.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<ConnectionState>("connecting");
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    const invalidate = invalidator(client);
    const stream = new EventStream({
      url: "/api/events",
      names: EVENT_NAMES,
      open: (url) => new EventSource(url) as unknown as EventSourceLike,
      onState: setState,
      onResync: () => invalidate("all"),
      onEvent: (e) => {
        if (e.type === "market") {
          const tick = e.data as MarketTick;
          client.setQueryData<MarketView[]>(["markets"], (old) => old?.map((m) => (m.symbol === tick.symbol ? { ...m, bid: tick.bid, ask: tick.ask, mid: tick.mid, updatedAt: tick.ts } : m)));
        } else {
          if (e.type === "signal") patchSignal(client, e.data as SignalView);
          if (e.type === "prediction") patchPrediction(client, e.data as PredictionChange);
          invalidate(staleBy(e));
        }
        for (const l of listeners.current) l(e);
      },
    });
    stream.start();
    const offline = () => setState("offline");
    window.addEventListener("offline", offline);
    return () => {
      window.removeEventListener("offline", offline);
      stream.stop();
    };
  }, [client]);

  const subscribe = useCallback((l: Listener) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive needs a LiveProvider");
  return live;
}

/** Calls `listener` for every event while the component is mounted. */
export function useLiveEvents(listener: Listener): void {
  const { subscribe } = useLive();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe]);
}
