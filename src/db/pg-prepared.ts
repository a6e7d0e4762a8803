import type pg from "pg";

/**
 * Named prepared statements on a PostgreSQL connection. drizzle sends every statement unnamed, so
 * the server parses, analyses and plans its text again on every call, and the text crosses the
 * socket every time; some of ours are a few kilobytes (an order with its fills, ledger and
 * position; a mirror's intake). node-postgres skips the parse of a statement given a name its
 * connection has already prepared, but never lets one go, and some of our texts vary (IN lists).
 *
 * So, per connection: a text seen a second time gets a name of its own (texts used once are never
 * named), later calls only bind and execute it, and past a bound the least recently used one is
 * deallocated. Names are never reused, so a statement the server still holds can never be taken
 * for another one. A statement that fails to parse is forgotten; one whose cached plan no longer
 * fits its tables (DDL, `0A000`) or that the server no longer has (`26000`, after DISCARD ALL) is
 * forgotten and prepared anew on its next use. Any other error leaves a statement as it was: a
 * failed execution does not touch it.
 *
 * DEALLOCATE is an ordinary statement queued on the connection; in a transaction that already
 * failed it is refused, and the name waits for the next deallocation.
 */

/** Statements kept per connection at most; past it the least recently used one is deallocated. */
export const PG_STATEMENTS_KEPT = 300;

/** SQLSTATEs after which a named statement is of no more use: its plan no longer fits, or it is gone. */
const STATEMENT_UNUSABLE = new Set(["0A000", "26000"]);
/** SQLSTATE of a statement refused because the transaction already failed. */
const IN_FAILED_TRANSACTION = "25P02";

/** node-postgres's bookkeeping of the statements a connection has parsed: public in its JavaScript, not in its types. */
interface ConnectionInternals {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}

interface QueryConfig {
  text: string;
  name?: string;
  submit?: unknown;
}

type Query = (...args: unknown[]) => unknown;

let nameCount = 0;

export function usePgPreparedStatements(client: pg.ClientBase, kept = PG_STATEMENTS_KEPT): void {
  const connection = (client as unknown as { connection?: Partial<ConnectionInternals> }).connection;
  // Another node-postgres could keep its books elsewhere: statements then stay unnamed, as before.
  if (!connection || typeof connection.parsedStatements !== "object" || typeof connection.submittedNamedStatements !== "object") return;
  const books = connection as ConnectionInternals;
  const query = client.query.bind(client) as Query;
  /** Text -> name, least recently used first. */
  const names = new Map<string, string>();
  /** Texts seen once and not named (yet); cleared when it grows, so it stays small. */
  let seen = new Set<string>();
  /** Names to deallocate, from statements let go or of no more use. */
  const closing = new Set<string>();

  const forget = (name: string) => {
    delete books.parsedStatements[name];
    delete books.submittedNamedStatements[name];
  };

  /**
   * Deallocates the names waiting (usually one), each in a round trip of its own before the
   * statement about to be sent (never beside a query in flight); undefined when there is nothing
   * to do, or the transaction has already failed and would refuse it.
   */
  const deallocate = (): Promise<void> | undefined => {
    if (closing.size === 0 || client.getTransactionStatus() === "E") return undefined;
    const batch = [...closing];
    closing.clear();
    let done = Promise.resolve();
    for (const name of batch) {
      done = done.then(() =>
        (query(`DEALLOCATE ${name}`) as Promise<unknown>).then(
          () => forget(name),
          (error: { code?: string }) => {
            if (error?.code === IN_FAILED_TRANSACTION) closing.add(name);
            else forget(name); // already gone (26000), or the connection ended
          },
        ),
      );
    }
    return done;
  };

  const nameOf = (text: string): string | undefined => {
    const name = names.get(text);
    if (name !== undefined) {
      names.delete(text);
      names.set(text, name);
      return name;
    }
    if (!seen.has(text)) {
      if (seen.size >= 4 * kept) seen = new Set();
      seen.add(text);
      return undefined;
    }
    seen.delete(text);
    const fresh = `autonome_${(++nameCount).toString(36)}`;
    names.set(text, fresh);
    if (names.size > kept) {
      const [oldestText, oldest] = names.entries().next().value as [string, string];
      names.delete(oldestText);
      closing.add(oldest);
    }
    return fresh;
  };

  /** After an error of a named statement: forget it when it did not parse or cannot be used again. */
  const failed = (text: string, name: string, error: unknown) => {
    const code = (error as { code?: string } | undefined)?.code;
    const parsed = books.parsedStatements[name] !== undefined;
    if (parsed && !STATEMENT_UNUSABLE.has(code ?? "")) return;
    if (names.get(text) === name) names.delete(text);
    if (parsed && code !== "26000") closing.add(name);
    else forget(name);
    // Still a text in use: named afresh on its next call.
    if (parsed) seen.add(text);
  };

  (client as { query: unknown }).query = (...args: unknown[]) => {
    const config = args[0] as QueryConfig | undefined;
    if (!config || typeof config !== "object" || typeof config.submit === "function" || typeof config.text !== "string" || config.name !== undefined) return query(...args);
    const name = nameOf(config.text);
    if (name === undefined) return query(...args);
    const named = [{ ...config, name }, ...args.slice(1)];
    const last = named[named.length - 1];
    const before = deallocate();
    if (typeof last === "function") {
      const callback = last as (error: unknown, ...rest: unknown[]) => unknown;
      named[named.length - 1] = (error: unknown, ...rest: unknown[]) => {
        if (error) failed(config.text, name, error);
        return callback(error, ...rest);
      };
      if (before) void before.then(() => query(...named));
      else query(...named);
      return undefined;
    }
    const send = () =>
      (query(...named) as Promise<unknown>).catch((error: unknown) => {
        failed(config.text, name, error);
        throw error;
      });
    return before ? before.then(send) : send();
  };
}
