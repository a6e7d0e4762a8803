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
  return sql`jsonb_to_recordset(${toJson(rows)}::jsonb) as ${sql.raw(`${alias}(${definitionOf(alias, columns)})`)}`;
}

/** Column lists are constants of their callers: each is checked and written out once. */
const definitions = new WeakMap<readonly JsonColumn[], string>();

function definitionOf(alias: string, columns: readonly JsonColumn[]): string {
  if (!NAME.test(alias)) throw new Error(`jsonRows: "${alias}" and its column names must be plain lower-case SQL names`);
  let definition = definitions.get(columns);
  if (definition === undefined) {
    const bad = columns.find(([name]) => !NAME.test(name));
    if (bad) throw new Error(`jsonRows: "${bad[0]}": ${alias} and its column names must be plain lower-case SQL names`);
    definition = columns.map(([name, type]) => `${name} ${type}`).join(", ");
    definitions.set(columns, definition);
  }
  return definition;
}

const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * JSON text of the rows, a bigint as its decimal string. Without a replacer first: a replacer is
 * called for every key and value (it was most of the cost), and JSON.stringify throws on a bigint,
 * which is the rare case the replacer is kept for.
 */
function toJson(rows: ReadonlyArray<Record<string, unknown>>): string {
  try {
    return JSON.stringify(rows);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  }
}
