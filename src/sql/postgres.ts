import { COLUMNS, INSTANT_COLUMNS, indexNames, type DuplicateKey, type SqlDialect, type SqlDriver, type SqlRow, type SqlStatements } from './dialect.js';
import { parseTableName, quoteTableName, DEFAULT_TABLE, type TableName } from './table-name.js';

/** The result shape {@link PgPoolLike.query} resolves to. */
export interface PgQueryResultLike {
  rows: unknown[];
  rowCount: number | null;
}

/**
 * The part of a `pg` `Pool` that {@link SqlTokenStore.postgres} uses. A `pg` `Client` or
 * `PoolClient` fits too.
 */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<PgQueryResultLike>;
}

/**
 * Returns the PostgreSQL DDL that `migrate()` runs: the table, the unique index on the
 * digest, the listing indexes and the index for the expiry sweep. For teams that run their
 * own migration tool. Every statement uses `IF NOT EXISTS`.
 *
 * @param table - `table` or `schema.table`; default `api_tokens`.
 * @throws TypeError when `table` is not a valid SQL identifier.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { postgresSchema } from 'api-tokens/sql';
 *
 * writeFileSync('migrations/0007_api_tokens.sql', postgresSchema('api_tokens'));
 * ```
 */
export function postgresSchema(table: string = DEFAULT_TABLE): string {
  return `${schemaStatements(parseTableName(table, 'postgresSchema: table')).join(';\n\n')};\n`;
}

/** The PostgreSQL dialect. Instants are `timestamptz(3)`, sent as ISO 8601 text in UTC. */
export const postgresDialect: SqlDialect = {
  name: 'PostgreSQL',
  schemaFunction: 'postgresSchema',
  instantType: 'a timestamptz',
  statements,
  encodeInstant: (instant) => instant.toISOString(),
  decodeInstant,
  duplicateKey,
};

/** Wraps a `pg` pool in the three calls the store makes. */
export function pgDriver(pool: PgPoolLike): SqlDriver {
  return {
    async execute(sql, params) {
      const result = await pool.query(sql, params === undefined ? undefined : [...params]);
      // A query of several statements resolves to an array of results, without rowCount.
      return result.rowCount ?? 0;
    },
    async one(sql, params) {
      const { rows } = await pool.query(sql, [...params]);
      return (rows[0] as SqlRow | undefined) ?? null;
    },
    async all(sql, params) {
      const { rows } = await pool.query(sql, [...params]);
      return rows as SqlRow[];
    },
  };
}

function statements(table: TableName): SqlStatements {
  const name = quote(table);
  const columns = COLUMNS.join(', ');
  // The instants are selected as ISO 8601 text in UTC, so neither the session DateStyle nor
  // the application's pg type parsers decide how they are read. The alias keeps the column
  // names, so ORDER BY names the table's column through `token.` to sort on the timestamptz
  // and use the index, rather than on the text of the same name.
  const selected = COLUMNS.map((column) => (INSTANT_COLUMNS.has(column) ? `${isoText(column)} AS ${column}` : column)).join(', ');
  const select = `SELECT ${selected} FROM ${name} AS token`;
  const newestFirst = 'ORDER BY token.created_at DESC, token.id DESC';

  return {
    // A query of several statements without parameters runs as one implicit transaction
    // (PostgreSQL's simple query protocol), so the advisory lock is held until every
    // statement has run. Concurrent migrations wait for it instead of failing on the
    // duplicate catalog entries that two racing `CREATE ... IF NOT EXISTS` can produce.
    migration: [[`SELECT pg_advisory_xact_lock(hashtext('api-tokens migrate'))`, ...schemaStatements(table)].join(';\n')],
    insert: `INSERT INTO ${name} (${columns}) VALUES (${COLUMNS.map((_, index) => `$${index + 1}`).join(', ')})`,
    findByDigest: `${select} WHERE digest = $1`,
    findById: `${select} WHERE id = $1`,
    listByOrganization: `${select} WHERE org_id = $1 ${newestFirst} LIMIT $2`,
    listByOrganizationAfter: `${select} WHERE org_id = $1 AND created_at <= $2 AND (created_at < $3 OR id < $4) ${newestFirst} LIMIT $5`,
    listByUser: `${select} WHERE org_id = $1 AND user_id = $2 ${newestFirst} LIMIT $3`,
    listByUserAfter: `${select} WHERE org_id = $1 AND user_id = $2 AND created_at <= $3 AND (created_at < $4 OR id < $5) ${newestFirst} LIMIT $6`,
    updateStatus: `UPDATE ${name} AS token SET status = $1, inactive_reason = $2, deactivated_by = $3 WHERE id = $4 AND status = $5 AND deactivated_by IS NOT DISTINCT FROM $6 RETURNING ${selected}`,
    updateReturnsRow: true,
    touchLastUsed: `UPDATE ${name} SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
    delete: `DELETE FROM ${name} WHERE id = $1`,
    listExpired: `${select} WHERE status = 'active' AND token.expires_at <= $1 ORDER BY token.expires_at LIMIT $2`,
  };
}

function isoText(column: string): string {
  return `to_char(token.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

// The "C" collation compares bytes, so id order matches the memory store's and lookups of
// ids, organizations and digests are exact whatever the database's default collation.
function schemaStatements(table: TableName): string[] {
  const name = quote(table);
  const index = indexNames(table);
  return [
    `CREATE TABLE IF NOT EXISTS ${name} (
  id text COLLATE "C" NOT NULL,
  org_id text COLLATE "C" NOT NULL,
  user_id text COLLATE "C" NOT NULL,
  name text NOT NULL,
  suffix text NOT NULL,
  digest text COLLATE "C" NOT NULL,
  digest_scheme text NOT NULL,
  digest_key_id text,
  status text NOT NULL,
  inactive_reason text,
  deactivated_by text,
  scopes text,
  created_at timestamptz(3) NOT NULL,
  expires_at timestamptz(3),
  last_used_at timestamptz(3),
  CONSTRAINT ${quoteIdentifier(index.primaryKey)} PRIMARY KEY (id)
)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(index.digest)} ON ${name} (digest)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index.userList)} ON ${name} (org_id, user_id, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index.organizationList)} ON ${name} (org_id, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index.expiry)} ON ${name} (expires_at) WHERE status = 'active'`,
  ];
}

// The statements select instants as text such as "2026-03-01T08:30:15.123Z". A Date and
// timestamptz text with an offset, such as "2026-03-01 08:30:15.123+00", are read too.
const TIMESTAMPTZ_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)$/;

function decodeInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : new Date(value.getTime());
  if (typeof value !== 'string') return undefined;

  const match = TIMESTAMPTZ_TEXT.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', sign, offsetHours = '0', offsetMinutes = '0', offsetSeconds = '0'] = match;
  const wallClock = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  const offsetMs = (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60 + Number(offsetSeconds)) * 1000;
  return new Date(sign === '-' ? wallClock + offsetMs : wallClock - offsetMs);
}

function duplicateKey(error: unknown, table: TableName): DuplicateKey | null {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return null;
  const index = indexNames(table);
  if (constraint === index.primaryKey) return 'id';
  if (constraint === index.digest) return 'digest';
  return null;
}

function quote(table: TableName): string {
  return quoteTableName(table, '"');
}

function quoteIdentifier(identifier: string): string {
  return quoteTableName({ schema: null, table: identifier }, '"');
}
