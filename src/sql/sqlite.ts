import { COLUMNS, indexNames, type DuplicateKey, type SqlDialect, type SqlDriver, type SqlRow, type SqlStatements } from './dialect.js';
import { parseTableName, quoteTableName, DEFAULT_TABLE, type TableName } from './table-name.js';

/** The part of a `better-sqlite3` `Statement` that the store uses. */
export interface SqliteStatementLike {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The part of a `better-sqlite3` `Database` that {@link SqlTokenStore.sqlite} uses. */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
}

/**
 * Returns the SQLite DDL that `migrate()` runs: the table, the unique index on the digest,
 * the listing indexes and the index for the expiry sweep. For teams that run their own
 * migration tool. Every statement uses `IF NOT EXISTS`.
 *
 * @param table - `table` or `schema.table`, where the schema is an attached database; default `api_tokens`.
 * @throws TypeError when `table` is not a valid SQL identifier.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { sqliteSchema } from 'api-tokens/sql';
 *
 * writeFileSync('migrations/0007_api_tokens.sql', sqliteSchema('api_tokens'));
 * ```
 */
export function sqliteSchema(table: string = DEFAULT_TABLE): string {
  return `${schemaStatements(parseTableName(table, 'sqliteSchema: table')).join(';\n\n')};\n`;
}

/** The SQLite dialect. Instants are INTEGER milliseconds since the Unix epoch. */
export const sqliteDialect: SqlDialect = {
  name: 'SQLite',
  schemaFunction: 'sqliteSchema',
  instantType: 'an INTEGER of milliseconds since the Unix epoch',
  statements,
  encodeInstant: (instant) => instant.getTime(),
  decodeInstant,
  duplicateKey,
};

/**
 * Wraps a `better-sqlite3` database in the three calls the store makes. Statements are
 * prepared once and reused. The calls run synchronously, as better-sqlite3 does; a thrown
 * error becomes a rejected promise.
 */
export function sqliteDriver(database: SqliteDatabaseLike): SqlDriver {
  const prepared = new Map<string, SqliteStatementLike>();
  const prepare = (sql: string): SqliteStatementLike => {
    let statement = prepared.get(sql);
    if (statement === undefined) {
      statement = database.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };

  return {
    async execute(sql, params = []) {
      return Number(prepare(sql).run(...params).changes);
    },
    async one(sql, params) {
      return (prepare(sql).get(...params) as SqlRow | undefined) ?? null;
    },
    async all(sql, params) {
      return prepare(sql).all(...params) as SqlRow[];
    },
  };
}

function statements(table: TableName): SqlStatements {
  const name = quote(table);
  const columns = COLUMNS.join(', ');
  const select = `SELECT ${columns} FROM ${name}`;
  const newestFirst = 'ORDER BY created_at DESC, id DESC';

  return {
    // Each statement takes the database's write lock and checks IF NOT EXISTS under it,
    // so migrations racing from several connections or processes cannot collide.
    migration: schemaStatements(table),
    insert: `INSERT INTO ${name} (${columns}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    findByDigest: `${select} WHERE digest = ?`,
    findById: `${select} WHERE id = ?`,
    listByOrganization: `${select} WHERE org_id = ? ${newestFirst} LIMIT ?`,
    listByOrganizationAfter: `${select} WHERE org_id = ? AND created_at <= ? AND (created_at < ? OR id < ?) ${newestFirst} LIMIT ?`,
    listByUser: `${select} WHERE org_id = ? AND user_id = ? ${newestFirst} LIMIT ?`,
    listByUserAfter: `${select} WHERE org_id = ? AND user_id = ? AND created_at <= ? AND (created_at < ? OR id < ?) ${newestFirst} LIMIT ?`,
    updateStatus: `UPDATE ${name} SET status = ?, inactive_reason = ?, deactivated_by = ? WHERE id = ? AND status = ? AND deactivated_by IS ? RETURNING ${columns}`,
    updateReturnsRow: true,
    touchLastUsed: `UPDATE ${name} SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
    delete: `DELETE FROM ${name} WHERE id = ?`,
    listExpired: `${select} WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
  };
}

// A STRICT table rejects a value of the wrong type, so an instant column can never hold
// text that would compare as text. TEXT columns use the BINARY collation, which compares
// bytes, so lookups are exact and case-sensitive.
function schemaStatements(table: TableName): string[] {
  const name = quote(table);
  const index = indexNames(table);
  // An index is created in the table's schema by naming the schema on the index, not on the table.
  const indexName = (identifier: string) => (table.schema === null ? quoteIdentifier(identifier) : `${quoteIdentifier(table.schema)}.${quoteIdentifier(identifier)}`);
  const tableOnly = quoteIdentifier(table.table);
  return [
    `CREATE TABLE IF NOT EXISTS ${name} (
  id TEXT NOT NULL PRIMARY KEY,
  org_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  suffix TEXT NOT NULL,
  digest TEXT NOT NULL,
  digest_scheme TEXT NOT NULL,
  digest_key_id TEXT,
  status TEXT NOT NULL,
  inactive_reason TEXT,
  deactivated_by TEXT,
  scopes TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER
) STRICT`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${indexName(index.digest)} ON ${tableOnly} (digest)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(index.userList)} ON ${tableOnly} (org_id, user_id, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(index.organizationList)} ON ${tableOnly} (org_id, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(index.expiry)} ON ${tableOnly} (expires_at) WHERE status = 'active'`,
  ];
}

// better-sqlite3 returns INTEGER as a number, or as a bigint when safe integers are on.
function decodeInstant(value: unknown): Date | undefined {
  if (typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'number' && Number.isSafeInteger(value)) return new Date(value);
  return undefined;
}

// better-sqlite3 reports "UNIQUE constraint failed: api_tokens.digest" with an extended result code.
function duplicateKey(error: unknown, table: TableName): DuplicateKey | null {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'id';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && message === `UNIQUE constraint failed: ${table.table}.digest`) return 'digest';
  return null;
}

function quote(table: TableName): string {
  return quoteTableName(table, '"');
}

function quoteIdentifier(identifier: string): string {
  return quoteTableName({ schema: null, table: identifier }, '"');
}
