import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App } from "./app.tsx";
import { ApiError } from "./api/client.ts";
import { prefetchArena } from "./pages/arena.tsx";
import "./styles.css";

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // Events keep the data fresh; a refetch on focus catches up after the laptop slept.
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 3,
    },
  },
});

const root = createRoot(document.getElementById("root")!);
const render = () =>
  root.render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );

/**
 * On the arena its first reads (which index.html started before this script loaded) are put in
 * the cache first, so its first render has the leaderboard and the curves: one render, one layout,
 * instead of a loading state painted and the data rendered after it. A slow server does not keep
 * the page blank: after FIRST_READS_WAIT_MS the page renders with its loading state.
 */
const FIRST_READS_WAIT_MS = 500;
if (location.pathname === "/") void Promise.race([prefetchArena(client), new Promise((resolve) => setTimeout(resolve, FIRST_READS_WAIT_MS))]).then(render);
else render();
