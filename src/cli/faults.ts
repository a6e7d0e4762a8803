import type { ExecutionRow } from "../copy/mirror-store.js";

/**
 * Fault injection for the crash tests, from AUTONOME_FAULT: `after_claim` or `after_order`
 * (optionally `:N`, the N-th execution) kills the worker with SIGKILL at that point, the way a
 * power cut would. Unset in any real deployment.
 */
export function crashFaults(spec: string | undefined): { faults?: { afterClaim?(row: ExecutionRow): void; afterOrder?(row: ExecutionRow): void } } {
  if (!spec) return {};
  const [point, nth] = spec.split(":");
  let remaining = Number(nth ?? "1");
  const kill = () => {
    if (--remaining === 0) process.kill(process.pid, "SIGKILL");
  };
  if (point === "after_claim") return { faults: { afterClaim: kill } };
  if (point === "after_order") return { faults: { afterOrder: kill } };
  throw new Error(`AUTONOME_FAULT: "${spec}" must be after_claim or after_order (optionally :N)`);
}
