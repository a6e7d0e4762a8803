import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

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
function toJson(rows: ReadonlyArray<object>): string {
  try {
    return JSON.stringify(rows);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  }
}

/**
 * Rows of `table` given by their TypeScript keys (the objects drizzle takes), as a row set `v` whose
 * columns are those keys with the table's own SQL types: `insert into t (<columns>) select <keys>
 * from <from>`, or `from <from>` in an UPDATE reading `v."someKey"`. The column names and types come
 * from the schema, so no list repeats it.
 */
export function tableRows<T extends PgTable>(table: T, keys: TableKeys<T>, rows: ReadonlyArray<Partial<T["$inferInsert"]>>): { columns: SQL; keys: SQL; from: SQL } {
  let ofTable = shapes.get(table);
  if (ofTable === undefined) shapes.set(table, (ofTable = new WeakMap()));
  let shape = ofTable.get(keys);
  if (shape === undefined) {
    const all = getTableColumns(table) as Record<string, { name: string; getSQLType(): string }>;
    const parts = keys.map((key) => {
      const column = all[key];
      if (!column || !KEY.test(key)) throw new Error(`tableRows: "${key}" is not a column of the table`);
      return { name: column.name, key: `"${key}"`, type: column.getSQLType() };
    });
    shape = {
      columns: parts.map((p) => p.name).join(", "),
      keys: parts.map((p) => `v.${p.key}`).join(", "),
      definition: parts.map((p) => `${p.key} ${p.type}`).join(", "),
    };
    ofTable.set(keys, shape);
  }
  return { columns: sql.raw(shape.columns), keys: sql.raw(shape.keys), from: sql`jsonb_to_recordset(${toJson(rows)}::jsonb) as ${sql.raw(`v(${shape.definition})`)}` };
}

/** `insert into <table> (<columns>) select ... from <the rows>`; the caller may add `on conflict` and `returning`. */
export function insertRows<T extends PgTable>(table: T, keys: TableKeys<T>, rows: ReadonlyArray<Partial<T["$inferInsert"]>>): SQL {
  const set = tableRows(table, keys, rows);
  return sql`insert into ${table} (${set.columns}) select ${set.keys} from ${set.from}`;
}

/** The keys of a table's insert type, as a constant list of its caller (its shape is worked out once). */
export type TableKeys<T extends PgTable> = ReadonlyArray<keyof T["$inferInsert"] & string>;

const shapes = new WeakMap<PgTable, WeakMap<ReadonlyArray<string>, { columns: string; keys: string; definition: string }>>();
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A `json`/`jsonb` value read back: both drivers parse it; one that hands back the text is parsed here. */
export function jsonValue(v: unknown): unknown {
  return typeof v === "string" ? JSON.parse(v) : v;
}
