import { COLUMNS, INSTANT_COLUMNS, indexNames, type DuplicateKey, type SqlDialect, type SqlDriver, type SqlRow, type SqlStatements } from './dialect.js';
import { parseTableName, quoteTableName, DEFAULT_TABLE, type TableName } from './table-name.js';

/**
 * The part of a `mysql2/promise` `Pool` that {@link SqlTokenStore.mysql} uses. A
 * `mysql2/promise` `Connection` fits too.
 */
export interface MysqlPoolLike {
  execute(sql: string, values?: (string | null)[]): Promise<[unknown, unknown]>;
}

/**
 * Returns the MySQL and MariaDB DDL that `migrate()` runs: one `CREATE TABLE IF NOT EXISTS`
 * with the unique index on the digest, the listing indexes and the index for the expiry
 * sweep. For teams that run their own migration tool.
 *
 * @param table - `table` or `database.table`; default `api_tokens`.
 * @throws TypeError when `table` is not a valid SQL identifier.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { mysqlSchema } from 'api-tokens/sql';
 *
 * writeFileSync('migrations/0007_api_tokens.sql', mysqlSchema('api_tokens'));
 * ```
 */
export function mysqlSchema(table: string = DEFAULT_TABLE): string {
  return `${schemaStatement(parseTableName(table, 'mysqlSchema: table'))};\n`;
}

/**
 * The MySQL and MariaDB dialect. Instants are `DATETIME(3)` holding the UTC wall-clock time,
 * sent and read as `YYYY-MM-DD HH:MM:SS.mmm` text that this module formats and parses. A
 * DATETIME is not converted by the session `time_zone`, and the text never passes through
 * mysql2's `timezone` or `dateStrings` handling, so no server, session, driver or process
 * time zone can shift a stored instant.
 */
export const mysqlDialect: SqlDialect = {
  name: 'MySQL',
  schemaFunction: 'mysqlSchema',
  instantType: 'DATETIME text such as "2026-03-01 08:30:15.123"',
  statements,
  encodeInstant,
  decodeInstant,
  duplicateKey,
};

/** Wraps a `mysql2/promise` pool in the three calls the store makes. */
export function mysqlDriver(pool: MysqlPoolLike): SqlDriver {
  return {
    async execute(sql, params = []) {
      const [result] = await pool.execute(sql, toParams(params));
      // mysql2 sets the FOUND_ROWS flag by default, so affectedRows counts matched rows.
      return (result as { affectedRows?: number }).affectedRows ?? 0;
    },
    async one(sql, params) {
      return toRows(await pool.execute(sql, toParams(params)))[0] ?? null;
    },
    async all(sql, params) {
      return toRows(await pool.execute(sql, toParams(params)));
    },
  };
}

// A pool created with `rowsAsArray: true` returns each row as an array of values, in the
// order of the fields that come with the rows.
function toRows([rows, fields]: [unknown, unknown]): SqlRow[] {
  const list = rows as unknown[];
  if (!Array.isArray(list[0])) return list as SqlRow[];
  const names = (fields as { name: string }[]).map((field) => field.name);
  return (list as unknown[][]).map((values) => Object.fromEntries(names.map((name, index) => [name, values[index]])));
}

// mysql2 sends JS numbers as DOUBLE, and MySQL 8.0.22 and later reject a DOUBLE as the LIMIT
// of a prepared statement. A decimal string works on MySQL and MariaDB.
// NOTE: the tests run against MariaDB 10.11 only, not against a MySQL server.
function toParams(params: readonly unknown[]): (string | null)[] {
  // The store passes only text, numbers and NULL, because instants are already DATETIME text.
  return params.map((param) => (typeof param === 'number' ? String(param) : (param as string | null)));
}

function statements(table: TableName): SqlStatements {
  const name = quote(table);
  const columns = COLUMNS.join(', ');
  // The instants are selected as text, so the row carries the stored wall-clock time and
  // mysql2 never converts it. The alias keeps the column names, so ORDER BY names the
  // table's column through `token.` to sort on the DATETIME and use the index.
  const selected = COLUMNS.map((column) => (INSTANT_COLUMNS.has(column) ? `CAST(${column} AS CHAR) AS ${column}` : column)).join(', ');
  const select = `SELECT ${selected} FROM ${name} AS token`;
  const newestFirst = 'ORDER BY token.created_at DESC, token.id DESC';
  const instant = 'CAST(? AS DATETIME(3))';

  return {
    migration: [schemaStatement(table)],
    insert: `INSERT INTO ${name} (${columns}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    findByDigest: `${select} WHERE digest = ?`,
    findById: `${select} WHERE id = ?`,
    listByOrganization: `${select} WHERE org_id = ? ${newestFirst} LIMIT ?`,
    listByOrganizationAfter: `${select} WHERE org_id = ? AND token.created_at <= ${instant} AND (token.created_at < ${instant} OR token.id < ?) ${newestFirst} LIMIT ?`,
    listByUser: `${select} WHERE org_id = ? AND user_id = ? ${newestFirst} LIMIT ?`,
    listByUserAfter: `${select} WHERE org_id = ? AND user_id = ? AND token.created_at <= ${instant} AND (token.created_at < ${instant} OR token.id < ?) ${newestFirst} LIMIT ?`,
    updateStatus: `UPDATE ${name} SET status = ?, inactive_reason = ?, deactivated_by = ? WHERE id = ? AND status = ? AND deactivated_by <=> ?`,
    updateReturnsRow: false,
    touchLastUsed: `UPDATE ${name} SET last_used_at = ${instant} WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ${instant})`,
    delete: `DELETE FROM ${name} WHERE id = ?`,
    listExpired: `${select} WHERE status = 'active' AND token.expires_at <= ${instant} ORDER BY token.expires_at LIMIT ?`,
  };
}

// One statement creates the table with its indexes, because MySQL has no CREATE INDEX IF
// NOT EXISTS. Concurrent CREATE TABLE IF NOT EXISTS statements are serialized by the
// server's metadata lock, so racing migrations need no lock of their own.
//
// utf8mb4_bin compares code points, so lookups by id, organization, user and digest are
// exact and case-sensitive. Like every MySQL collation before the 0900 family it ignores
// trailing spaces, which the ids and digests of this library never contain.
function schemaStatement(table: TableName): string {
  const index = indexNames(table);
  return `CREATE TABLE IF NOT EXISTS ${quote(table)} (
  id VARCHAR(128) NOT NULL,
  org_id VARCHAR(128) NOT NULL,
  user_id VARCHAR(128) NOT NULL,
  name VARCHAR(255) NOT NULL,
  suffix VARCHAR(16) NOT NULL,
  digest VARCHAR(64) NOT NULL,
  digest_scheme VARCHAR(32) NOT NULL,
  digest_key_id VARCHAR(128) NULL,
  status VARCHAR(16) NOT NULL,
  inactive_reason VARCHAR(16) NULL,
  deactivated_by VARCHAR(128) NULL,
  scopes TEXT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NULL,
  last_used_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ${quoteIdentifier(index.digest)} (digest),
  KEY ${quoteIdentifier(index.userList)} (org_id, user_id, created_at DESC, id DESC),
  KEY ${quoteIdentifier(index.organizationList)} (org_id, created_at DESC, id DESC),
  KEY ${quoteIdentifier(index.expiry)} (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
}

// "2026-03-01T08:30:15.123Z" becomes "2026-03-01 08:30:15.123".
function encodeInstant(instant: Date): string {
  const iso = instant.toISOString();
  if (iso.length !== 24) throw new RangeError(`${iso} is out of range: a MySQL DATETIME stores the years 1000 to 9999`);
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function decodeInstant(value: unknown): Date | undefined {
  const match = typeof value === 'string' ? DATETIME_TEXT.exec(value) : null;
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  return new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3))),
  );
}

// MariaDB names the key alone ("for key 'api_tokens_digest'"), MySQL 8 qualifies it with
// the table ("for key 'api_tokens.api_tokens_digest'").
const DUPLICATE_KEY_NAME = /for key '(?:[^'.]*\.)?([^'.]*)'$/;

function duplicateKey(error: unknown, table: TableName): DuplicateKey | null {
  const { errno, message } = (error ?? {}) as { errno?: unknown; message?: unknown };
  if (errno !== 1062 || typeof message !== 'string') return null;
  const key = DUPLICATE_KEY_NAME.exec(message)?.[1];
  if (key === 'PRIMARY') return 'id';
  if (key === indexNames(table).digest) return 'digest';
  return null;
}

function quote(table: TableName): string {
  return quoteTableName(table, '`');
}

function quoteIdentifier(identifier: string): string {
  return quoteTableName({ schema: null, table: identifier }, '`');
}
