import type { DigestScheme } from '../digest.js';
import type { InactiveReason, TokenRecord, TokenStatus } from '../store.js';
import type { SqlDialect, SqlRow } from './dialect.js';

const STATUSES: readonly TokenStatus[] = ['active', 'inactive'];
const INACTIVE_REASONS: readonly InactiveReason[] = ['deactivated', 'expired'];
const DIGEST_SCHEMES: readonly DigestScheme[] = ['sha256', 'hmac-sha256'];

/** Converts a record to the `insert` parameters, in table column order. */
export function insertParams(record: TokenRecord, dialect: SqlDialect): unknown[] {
  return [
    record.id,
    record.orgId,
    record.userId,
    record.name,
    record.suffix,
    record.digest,
    record.digestScheme,
    record.digestKeyId,
    record.status,
    record.inactiveReason,
    record.deactivatedBy,
    record.scopes === null ? null : JSON.stringify(record.scopes),
    dialect.encodeInstant(record.createdAt),
    record.expiresAt === null ? null : dialect.encodeInstant(record.expiresAt),
    record.lastUsedAt === null ? null : dialect.encodeInstant(record.lastUsedAt),
  ];
}

/**
 * Converts a selected row to a record. Throws when a column contains a value the store never
 * writes, which means the table was changed by hand or created with other column types.
 * The message names the table, the token id and the column, never the digest.
 */
export function toRecord(row: SqlRow, dialect: SqlDialect, table: string): TokenRecord {
  const id = row.id;
  const reader = new ColumnReader(row, dialect, `${table} row ${typeof id === 'string' ? id : '(id is not text)'}`);
  return {
    id: reader.text('id'),
    orgId: reader.text('org_id'),
    userId: reader.text('user_id'),
    name: reader.text('name'),
    suffix: reader.text('suffix'),
    digest: reader.text('digest'),
    digestScheme: reader.oneOf('digest_scheme', DIGEST_SCHEMES),
    digestKeyId: reader.nullable('digest_key_id', () => reader.text('digest_key_id')),
    status: reader.oneOf('status', STATUSES),
    inactiveReason: reader.nullable('inactive_reason', () => reader.oneOf('inactive_reason', INACTIVE_REASONS)),
    deactivatedBy: reader.nullable('deactivated_by', () => reader.text('deactivated_by')),
    scopes: reader.nullable('scopes', () => reader.scopes('scopes')),
    createdAt: reader.instant('created_at'),
    expiresAt: reader.nullable('expires_at', () => reader.instant('expires_at')),
    lastUsedAt: reader.nullable('last_used_at', () => reader.instant('last_used_at')),
  };
}

class ColumnReader {
  readonly #row: SqlRow;
  readonly #dialect: SqlDialect;
  readonly #where: string;

  constructor(row: SqlRow, dialect: SqlDialect, where: string) {
    this.#row = row;
    this.#dialect = dialect;
    this.#where = where;
  }

  text(column: string): string {
    const value = this.#row[column];
    if (typeof value !== 'string') throw this.#invalid(column, 'text', value);
    return value;
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const value = this.#row[column];
    if (!allowed.includes(value as T)) throw this.#invalid(column, allowed.map((item) => `"${item}"`).join(' or '), value);
    return value as T;
  }

  nullable<T>(column: string, read: () => T): T | null {
    return this.#row[column] === null ? null : read();
  }

  instant(column: string): Date {
    const value = this.#row[column];
    const instant = this.#dialect.decodeInstant(value);
    if (instant === undefined) throw this.#invalid(column, this.#dialect.instantType, value);
    return instant;
  }

  // Scopes are stored as JSON text. A MySQL JSON column comes back already parsed when
  // mysql2 reads it, while MariaDB's JSON type is LONGTEXT and comes back as a string.
  scopes(column: string): string[] {
    const value = this.#row[column];
    let parsed: unknown = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        throw this.#invalid(column, 'a JSON array of strings', value);
      }
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
      throw this.#invalid(column, 'a JSON array of strings', value);
    }
    return parsed;
  }

  #invalid(column: string, expected: string, value: unknown): Error {
    return new Error(`${this.#where}: column ${column} contains ${describe(value)}, expected ${expected}; check that the table was created by migrate()`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value instanceof Date) return 'a Date';
  return `a value of type ${typeof value}`;
}
