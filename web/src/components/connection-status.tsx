import { useLive } from "../live/live-provider.tsx";

const LABEL = { connecting: "connecting", live: "live", reconnecting: "reconnecting", offline: "offline" } as const;

/** live / reconnecting / offline: whether what the page shows is still being updated. */
export function ConnectionStatus() {
  const { state } = useLive();
  return (
    <span
      className={`conn conn-${state}`}
      data-testid="connection-status"
      role="status"
      title={state === "live" ? "Receiving live events" : "Not receiving events; the page resumes and refetches when the connection is back"}
    >
      <span className="dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}
