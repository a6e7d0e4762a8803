import { sql, type SQL } from "drizzle-orm";

/** A column of `jsonRows`: its name and its PostgreSQL type (as `jsonb_to_recordset` takes it). */
export type JsonColumn = readonly [name: string, type: "text" | "int" | "bigint" | "boolean" | "numeric" | "timestamptz" | "jsonb"];

/**
 * Many rows as one jsonb parameter, read back as a row set: `select ... from <this>` in an
 * INSERT, or `from <this>` in an UPDATE. For the batches written when a hundred runs start or
 * end together: the statement's text is the same for any number of rows and it carries one
 * parameter instead of thousands, so building it and binding it costs next to nothing (drizzle
 * building a 1,300-parameter statement was a tenth of a scheduler cycle's own work).
 *
 * Values go through JSON: strings, numbers and booleans as they are (a numeric column takes its
 * decimal string exactly), Date as its ISO time (read
 * back exactly by timestamptz), jsonb columns as nested JSON. Keys absent from a row read as null.
 */
export function jsonRows(alias: string, columns: readonly JsonColumn[], rows: ReadonlyArray<Record<string, unknown>>): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias) || columns.some(([name]) => !/^[a-z_][a-z0-9_]*$/.test(name))) {
    throw new Error(`jsonRows: "${alias}" and its column names must be plain lower-case SQL names`);
  }
  const json = JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  const definition = columns.map(([name, type]) => `${name} ${type}`).join(", ");
  return sql`jsonb_to_recordset(${json}::jsonb) as ${sql.raw(`${alias}(${definition})`)}`;
}
