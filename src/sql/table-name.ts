/** A validated table name, optionally qualified by a schema (or, in SQLite, an attached database). */
export interface TableName {
  readonly schema: string | null;
  readonly table: string;
}

// Index names are the table name plus a suffix of at most 10 characters, and PostgreSQL
// silently truncates identifiers longer than 63 bytes. Two truncated index names could then
// collide, so that `CREATE INDEX IF NOT EXISTS` would skip the second index without an error.
const MAX_PART_LENGTH = 48;
const PART = `[A-Za-z_][A-Za-z0-9_]{0,${MAX_PART_LENGTH - 1}}`;
const TABLE_NAME = new RegExp(`^(?:(${PART})\\.)?(${PART})$`);

/** The table name used when `options.table` is not given. */
export const DEFAULT_TABLE = 'api_tokens';

/**
 * Parses `table` or `schema.table` as SQL identifiers: a letter or underscore, then letters,
 * digits or underscores, at most 48 characters each.
 *
 * @throws TypeError naming `label` when `table` is not such a name.
 */
export function parseTableName(table: unknown, label: string): TableName {
  const match = typeof table === 'string' ? TABLE_NAME.exec(table) : null;
  if (match === null) {
    throw new TypeError(
      `${label} must be a table name of letters, digits and underscores, optionally as schema.table, ` +
        `each part starting with a letter or underscore and at most ${MAX_PART_LENGTH} characters long; got ${describe(table)}`,
    );
  }
  return Object.freeze({ schema: match[1] ?? null, table: match[2]! });
}

/**
 * Returns `table` or `schema.table` with each part quoted: in double quotes (PostgreSQL,
 * SQLite) or in backticks (MySQL). Names are validated as letters, digits and underscores,
 * so the quotes cannot be escaped. They keep mixed case and allow reserved words such as `user`.
 */
export function quoteTableName(table: TableName, quote: '"' | '`'): string {
  const name = `${quote}${table.table}${quote}`;
  return table.schema === null ? name : `${quote}${table.schema}${quote}.${name}`;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}
