/**
 * Injected failures for the HTTP face (the admin API arms them; each fires on the next matching
 * requests, then disarms). Paths match by prefix; omit the path to hit any non-admin request.
 */

export interface FailRule {
  status: number;
  /** Body `{"error": …}`; defaults per status below. */
  error?: string;
  count: number;
  path?: string;
}

export interface DelayRule {
  ms: number;
  count: number;
  path?: string;
}

const DEFAULT_ERRORS: Record<number, string> = {
  429: "Too Many Requests",
  500: "Internal server error",
  503: "Trading is currently disabled. Check polymarket.com for updates",
};

export class Faults {
  private fails: FailRule[] = [];
  private delays: DelayRule[] = [];
  /** POST /order (or /orders) requests whose orders are processed but whose answer is never sent. */
  dropOrderResponses = 0;

  failNext(rule: FailRule): void {
    this.fails.push({ ...rule });
  }

  delayNext(rule: DelayRule): void {
    this.delays.push({ ...rule });
  }

  /** The failure to answer this request with, if one is armed for it. */
  takeFailure(path: string): { status: number; error: string } | undefined {
    const rule = this.fails.find((r) => r.count > 0 && (!r.path || path.startsWith(r.path)));
    if (!rule) return undefined;
    rule.count -= 1;
    this.fails = this.fails.filter((r) => r.count > 0);
    return { status: rule.status, error: rule.error ?? DEFAULT_ERRORS[rule.status] ?? "Internal server error" };
  }

  takeDelay(path: string): number {
    const rule = this.delays.find((r) => r.count > 0 && (!r.path || path.startsWith(r.path)));
    if (!rule) return 0;
    rule.count -= 1;
    this.delays = this.delays.filter((r) => r.count > 0);
    return rule.ms;
  }

  takeDrop(): boolean {
    if (this.dropOrderResponses <= 0) return false;
    this.dropOrderResponses -= 1;
    return true;
  }

  reset(): void {
    this.fails = [];
    this.delays = [];
    this.dropOrderResponses = 0;
  }
}
