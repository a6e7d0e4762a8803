import { keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { get } from "./client.ts";
import type * as T from "./types.ts";

/**
 * One hook per API read. The first element of each query key names what it shows; the live
 * provider marks those stale when an event changes them (see live/live-provider.tsx).
 */

const qs = (params: Record<string, string | number | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
};

export const HEALTH_PATH = "/health";
export const MARKETS_PATH = "/markets";
export const healthQuery = () => queryOptions({ queryKey: ["health"], queryFn: ({ signal }) => get<T.HealthView>(HEALTH_PATH, signal), refetchInterval: 30_000 });
export const marketsQuery = () => queryOptions({ queryKey: ["markets"], queryFn: ({ signal }) => get<T.MarketView[]>(MARKETS_PATH, signal), refetchInterval: 60_000 });
export const useHealth = () => useQuery(healthQuery());
export const useMarkets = () => useQuery(marketsQuery());
export const useBook = (symbol: string, depth = 15) =>
  useQuery({ queryKey: ["book", symbol, depth], queryFn: ({ signal }) => get<T.BookView>(`/markets/${encodeURIComponent(symbol)}/book${qs({ depth })}`, signal), refetchInterval: 2_000 });
export const useCandles = (symbol: string, interval: "1m" | "5m" | "1h", limit = 500) =>
  useQuery({
    queryKey: ["candles", symbol, interval, limit],
    queryFn: ({ signal }) => get<T.CandleView[]>(`/markets/${encodeURIComponent(symbol)}/candles${qs({ interval, limit })}`, signal),
    refetchInterval: 10_000,
  });
export const useMarketTrades = (symbol: string, limit = 50) =>
  useQuery({
    queryKey: ["market-trades", symbol, limit],
    queryFn: ({ signal }) => get<T.MarketTradeView[]>(`/markets/${encodeURIComponent(symbol)}/trades${qs({ limit })}`, signal),
    refetchInterval: 3_000,
  });

/**
 * Live trading: mode, kill switch and live accounts. Small, and read on every page (the header
 * shows a thrown kill switch; the arena labels each model's venue from its accounts). The stream's
 * `live` events and models' status events make it stale (live/live-provider.tsx).
 */
export const LIVE_PATH = "/live";
export const liveQuery = () => queryOptions({ queryKey: ["live"], queryFn: ({ signal }) => get<T.LiveStatusView>(LIVE_PATH, signal), refetchInterval: 60_000 });
export const useLiveStatus = () => useQuery(liveQuery());

export const useStrategies = () => useQuery({ queryKey: ["strategies"], queryFn: ({ signal }) => get<T.StrategyView[]>("/strategies", signal), staleTime: Infinity });
/** Every model; `enabled: false` keeps it from being asked (a view that needs it only sometimes). */
export const useModels = (enabled = true) => useQuery({ queryKey: ["models"], queryFn: ({ signal }) => get<T.ModelView[]>("/models", signal), enabled });
export const useModel = (id: string) => useQuery({ queryKey: ["models", id], queryFn: ({ signal }) => get<T.ModelView>(`/models/${encodeURIComponent(id)}`, signal) });
export const useAnalytics = (id: string) => useQuery({ queryKey: ["analytics", id], queryFn: ({ signal }) => get<T.AnalyticsView>(`/models/${encodeURIComponent(id)}/analytics`, signal) });
export const useModelEquity = (id: string, window: T.EquityWindow) =>
  useQuery({
    queryKey: ["equity", "model", id, window],
    queryFn: ({ signal }) => get<T.EquityPoint[]>(`/models/${encodeURIComponent(id)}/equity${qs({ window })}`, signal),
    placeholderData: keepPreviousData,
  });

export const leaderboardPath = (q: T.LeaderboardQuery) => `/leaderboard${qs({ window: q.window, sort: q.sort, variant: q.variant })}`;
export const equityCurvesPath = (window: T.EquityWindow, points: number) => `/equity${qs({ window, points })}`;
/** The leaderboard's query (its hook's, and what the arena fills before its first render: pages/arena.tsx). */
export const leaderboardQuery = (q: T.LeaderboardQuery) =>
  queryOptions({
    queryKey: ["leaderboard", q.window, q.sort, q.variant],
    queryFn: ({ signal }) => get<T.LeaderboardRow[]>(leaderboardPath(q), signal),
    placeholderData: keepPreviousData,
  });
/** Every model's curve over a window (the arena's chart), downsampled on the server to `points`. */
export const equityCurvesQuery = (window: T.EquityWindow, points = 400) =>
  queryOptions({ queryKey: ["equity", "all", window, points], queryFn: ({ signal }) => get<T.EquityCurveView[]>(equityCurvesPath(window, points), signal), placeholderData: keepPreviousData });
export const useLeaderboard = (q: T.LeaderboardQuery) => useQuery(leaderboardQuery(q));
export const variantStandingsPath = (window: T.LeaderboardWindow) => `/leaderboard/variants${qs({ window })}`;
/**
 * The leaderboard summed per strategy / prompt variant over a window (the arena's "By strategy"
 * card). Its key starts with "leaderboard", so the events that refresh the leaderboard refresh it.
 */
export const useVariantStandings = (window: T.LeaderboardWindow) =>
  useQuery({
    queryKey: ["leaderboard", "variants", window],
    queryFn: ({ signal }) => get<T.VariantAggregate[]>(variantStandingsPath(window), signal),
    placeholderData: keepPreviousData,
  });
export const useEquityCurves = (window: T.EquityWindow, points = 400) => useQuery(equityCurvesQuery(window, points));

export const usePositions = (modelId?: string) =>
  useQuery({ queryKey: ["positions", modelId], queryFn: ({ signal }) => get<T.PositionView[]>(`/positions${qs({ modelId })}`, signal), refetchInterval: 5_000 });
export const useTrades = (modelId: string | undefined, limit = 50, offset = 0) =>
  useQuery({ queryKey: ["trades", modelId, limit, offset], queryFn: ({ signal }) => get<T.TradeView[]>(`/trades${qs({ modelId, limit, offset })}`, signal), placeholderData: keepPreviousData });
export const useOrders = (modelId: string | undefined, limit = 50, status: "open" | "all" = "all") =>
  useQuery({ queryKey: ["orders", modelId, limit, status], queryFn: ({ signal }) => get<T.OrderView[]>(`/orders${qs({ modelId, limit, status })}`, signal) });
export const useInvocations = (modelId: string | undefined, limit = 20, offset = 0) =>
  useQuery({
    queryKey: ["invocations", modelId, limit, offset],
    queryFn: ({ signal }) => get<T.InvocationView[]>(`/invocations${qs({ modelId, limit, offset })}`, signal),
    placeholderData: keepPreviousData,
  });
/** The decision history: the model's runs and, among them, the positions the system closed for it (`include=closes`). */
export const useDecisionHistory = (modelId: string | undefined, limit = 20, offset = 0) =>
  useQuery({
    queryKey: ["invocations", "history", modelId, limit, offset],
    queryFn: ({ signal }) => get<T.DecisionHistoryEntry[]>(`/invocations${qs({ modelId, limit, offset, include: "closes" })}`, signal),
    placeholderData: keepPreviousData,
  });
export const useInvocation = (id: string | null) =>
  useQuery({ queryKey: ["invocations", "one", id], queryFn: ({ signal }) => get<T.InvocationDetailView>(`/invocations/${encodeURIComponent(id!)}`, signal), enabled: id !== null });
export const useScheduler = () => useQuery({ queryKey: ["scheduler"], queryFn: ({ signal }) => get<T.SchedulerView>("/scheduler", signal), refetchInterval: 2_000 });
/** Fetched once when a view opens (the stream brings what follows), so no event makes it stale. */
export const useRecentEvents = (limit = 200) =>
  useQuery({ queryKey: ["events-recent", limit], queryFn: ({ signal }) => get<T.RecentEventView[]>(`/events/recent${qs({ limit })}`, signal), staleTime: Infinity, refetchOnWindowFocus: false });
export const useFailures = (modelId?: string, limit = 50) =>
  useQuery({ queryKey: ["failures", modelId, limit], queryFn: ({ signal }) => get<T.FailuresView>(`/failures${qs({ modelId, limit })}`, signal) });

/** Copy trading: the mirrors page's reads. */
export const useMirrors = () => useQuery({ queryKey: ["mirrors"], queryFn: ({ signal }) => get<T.MirrorDetail[]>("/mirrors", signal) });
/**
 * The mirrors again for the leaderboard's "mirror of" cells, asked only when it shows followers
 * and again when one it has not seen appears (its ids are in the key); no event makes it stale.
 */
export const useMirrorSources = (followerIds: readonly string[]) =>
  useQuery({
    queryKey: ["mirror-sources", followerIds.join(",")],
    queryFn: ({ signal }) => get<T.MirrorDetail[]>("/mirrors", signal),
    enabled: followerIds.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  });
export const useMirror = (id: string) => useQuery({ queryKey: ["mirrors", id], queryFn: ({ signal }) => get<T.MirrorDetail>(`/mirrors/${encodeURIComponent(id)}`, signal) });
/** The key of a mirror's executions, which the page also writes streamed executions into. */
export const mirrorExecutionsKey = (id: string, outcome: T.Outcome | "", limit: number) => ["mirror-executions", id, outcome, limit] as const;
export const useMirrorExecutions = (id: string, outcome: T.Outcome | "", limit = 100) =>
  useQuery({
    queryKey: mirrorExecutionsKey(id, outcome, limit),
    queryFn: ({ signal }) => get<T.ExecutionView[]>(`/mirrors/${encodeURIComponent(id)}/executions${qs({ outcome, limit })}`, signal),
    placeholderData: keepPreviousData,
  });
/**
 * A mirror's figures. Executions make them stale (the `mirror` event); `pollMs` also refetches
 * them on a timer, for the P&L of open positions, which moves with the marks and no event announces.
 */
export const useMirrorMetrics = (id: string, window: T.AuditWindow, pollMs: number | false = false) =>
  useQuery({
    queryKey: ["mirror-metrics", id, window],
    queryFn: ({ signal }) => get<T.MirrorMetrics>(`/mirrors/${encodeURIComponent(id)}/metrics${qs({ window })}`, signal),
    placeholderData: keepPreviousData,
    refetchInterval: pollMs,
  });
export const useExecutionAudit = (window: T.AuditWindow) =>
  useQuery({ queryKey: ["execution-audit", window], queryFn: ({ signal }) => get<T.ExecutionAudit>(`/execution-audit${qs({ window })}`, signal), placeholderData: keepPreviousData });

/**
 * Backtests: the list and one run. Nothing on the event stream announces their progress, so
 * each polls every second while a run it shows is queued or running, and stops when none is.
 */
const BACKTEST_POLL_MS = 1_000;
const activeBacktest = (b: T.BacktestView | undefined) => b?.status === "queued" || b?.status === "running";
export const useBacktests = () =>
  useQuery({
    queryKey: ["backtests"],
    queryFn: ({ signal }) => get<T.BacktestView[]>("/backtests", signal),
    refetchInterval: (q) => (q.state.data?.some(activeBacktest) ? BACKTEST_POLL_MS : false),
  });
export const useBacktest = (id: string) =>
  useQuery({
    queryKey: ["backtests", id],
    queryFn: ({ signal }) => get<T.BacktestDetailView>(`/backtests/${encodeURIComponent(id)}`, signal),
    refetchInterval: (q) => (activeBacktest(q.state.data) ? BACKTEST_POLL_MS : false),
  });

/**
 * Prediction markets. A closing or a resolution comes as the stream's `prediction` event (written
 * into the list at once: live/live-provider.tsx); no event announces prices, so the list also
 * polls every few seconds while a page shows it; a token's book polls as the markets page's does.
 */
export const PREDICTION_POLL_MS = 3_000;
export const usePredictionMarkets = () =>
  useQuery({ queryKey: ["prediction-markets"], queryFn: ({ signal }) => get<T.PredictionMarketView[]>("/prediction-markets", signal), refetchInterval: PREDICTION_POLL_MS });
/**
 * The same list for naming outcome tokens in positions and trades (a question rarely changes):
 * asked only when `enabled` (some row is an outcome token), without polling of its own.
 */
export const usePredictionMarketNames = (enabled: boolean) =>
  useQuery({ queryKey: ["prediction-markets"], queryFn: ({ signal }) => get<T.PredictionMarketView[]>("/prediction-markets", signal), enabled, staleTime: 60_000 });
export const usePredictionBook = (conditionId: string, tokenId: string, depth = 10) =>
  useQuery({
    queryKey: ["prediction-book", conditionId, tokenId, depth],
    queryFn: ({ signal }) => get<T.PredictionBookView>(`/prediction-markets/${encodeURIComponent(conditionId)}/book${qs({ tokenId, depth })}`, signal),
    refetchInterval: 2_000,
  });

/**
 * A follow model's signals, newest first, `pageSize` at a time: each next page is the one before
 * the oldest row shown (`before=<id>`). No polling: every decision comes as the stream's `signal`
 * event and is written into these pages at once (live/live-provider.tsx); a reconnect refetches.
 */
export const useSignalPages = (modelId: string, pageSize: number, enabled = true) =>
  useInfiniteQuery({
    queryKey: ["signals", modelId, "pages", pageSize],
    queryFn: ({ signal, pageParam }) => get<T.SignalView[]>(`/models/${encodeURIComponent(modelId)}/signals${qs({ limit: pageSize, before: pageParam })}`, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.length < pageSize ? undefined : last.at(-1)!.id),
    enabled,
  });
/** Every signal of a follow model counted (copied, skipped by reason, pending, late); `signal` events make it stale. */
export const useSignalSummary = (modelId: string, enabled = true) =>
  useQuery({
    queryKey: ["signal-summary", modelId],
    queryFn: ({ signal }) => get<T.SignalSummaryView>(`/models/${encodeURIComponent(modelId)}/signals/summary`, signal),
    enabled,
  });
/** A follow model's wallets and how their reads go. No event announces a read: it polls (reads happen every AUTONOME_FOLLOW_POLL). */
export const FOLLOW_WALLETS_POLL_MS = 5_000;
export const useFollowWallets = (modelId: string, enabled = true) =>
  useQuery({
    queryKey: ["follow-wallets", modelId],
    queryFn: ({ signal }) => get<T.FollowWalletView[]>(`/models/${encodeURIComponent(modelId)}/wallets`, signal),
    refetchInterval: FOLLOW_WALLETS_POLL_MS,
    enabled,
  });
