import type { TableName } from './table-name.js';

/** One result row, keyed by column name. */
export type SqlRow = Record<string, unknown>;

/**
 * The three calls {@link SqlTokenStore} makes on a database driver. Each dialect wraps its
 * driver's pool or database object in one of these.
 */
export interface SqlDriver {
  /** Runs a statement and returns the number of rows it matched. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a query and returns its first row, or `null` when there is none. */
  one(sql: string, params: readonly unknown[]): Promise<SqlRow | null>;
  /** Runs a query and returns all of its rows. */
  all(sql: string, params: readonly unknown[]): Promise<SqlRow[]>;
}

/**
 * The statements of one dialect for one table. Every statement selects the columns
 * {@link toRecord} reads, and takes its parameters in the order listed here, so the store
 * passes the same values to every dialect.
 */
export interface SqlStatements {
  /** Statements that create the table and its indexes, run in order by `migrate()`. */
  readonly migration: readonly string[];
  /** Parameters: the 15 columns in table order. */
  readonly insert: string;
  /** Parameters: digest. */
  readonly findByDigest: string;
  /** Parameters: id. */
  readonly findById: string;
  /** Parameters: org_id, limit. */
  readonly listByOrganization: string;
  /** Parameters: org_id, cursor created_at, cursor created_at, cursor id, limit. */
  readonly listByOrganizationAfter: string;
  /** Parameters: org_id, user_id, limit. */
  readonly listByUser: string;
  /** Parameters: org_id, user_id, cursor created_at, cursor created_at, cursor id, limit. */
  readonly listByUserAfter: string;
  /**
   * Parameters: status, inactive_reason, deactivated_by, id, expected status. Returns the
   * updated row when {@link SqlStatements.updateReturnsRow} is set.
   */
  readonly updateStatus: string;
  /** Whether `updateStatus` returns the updated row (`RETURNING`), or only a row count. */
  readonly updateReturnsRow: boolean;
  /** Parameters: last_used_at, id, last_used_at. */
  readonly touchLastUsed: string;
  /** Parameters: id. */
  readonly delete: string;
  /** Parameters: now, limit. */
  readonly listExpired: string;
}

/** The unique key that a failed insert violated. */
export type DuplicateKey = 'id' | 'digest';

/** Everything that differs between SQL databases: the SQL, instants and error codes. */
export interface SqlDialect {
  /** The database's name for messages, such as `PostgreSQL`. */
  readonly name: string;
  /** The exported function that returns the dialect's DDL, such as `postgresSchema`, for messages. */
  readonly schemaFunction: string;
  statements(table: TableName): SqlStatements;
  /** Converts an instant to the parameter value the instant columns take. */
  encodeInstant(instant: Date): unknown;
  /** Describes the instant column values `decodeInstant` accepts, for error messages. */
  readonly instantType: string;
  /** Converts a non-null instant column value to a `Date`, or returns `undefined` when it is no such value. */
  decodeInstant(value: unknown): Date | undefined;
  /** Tells which unique key of `table` a driver error reports a violation of, or `null` for any other error. */
  duplicateKey(error: unknown, table: TableName): DuplicateKey | null;
}

export interface IndexNames {
  primaryKey: string;
  digest: string;
  userList: string;
  organizationList: string;
  expiry: string;
}

/** The columns in table order, the order of the `insert` parameters. */
export const COLUMNS = [
  'id',
  'org_id',
  'user_id',
  'name',
  'suffix',
  'digest',
  'digest_scheme',
  'digest_key_id',
  'status',
  'inactive_reason',
  'deactivated_by',
  'scopes',
  'created_at',
  'expires_at',
  'last_used_at',
] as const;

/** The instant columns, which each dialect stores and selects in its own way. */
export const INSTANT_COLUMNS: ReadonlySet<string> = new Set(['created_at', 'expires_at', 'last_used_at']);

/** Derives the names of the constraints and indexes that `migrate()` creates: the table name plus a fixed suffix. */
export function indexNames(table: TableName): IndexNames {
  return {
    primaryKey: `${table.table}_pkey`,
    digest: `${table.table}_digest`,
    userList: `${table.table}_user_list`,
    organizationList: `${table.table}_org_list`,
    expiry: `${table.table}_expiry`,
  };
}
