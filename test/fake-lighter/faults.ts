/**
 * Faults to inject, each for the next N sendTx / sendTxBatch requests over HTTP:
 * - "timeout": the answer is held `holdMs`, then the socket is closed without one. With
 *   `accept: true` the tx is taken first (a timeout after acceptance).
 * - "drop-after-accept": the tx is taken and executed, then the socket is closed unanswered.
 * - "http-5xx": an HTML error page with `status` (default 502); the tx is not taken.
 * - "rate-limit": HTTP 429 {"code":23000,"message":"Too Many Requests!"}; not taken.
 * - "cloudflare-403": HTTP 403 with Cloudflare's HTML page; not taken.
 * - "too-many-pending": HTTP 400 {"code":21506,…}; not taken.
 */
export type SendTxFault =
  | { kind: "timeout"; holdMs?: number; accept?: boolean }
  | { kind: "drop-after-accept" }
  | { kind: "http-5xx"; status?: number }
  | { kind: "rate-limit" }
  | { kind: "cloudflare-403" }
  | { kind: "too-many-pending" };

export class Faults {
  private readonly sendTxQueue: SendTxFault[] = [];
  private readonly gaps = new Map<number, number>();
  private readonly badStats = new Map<number, number>();
  /** Delay before account channels (account_*, user_stats) publish an update, ms. */
  accountUpdateDelayMs = 0;

  constructor(private readonly dropSockets: (clean: boolean) => void) {}

  /** Queues `fault` for the next `times` sendTx requests. */
  sendTx(fault: SendTxFault, times = 1): void {
    for (let i = 0; i < times; i++) this.sendTxQueue.push(fault);
  }

  /** The fault for the sendTx request now arriving, if any. */
  takeSendTx(): SendTxFault | undefined {
    return this.sendTxQueue.shift();
  }

  /** Drops the next `times` order-book diffs of `marketId` unsent: the one after shows a nonce gap. */
  orderBookGap(marketId: number, times = 1): void {
    this.gaps.set(marketId, (this.gaps.get(marketId) ?? 0) + times);
  }

  takeGap(marketId: number): boolean {
    const n = this.gaps.get(marketId) ?? 0;
    if (n <= 0) return false;
    this.gaps.set(marketId, n - 1);
    return true;
  }

  /**
   * Sends the next `times` market_stats updates of `marketId` malformed (the rate as a JSON number
   * and garbage, no open interest): what a client must report and skip without losing its books.
   */
  malformedMarketStats(marketId: number, times = 1): void {
    this.badStats.set(marketId, (this.badStats.get(marketId) ?? 0) + times);
  }

  takeMalformedMarketStats(marketId: number): boolean {
    const n = this.badStats.get(marketId) ?? 0;
    if (n <= 0) return false;
    this.badStats.set(marketId, n - 1);
    return true;
  }

  /** Closes every WebSocket: abruptly (the client sees 1006) unless `clean`, then with 1001. */
  dropWebSockets(options: { clean?: boolean } = {}): void {
    this.dropSockets(options.clean ?? false);
  }

  clear(): void {
    this.sendTxQueue.length = 0;
    this.gaps.clear();
    this.badStats.clear();
    this.accountUpdateDelayMs = 0;
  }
}
