/**
 * Responses fetched by index.html's inline script before the bundle ran (the arena's first
 * reads), each handed out once to the first request for the same path. Later requests, and any
 * path the script did not fetch, go to the network as usual.
 */
declare global {
  interface Window {
    __autonomeEarly?: Record<string, Promise<Response | null>>;
  }
}

/**
 * The paths index.html fetches early: the arena's first leaderboard and equity reads, the
 * ticker's markets, the header's health, and live trading's status (the leaderboard's venues).
 */
export const EARLY_PATHS = ["/leaderboard?window=all&sort=returnPct", "/equity?window=all&points=100", "/markets", "/health", "/live"] as const;

export function takeEarly(path: string): Promise<Response | null> | undefined {
  const early = typeof window === "undefined" ? undefined : window.__autonomeEarly;
  const hit = early?.[path];
  if (hit) delete early[path];
  return hit;
}
