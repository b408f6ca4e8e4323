import { assertKnownOptions } from '../known-options.js';
import type { ExpectedStatus, ListQuery, StatusChange, TokenRecord, TokenStore } from '../store.js';
import type { SqlDialect, SqlDriver, SqlRow, SqlStatements } from './dialect.js';
import { mysqlDialect, mysqlDriver, type MysqlPoolLike } from './mysql.js';
import { pgDriver, postgresDialect, type PgPoolLike } from './postgres.js';
import { insertParams, toRecord } from './rows.js';
import { sqliteDialect, sqliteDriver, type SqliteDatabaseLike } from './sqlite.js';
import { DEFAULT_TABLE, parseTableName, type TableName } from './table-name.js';

/** Options of the {@link SqlTokenStore} factories. */
export interface SqlTokenStoreOptions {
  /**
   * The table, as `table` or `schema.table`: letters, digits and underscores, at most 48
   * characters each. Default `api_tokens`.
   */
  table?: string;
}

/**
 * A {@link TokenStore} in PostgreSQL, MySQL, MariaDB or SQLite. Create one with
 * {@link SqlTokenStore.postgres}, {@link SqlTokenStore.mysql} or {@link SqlTokenStore.sqlite}
 * from a pool or database your application already has, then run {@link SqlTokenStore.migrate}
 * once (or the DDL of `postgresSchema`, `mysqlSchema` or `sqliteSchema` in your own
 * migrations).
 *
 * The store makes no decisions: `createApiTokens` applies the expiry, status and permission
 * rules. Driver errors reach the caller unchanged, and `createApiTokens` reports them as
 * `STORE_UNAVAILABLE` with the driver error as `cause`. A duplicate id or digest on insert
 * becomes an error that names the key and never contains the digest.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createApiTokens } from 'api-tokens';
 * import { SqlTokenStore } from 'api-tokens/sql';
 *
 * const store = SqlTokenStore.postgres(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * await store.migrate();
 * const apiTokens = createApiTokens({ store, prefix: 'acme', directory });
 * ```
 */
export class SqlTokenStore implements TokenStore {
  /** The table name as given in the options, such as `api_tokens` or `auth.api_tokens`. */
  readonly table: string;
  readonly #dialect: SqlDialect;
  readonly #driver: SqlDriver;
  readonly #tableName: TableName;
  readonly #sql: SqlStatements;

  /**
   * Creates a store on a `pg` `Pool` (a `Client` works too). Instants are stored as
   * `timestamptz(3)`.
   *
   * @throws TypeError when `pool` has no `query` method or `options.table` is not a valid table name.
   *
   * @example
   * ```ts
   * const store = SqlTokenStore.postgres(new pg.Pool({ connectionString }), { table: 'api_tokens' });
   * ```
   */
  static postgres(pool: PgPoolLike, options: SqlTokenStoreOptions = {}): SqlTokenStore {
    assertMethod(pool, 'query', 'SqlTokenStore.postgres: pool must be a pg Pool or Client');
    return new SqlTokenStore(postgresDialect, pgDriver(pool), tableOption(options, 'SqlTokenStore.postgres'));
  }

  /**
   * Creates a store on a `mysql2/promise` `Pool`, for MySQL or MariaDB. Instants are stored
   * as `DATETIME(3)` in UTC whatever the pool's `timezone` and `dateStrings` options and the
   * session `time_zone`.
   *
   * @throws TypeError when `pool` is not a `mysql2/promise` pool or `options.table` is not a valid table name.
   *
   * @example
   * ```ts
   * import mysql from 'mysql2/promise';
   *
   * const store = SqlTokenStore.mysql(mysql.createPool({ uri: process.env.DATABASE_URL }));
   * ```
   */
  static mysql(pool: MysqlPoolLike, options: SqlTokenStoreOptions = {}): SqlTokenStore {
    assertMethod(pool, 'execute', 'SqlTokenStore.mysql: pool must be a mysql2/promise Pool');
    // The callback API's pool has promise(), which returns the pool this store needs.
    if (typeof (pool as { promise?: unknown }).promise === 'function') {
      throw new TypeError('SqlTokenStore.mysql: pool is a callback-style mysql2 pool; pass pool.promise() or a pool from mysql2/promise');
    }
    return new SqlTokenStore(mysqlDialect, mysqlDriver(pool), tableOption(options, 'SqlTokenStore.mysql'));
  }

  /**
   * Creates a store on a `better-sqlite3` `Database`. Instants are stored as INTEGER
   * milliseconds since the Unix epoch.
   *
   * @throws TypeError when `database` has no `prepare` method or `options.table` is not a valid table name.
   *
   * @example
   * ```ts
   * import Database from 'better-sqlite3';
   *
   * const store = SqlTokenStore.sqlite(new Database('app.db'));
   * ```
   */
  static sqlite(database: SqliteDatabaseLike, options: SqlTokenStoreOptions = {}): SqlTokenStore {
    assertMethod(database, 'prepare', 'SqlTokenStore.sqlite: database must be a better-sqlite3 Database');
    return new SqlTokenStore(sqliteDialect, sqliteDriver(database), tableOption(options, 'SqlTokenStore.sqlite'));
  }

  private constructor(dialect: SqlDialect, driver: SqlDriver, table: TableName) {
    this.#dialect = dialect;
    this.#driver = driver;
    this.#tableName = table;
    this.#sql = dialect.statements(table);
    this.table = table.schema === null ? table.table : `${table.schema}.${table.table}`;
  }

  /**
   * Creates the table and its indexes when they do not exist, then checks that the table has
   * every column the store reads. Safe to run on every start and from several processes at once.
   *
   * @throws the driver's error when the database cannot be reached or the user may not create tables.
   * @throws Error when the table already exists without a column the store reads, such as a
   * table of another library with the same name.
   *
   * @example
   * ```ts
   * await store.migrate();
   * ```
   */
  async migrate(): Promise<void> {
    for (const statement of this.#sql.migration) await this.#driver.execute(statement);

    // CREATE TABLE IF NOT EXISTS leaves a table of another shape as it is, and every later
    // query would fail, so a lookup that selects every column runs here once.
    try {
      await this.#driver.one(this.#sql.findById, ['']);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${this.table} exists without the columns this store reads (${reason}); alter it to match ${this.#dialect.schemaFunction}() or pass another table name`,
        { cause: error },
      );
    }
  }

  async insert(record: TokenRecord): Promise<void> {
    try {
      await this.#driver.execute(this.#sql.insert, insertParams(record, this.#dialect));
    } catch (error) {
      // The driver's message would quote the duplicate value, which for a digest must not
      // reach logs, so the driver error is not kept as the cause.
      const key = this.#dialect.duplicateKey(error, this.#tableName);
      if (key === 'id') throw new Error(`Insert into ${this.table} failed: a token with id ${record.id} already exists`);
      if (key === 'digest') throw new Error(`Insert into ${this.table} failed: a token with the same digest already exists`);
      throw error;
    }
  }

  async findByDigest(digest: string): Promise<TokenRecord | null> {
    return this.#one(this.#sql.findByDigest, [digest]);
  }

  async findById(id: string): Promise<TokenRecord | null> {
    return this.#one(this.#sql.findById, [id]);
  }

  async list(query: ListQuery): Promise<TokenRecord[]> {
    const { orgId, userId, after, limit } = query;
    let rows: SqlRow[];
    if (after === null) {
      rows = userId === undefined
        ? await this.#driver.all(this.#sql.listByOrganization, [orgId, limit])
        : await this.#driver.all(this.#sql.listByUser, [orgId, userId, limit]);
    } else {
      const createdAt = this.#dialect.encodeInstant(after.createdAt);
      rows = userId === undefined
        ? await this.#driver.all(this.#sql.listByOrganizationAfter, [orgId, createdAt, createdAt, after.id, limit])
        : await this.#driver.all(this.#sql.listByUserAfter, [orgId, userId, createdAt, createdAt, after.id, limit]);
    }
    return rows.map((row) => this.#toRecord(row));
  }

  async updateStatus(id: string, expected: ExpectedStatus, change: StatusChange): Promise<TokenRecord | null> {
    const params = [change.status, change.inactiveReason, change.deactivatedBy, id, expected.status, expected.deactivatedBy];
    if (this.#sql.updateReturnsRow) return this.#one(this.#sql.updateStatus, params);

    const matched = await this.#driver.execute(this.#sql.updateStatus, params);
    if (matched === 0) return null;
    // Without RETURNING the row is read again. A concurrent call may have changed the status
    // in between, so the status fields are the ones this call wrote, as RETURNING would show.
    const record = await this.#one(this.#sql.findById, [id]);
    return record === null ? null : { ...record, status: change.status, inactiveReason: change.inactiveReason, deactivatedBy: change.deactivatedBy };
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    const instant = this.#dialect.encodeInstant(at);
    await this.#driver.execute(this.#sql.touchLastUsed, [instant, id, instant]);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#driver.execute(this.#sql.delete, [id])) > 0;
  }

  async listExpired(now: Date, limit: number): Promise<TokenRecord[]> {
    const rows = await this.#driver.all(this.#sql.listExpired, [this.#dialect.encodeInstant(now), limit]);
    return rows.map((row) => this.#toRecord(row));
  }

  async #one(sql: string, params: readonly unknown[]): Promise<TokenRecord | null> {
    const row = await this.#driver.one(sql, params);
    return row === null ? null : this.#toRecord(row);
  }

  #toRecord(row: SqlRow): TokenRecord {
    return toRecord(row, this.#dialect, this.table);
  }
}

function tableOption(options: SqlTokenStoreOptions, factory: string): TableName {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${factory}: options must be an object such as { table: 'api_tokens' }`);
  }
  assertKnownOptions(options, ['table'], `${factory}: options`);
  return parseTableName(options.table ?? DEFAULT_TABLE, `${factory}: options.table`);
}

function assertMethod(value: unknown, method: string, message: string): void {
  const target = value as Record<string, unknown> | null | undefined;
  if (typeof target?.[method] !== 'function') throw new TypeError(`${message}; got ${value === null ? 'null' : typeof value}`);
}
