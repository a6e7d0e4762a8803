import type { Db } from "../../src/db/client.js";

export interface StatementCounter {
  readonly count: number;
  reset(): void;
  /** Puts the driver's own `query` back. */
  restore(): void;
}

/**
 * Counts the statements sent to the database: wraps the driver client's `query` (the PGlite
 * instance, or the node-postgres pool), which every statement outside a transaction goes through.
 * For tests and benchmarks that check a read's statement count does not grow with the data.
 */
export function countStatements(db: Db): StatementCounter {
  const client = (db as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client;
  const original = client.query;
  let count = 0;
  client.query = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    reset: () => {
      count = 0;
    },
    restore: () => {
      client.query = original;
    },
  };
}
