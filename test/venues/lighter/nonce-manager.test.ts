import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LighterApiError, LighterLocalRefusal, LighterTransportError } from "../../../src/venues/lighter/errors.js";
import { NonceManager } from "../../../src/venues/lighter/nonce-manager.js";
import { isInvalidNonce } from "../../../src/venues/lighter/protocol.js";

const settle = () => new Promise<void>((r) => setImmediate(r));

/** A promise the test resolves or rejects by hand: a slow send, a slow fetch. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** fetchNext answering the given values in turn (the last one repeats), counting its calls. */
function fetcher(...values: number[]) {
  const f = {
    calls: 0,
    fetch: (): Promise<number> => {
      const v = values[Math.min(f.calls, values.length - 1)]!;
      f.calls++;
      return Promise.resolve(v);
    },
  };
  return f;
}

const apiRefusal = () => new LighterApiError(21739, "not enough margin ", 400, "sendTx");
const invalidNonceByText = () => new LighterApiError(21501, "invalid tx info: invalid nonce", 400, "sendTx");
const invalidNonceByCode = () => new LighterApiError(21120, "bad sequence", 400, "sendTx");
const transport = () => new LighterTransportError("sendTx", "no answer within 10000 ms");
const localRefusal = () => new LighterLocalRefusal("price 0 is out of range");

describe("isInvalidNonce", () => {
  it("matches code 21120 or any message that mentions a nonce, in any case", () => {
    expect(isInvalidNonce(21120, "")).toBe(true);
    expect(isInvalidNonce(21501, "invalid nonce")).toBe(true);
    expect(isInvalidNonce(20001, "Invalid Nonce: expected 7")).toBe(true);
    expect(isInvalidNonce(21739, "not enough margin")).toBe(false);
    expect(isInvalidNonce(21728, "client order index already exists")).toBe(false);
  });
});

describe("NonceManager", () => {
  it("fetches the nonce lazily, once, then counts up after each success", async () => {
    const f = fetcher(5);
    const nm = new NonceManager(f.fetch);
    expect(f.calls).toBe(0); // nothing fetched before the first send

    const used: number[] = [];
    const results = [await nm.send(async (n) => (used.push(n), `tx${n}`)), await nm.send(async (n) => (used.push(n), `tx${n}`)), await nm.send(async (n) => (used.push(n), `tx${n}`))];
    expect(used).toEqual([5, 6, 7]);
    expect(results).toEqual(["tx5", "tx6", "tx7"]);
    expect(f.calls).toBe(1);
  });

  it("two sends issued before the fetch answered fetch once and take consecutive nonces", async () => {
    const fetched = deferred<number>();
    let fetches = 0;
    const nm = new NonceManager(() => (fetches++, fetched.promise));
    const used: number[] = [];
    const a = nm.send(async (n) => void used.push(n));
    const b = nm.send(async (n) => void used.push(n));
    await settle();
    expect(used).toEqual([]);
    fetched.resolve(40);
    await Promise.all([a, b]);
    expect(used).toEqual([40, 41]);
    expect(fetches).toBe(1);
  });

  it("an API refusal consumes nothing: it is passed on and the next send reuses the nonce", async () => {
    const f = fetcher(5);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    await nm.send(async (n) => void used.push(n)); // 5
    const refusal = apiRefusal();
    await expect(
      nm.send(async (n) => {
        used.push(n); // 6
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    await nm.send(async (n) => void used.push(n)); // 6 again: no gap
    await nm.send(async (n) => void used.push(n)); // 7
    expect(used).toEqual([5, 6, 6, 7]);
    expect(f.calls).toBe(1);
  });

  it.each([
    ["a message that mentions the nonce", invalidNonceByText],
    ["code 21120", invalidNonceByCode],
  ])("an invalid nonce (%s) refetches and retries once with the fresh nonce", async (_label, invalid) => {
    const f = fetcher(5, 9); // another client used 5..8 meanwhile
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    const result = await nm.send(async (n) => {
      used.push(n);
      if (n === 5) throw invalid();
      return `ok${n}`;
    });
    expect(result).toBe("ok9");
    expect(used).toEqual([5, 9]);
    expect(f.calls).toBe(2);
    // The retry's success counts: the next send uses 10 without fetching.
    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([5, 9, 10]);
    expect(f.calls).toBe(2);
  });

  it("a second invalid nonce fails the send (no third try), and the next send fetches again", async () => {
    const f = fetcher(5, 9, 12);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    const second = invalidNonceByText();
    let attempt = 0;
    await expect(
      nm.send(async (n) => {
        used.push(n);
        if (attempt > 5) throw new Error("retried without end");
        throw attempt++ === 0 ? invalidNonceByCode() : second;
      }),
    ).rejects.toBe(second);
    expect(used).toEqual([5, 9]);
    expect(f.calls).toBe(2);

    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([5, 9, 12]);
    expect(f.calls).toBe(3);
  });

  it("a retry that meets another refusal fails with that refusal and leaves the fresh nonce for the next send", async () => {
    const f = fetcher(5, 9);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    const refusal = apiRefusal();
    await expect(
      nm.send(async (n) => {
        used.push(n);
        throw n === 5 ? invalidNonceByText() : refusal;
      }),
    ).rejects.toBe(refusal);
    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([5, 9, 9]);
    expect(f.calls).toBe(2);
  });

  it("a transport error is passed on and makes the next send refetch (the tx may have been taken)", async () => {
    const f = fetcher(5, 6);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    const lost = transport();
    await expect(
      nm.send(async (n) => {
        used.push(n);
        throw lost;
      }),
    ).rejects.toBe(lost);
    expect(f.calls).toBe(1); // no retry: a resend could place the order twice
    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([5, 6]);
    expect(f.calls).toBe(2);
  });

  it("a local refusal consumes nothing and does not refetch", async () => {
    const f = fetcher(5, 100);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    await nm.send(async (n) => void used.push(n)); // 5
    const refusal = localRefusal();
    await expect(
      nm.send(async (n) => {
        used.push(n); // 6, refused before sending
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    await nm.send(async (n) => void used.push(n)); // 6 again
    expect(used).toEqual([5, 6, 6]);
    expect(f.calls).toBe(1);
  });

  it("a failed fetch fails that send only; the next send fetches again", async () => {
    let calls = 0;
    const nm = new NonceManager(async () => {
      if (calls++ === 0) throw new LighterTransportError("nextNonce", "connection failed");
      return 3;
    });
    const used: number[] = [];
    await expect(nm.send(async (n) => void used.push(n))).rejects.toBeInstanceOf(LighterTransportError);
    expect(used).toEqual([]);
    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([3]);
  });

  it("invalidate() makes the next send fetch again", async () => {
    const f = fetcher(5, 20);
    const nm = new NonceManager(f.fetch);
    const used: number[] = [];
    await nm.send(async (n) => void used.push(n));
    nm.invalidate();
    await nm.send(async (n) => void used.push(n));
    expect(used).toEqual([5, 20]);
    expect(f.calls).toBe(2);
  });

  it("sends are serialized: the second does not start before a slow first one has finished", async () => {
    const nm = new NonceManager(fetcher(5).fetch);
    const slow = deferred<string>();
    const started: number[] = [];
    const first = nm.send((n) => {
      started.push(n);
      return slow.promise;
    });
    const second = nm.send(async (n) => {
      started.push(n);
      return "second";
    });
    for (let i = 0; i < 5; i++) await settle();
    expect(started).toEqual([5]);
    slow.resolve("first");
    await expect(first).resolves.toBe("first");
    await expect(second).resolves.toBe("second");
    expect(started).toEqual([5, 6]);
  });

  it("a slow failing send holds the next one too, which then reuses its nonce", async () => {
    const nm = new NonceManager(fetcher(5).fetch);
    const slow = deferred<string>();
    const started: number[] = [];
    const first = nm.send((n) => {
      started.push(n);
      return slow.promise;
    });
    const second = nm.send(async (n) => {
      started.push(n);
      return "second";
    });
    for (let i = 0; i < 5; i++) await settle();
    expect(started).toEqual([5]);
    const refusal = apiRefusal();
    slow.reject(refusal);
    await expect(first).rejects.toBe(refusal);
    await expect(second).resolves.toBe("second");
    expect(started).toEqual([5, 5]);
  });

  it("an invalid-nonce retry finishes before the next send starts", async () => {
    const f = fetcher(5, 9);
    const nm = new NonceManager(f.fetch);
    const slowRetry = deferred<string>();
    const started: string[] = [];
    const first = nm.send((n) => {
      started.push(`a${n}`);
      return n === 5 ? Promise.reject(invalidNonceByText()) : slowRetry.promise;
    });
    const second = nm.send(async (n) => {
      started.push(`b${n}`);
      return "b";
    });
    for (let i = 0; i < 5; i++) await settle();
    expect(started).toEqual(["a5", "a9"]);
    slowRetry.resolve("a");
    await expect(first).resolves.toBe("a");
    await expect(second).resolves.toBe("b");
    expect(started).toEqual(["a5", "a9", "b10"]);
  });

  /**
   * A model exchange behind one API key: it expects exactly `serverNext`, takes the tx and counts
   * up, or refuses with "invalid nonce". Each attempt (a call of the send function) draws a scripted
   * fate: "ok" (the exchange judges it), "refuse" (API refusal after the nonce check), "local" (the
   * signer refuses before sending), "lost" (never reached the exchange), "taken" (the exchange took
   * it and the answer was lost), "foreign" (another client used the key just before: then the
   * exchange judges it). Every send is issued at once, so the manager's queue does the ordering.
   */
  type Fate = "ok" | "refuse" | "local" | "lost" | "taken" | "foreign";

  it("property: over random sequences of outcomes, accepted nonces increase without gaps, none is taken twice, and the count follows the rules", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.constantFrom<Fate>("ok", "ok", "ok", "refuse", "local", "lost", "taken", "foreign"), { maxLength: 40 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 3 }),
        async (start, fates, sends, foreignUses) => {
          let serverNext = start;
          let cursor = 0;
          let inFlight = 0;
          let maxInFlight = 0;
          let foreignEvents = 0;
          let invalidNonceRefusals = 0;
          type Event = { kind: "fetch"; value: number } | { kind: "attempt"; send: number; nonce: number; fate: Fate; result: "accepted" | "invalid" | "refused" | "local" | "transport" };
          const log: Event[] = [];
          const accepted: number[] = [];

          const nm = new NonceManager(async () => {
            await settle();
            log.push({ kind: "fetch", value: serverNext });
            return serverNext;
          });
          const sendFn = (id: number) => async (nonce: number) => {
            maxInFlight = Math.max(maxInFlight, ++inFlight);
            await settle();
            const fate = fates[cursor++] ?? "ok";
            const record = (result: Extract<Event, { kind: "attempt" }>["result"]) => log.push({ kind: "attempt", send: id, nonce, fate, result });
            try {
              if (fate === "local") {
                record("local");
                throw localRefusal();
              }
              if (fate === "lost") {
                record("transport");
                throw transport();
              }
              if (fate === "foreign") {
                serverNext += foreignUses;
                foreignEvents++;
              }
              if (nonce !== serverNext) {
                invalidNonceRefusals++;
                record("invalid");
                throw new LighterApiError(21120, `invalid nonce: expected ${serverNext}, got ${nonce}`, 400, "sendTx");
              }
              if (fate === "refuse") {
                record("refused");
                throw apiRefusal();
              }
              serverNext++;
              accepted.push(nonce);
              if (fate === "taken") {
                record("transport");
                throw transport();
              }
              record("accepted");
              return nonce;
            } finally {
              inFlight--;
            }
          };

          const outcomes = await Promise.allSettled(Array.from({ length: sends }, (_, i) => nm.send(sendFn(i))));

          expect(maxInFlight).toBeLessThanOrEqual(1); // serialized

          // No nonce taken twice; taken nonces strictly increase.
          expect(new Set(accepted).size).toBe(accepted.length);
          for (let i = 1; i < accepted.length; i++) expect(accepted[i]!).toBeGreaterThan(accepted[i - 1]!);

          // Replay the log against the rules of the doc comment.
          let expectedNonce: number | undefined;
          let mustFetch = true;
          const attemptsBySend = new Map<number, Extract<Event, { kind: "attempt" }>[]>();
          let lastSend = -1;
          for (const e of log) {
            if (e.kind === "fetch") {
              expect(mustFetch).toBe(true); // a fetch only when the count is unknown
              expectedNonce = e.value;
              mustFetch = false;
              continue;
            }
            expect(mustFetch).toBe(false);
            expect(e.nonce).toBe(expectedNonce);
            expect(e.send).toBeGreaterThanOrEqual(lastSend); // sends run in call order
            lastSend = e.send;
            attemptsBySend.set(e.send, [...(attemptsBySend.get(e.send) ?? []), e]);
            if (e.result === "accepted")
              expectedNonce = e.nonce + 1; // the next one, no gap
            else if (e.result === "refused" || e.result === "local")
              expectedNonce = e.nonce; // reused
            else mustFetch = true; // invalid nonce or no answer: refetch
          }

          // Successful sends: their nonces follow each other, or the value fetched in between.
          const successNonces = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
          for (let i = 1; i < successNonces.length; i++) expect(successNonces[i]!).toBeGreaterThan(successNonces[i - 1]!);
          expect(new Set(successNonces).size).toBe(successNonces.length);

          // Each send: one attempt, or two when the first met an invalid nonce; its result matches its last attempt.
          for (let i = 0; i < sends; i++) {
            const attempts = attemptsBySend.get(i) ?? [];
            expect(attempts.length === 1 || (attempts.length === 2 && attempts[0]!.result === "invalid")).toBe(true);
            const last = attempts[attempts.length - 1]!;
            const outcome = outcomes[i]!;
            if (last.result === "accepted") expect(outcome).toEqual({ status: "fulfilled", value: last.nonce });
            else expect(outcome.status).toBe("rejected");
          }

          // The manager never provokes an invalid nonce itself: only another client's use of the key does.
          expect(invalidNonceRefusals).toBeLessThanOrEqual(foreignEvents);
        },
      ),
      { numRuns: 200 },
    );
  });
});
