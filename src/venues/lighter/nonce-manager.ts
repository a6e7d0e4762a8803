import { LighterApiError, LighterLocalRefusal } from "./errors.js";
import { isInvalidNonce } from "./protocol.js";

/**
 * Nonces of one API key. Lighter wants them strictly increasing per (account, API key): fetched
 * once (lazily), then counted here. Sends are serialized, because a tx signed with nonce n+1
 * must not reach the exchange before the one with n. What a failure does to the count:
 * - an API-level refusal consumes nothing: the next tx reuses the nonce (no gap);
 * - "invalid nonce": our count is wrong (another client used the key): refetch, re-sign, resend once;
 * - a refusal before sending (the signer's checks) consumes nothing either;
 * - no answer: the tx may or may not have been taken, so the count is refetched before the next send.
 */
export class NonceManager {
  private next: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly fetchNext: () => Promise<number>) {}

  /** Runs `send` with the next nonce, after every earlier send of this key has finished. */
  send<T>(send: (nonce: number) => Promise<T>): Promise<T> {
    const turn = this.queue.then(() => this.attempt(send, true));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Forgets the count: the next send fetches it again. */
  invalidate(): void {
    this.next = undefined;
  }

  private async attempt<T>(send: (nonce: number) => Promise<T>, mayRetry: boolean): Promise<T> {
    if (this.next === undefined) this.next = await this.fetchNext();
    const nonce = this.next;
    try {
      const result = await send(nonce);
      this.next = nonce + 1;
      return result;
    } catch (error) {
      if (error instanceof LighterLocalRefusal) throw error;
      if (error instanceof LighterApiError) {
        if (isInvalidNonce(error.code, error.apiMessage)) {
          this.next = undefined;
          if (mayRetry) return this.attempt(send, false);
        }
        throw error;
      }
      this.next = undefined;
      throw error;
    }
  }
}
