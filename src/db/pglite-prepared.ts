import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";

/**
 * Named prepared statements for PGlite. Its query() sends every statement as an unnamed one: the
 * embedded database parses, analyses and plans the text again each time, and the text crosses into
 * it each time. The app sends the same few dozen statements over and over (an order's fills, the
 * outbox, a mirror's intake), some of them a few kilobytes long: each is parsed once here, then
 * only bound and executed, which takes a third to a half of the time for the long ones. The bind,
 * execute and sync of a kept statement cross into the database as one message, one call instead
 * of three.
 *
 * The statements are kept per text (and parameter types), the least recently used let go past a
 * bound. Named statements belong to the session, not to a transaction: one prepared in a
 * transaction that rolls back stays usable. A statement that fails to parse is not kept, and one
 * whose cached plan no longer fits the tables (changed by DDL) is parsed anew on its next use.
 *
 * What PGlite does around a query is kept: its lock (a query waits for a transaction of another
 * caller; inside one it does not), its parameter serializers and result parsers, its errors (the
 * same DatabaseError with the query and parameters attached), and the file sync after a query
 * outside a transaction.
 */

/** Statements kept at most; past it the least recently used one is closed. */
export const PREPARED_STATEMENTS_KEPT = 300;

/** SQLSTATE of "cached plan must not change result type": the tables changed under the statement. */
const PLAN_CHANGED = "0A000";

const { serialize } = protocol;
type BackendMessage = Parameters<typeof parse.parseResults>[0][number];

/** PGlite's members this relies on: public in its JavaScript, not in its types. */
interface PgliteInternals {
  _checkReady(): Promise<void>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  execProtocolStream(message: Uint8Array, options?: { syncToFs?: boolean }): Promise<BackendMessage[]>;
  syncToFs(): Promise<void>;
  serializers: Record<number, (value: unknown) => string>;
  parsers: Parameters<typeof parse.parseResults>[1];
}

interface Statement {
  name: string;
  /** Type OIDs of the parameters, as the database inferred them. */
  paramTypes: number[];
  /** The columns of its rows (none for a statement without rows): described once, not on every execution. */
  columns: BackendMessage | undefined;
}

export function usePreparedStatements(client: PGlite, kept = PREPARED_STATEMENTS_KEPT): void {
  const pg = client as unknown as PgliteInternals;
  const statements = new Map<string, Statement>();
  let named = 0;
  const send = (message: Uint8Array) => pg.execProtocolStream(message, { syncToFs: false });

  /** Runs one statement under PGlite's query lock (the caller holds the transaction lock, or is inside one). */
  const run = (sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results> =>
    pg._runExclusiveQuery(async () => {
      const key = options?.paramTypes?.length ? `${sql}\u0000${options.paramTypes.join(",")}` : sql;
      const messages: BackendMessage[] = [];
      let statement = statements.get(key);
      let stale: string | undefined;
      let synced = false;
      try {
        if (statement) {
          // Most recently used last: the first entry is the one to let go.
          statements.delete(key);
          statements.set(key, statement);
        } else {
          if (statements.size >= kept) {
            const [oldKey, old] = statements.entries().next().value as [string, Statement];
            statements.delete(oldKey);
            await send(serialize.close({ type: "S", name: old.name }));
          }
          const name = `autonome_${++named}`;
          await send(serialize.parse({ name, text: sql, ...(options?.paramTypes ? { types: options.paramTypes } : {}) }));
          const described = await send(serialize.describe({ type: "S", name }));
          statement = { name, paramTypes: parse.parseDescribeStatementResults(described), columns: described.find((m) => m.name === "rowDescription") };
          statements.set(key, statement);
        }
        const types = statement.paramTypes;
        const values = params.map((value, i) => {
          if (value === null || value === undefined) return null;
          const serializer = options?.serializers?.[types[i]!] ?? pg.serializers[types[i]!];
          return serializer ? serializer(value) : String(value as string);
        });
        // Bind, execute and sync in one message: the database runs them in one pass (after an error it
        // skips to the sync, as over a socket).
        const message = Buffer.concat([serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()]);
        synced = true;
        // The rows' description goes before the rows, as a described portal's would.
        if (statement.columns) messages.push(statement.columns);
        messages.push(...(await send(message)));
      } catch (error) {
        if ((error as { code?: string }).code === PLAN_CHANGED && statement) {
          statements.delete(key);
          // The session ignores messages after an error until its sync: the close follows it.
          stale = statement.name;
        }
        throw Object.assign(error as object, { query: sql, params, queryOptions: options });
      } finally {
        if (!synced) messages.push(...(await send(serialize.sync())));
        if (stale) await send(serialize.close({ type: "S", name: stale })).then(() => send(serialize.sync()));
      }
      return parse.parseResults(messages, pg.parsers, options)[0]!;
    });

  const transaction = client.transaction.bind(client);
  client.query = (async (sql: string, params?: unknown[], options?: QueryOptions) => {
    await pg._checkReady();
    const result = await pg._runExclusiveTransaction(() => run(sql, params, options));
    // As PGlite's own query outside a transaction: what it wrote reaches the files.
    await pg.syncToFs();
    return result;
  }) as PGlite["query"];
  client.transaction = <T>(work: (tx: Transaction) => Promise<T>): Promise<T> =>
    transaction((tx) => {
      const prepared = Object.create(tx) as Transaction;
      prepared.query = (async (sql: string, params?: unknown[], options?: QueryOptions) => {
        if (tx.closed) throw new Error("Transaction is closed");
        return run(sql, params, options);
      }) as Transaction["query"];
      return work(prepared);
    });
}
