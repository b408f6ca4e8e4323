import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { SqlTokenStore } from '../../src/sql/index.js';
import { MARIADB, POSTGRES, serverAvailable } from './servers.js';

export type DialectName = 'PostgreSQL' | 'MariaDB' | 'SQLite';

/** A migrated store on a table of its own, with raw access to the same database. */
export interface TestDatabase {
  readonly dialect: DialectName;
  /** A table name unique to this database, such as `api_tokens_t_1f2e3d4c`. */
  readonly table: string;
  readonly store: SqlTokenStore;
  /** Runs SQL on the same database, for checks that the store's API cannot make. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Reads every column of every row of the table, each converted to text by the database. */
  scanAsText(): Promise<string[]>;
  /** Drops the table and closes the connections. */
  close(): Promise<void>;
}

export interface SqlTarget {
  readonly dialect: DialectName;
  /** Whether the server responds. SQLite is always available. */
  readonly available: boolean;
  open(): Promise<TestDatabase>;
}

/** The three dialects the SQL tests run against. A missing server is reported once per test file. */
export const SQL_TARGETS: readonly SqlTarget[] = [
  { dialect: 'PostgreSQL', available: await serverAvailable('PostgreSQL'), open: () => openPostgres() },
  { dialect: 'MariaDB', available: await serverAvailable('MariaDB'), open: () => openMariadb() },
  { dialect: 'SQLite', available: true, open: () => openSqlite() },
];

/** Returns a table name no other test uses: the prefix and 8 random hex digits. */
export function uniqueTable(prefix = 'api_tokens_t'): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
}

/** Opens a store on PostgreSQL `test`, with extra pool options (such as a session time zone). */
export async function openPostgres(config: pg.PoolConfig = {}): Promise<TestDatabase> {
  const pool = new pg.Pool({ ...POSTGRES, max: 5, ...config });
  const table = uniqueTable();
  const store = SqlTokenStore.postgres(pool, { table });
  await store.migrate();
  return {
    dialect: 'PostgreSQL',
    table,
    store,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    scanAsText: async () => {
      const columns = await pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
        [table],
      );
      const casts = columns.rows.map(({ column_name }) => `coalesce(${column_name}::text, '')`).join(` || '|' || `);
      const { rows } = await pool.query<{ line: string }>(`SELECT ${casts} AS line FROM "${table}"`);
      return rows.map((row) => row.line);
    },
    close: async () => {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    },
  };
}

/**
 * Opens a store on MariaDB `test`, with extra pool options (such as `timezone` or
 * `dateStrings`) and a statement run first on every new connection (such as `SET time_zone`).
 */
export async function openMariadb(config: mysql.PoolOptions = {}, onConnection?: string): Promise<TestDatabase> {
  const pool = mysql.createPool({ ...MARIADB, connectionLimit: 5, ...config });
  // mysql2 runs a connection's commands in order, so this runs before any query of the store.
  if (onConnection !== undefined) pool.on('connection', (connection) => void connection.query(onConnection));
  const table = uniqueTable();
  const store = SqlTokenStore.mysql(pool, { table });
  await store.migrate();
  return {
    dialect: 'MariaDB',
    table,
    store,
    query: async (sql, params) => (await pool.query(sql, params))[0] as Record<string, unknown>[],
    scanAsText: async () => {
      const [columns] = await pool.query<mysql.RowDataPacket[]>(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
      const casts = columns.map(({ name }) => `CAST(\`${name}\` AS CHAR)`).join(', ');
      const [rows] = await pool.query<mysql.RowDataPacket[]>(`SELECT CONCAT_WS('|', ${casts}) AS line FROM \`${table}\``);
      return rows.map((row) => String(row.line));
    },
    close: async () => {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    },
  };
}

/** Opens a store on a new SQLite file in a temporary directory, removed by `close()`. */
export async function openSqlite(): Promise<TestDatabase> {
  const directory = mkdtempSync(join(tmpdir(), 'api-tokens-sql-'));
  const database = new Database(join(directory, 'tokens.db'));
  const table = uniqueTable();
  const store = SqlTokenStore.sqlite(database, { table });
  await store.migrate();
  return {
    dialect: 'SQLite',
    table,
    store,
    query: async (sql, params = []) => {
      const statement = database.prepare(sql);
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as Record<string, unknown>[];
    },
    scanAsText: async () => {
      const columns = database.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[];
      const casts = columns.map(({ name }) => `coalesce(CAST("${name}" AS TEXT), '')`).join(` || '|' || `);
      const rows = database.prepare(`SELECT ${casts} AS line FROM "${table}"`).all() as { line: string }[];
      return rows.map((row) => row.line);
    },
    close: async () => {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
