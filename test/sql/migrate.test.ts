import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { mysqlSchema, postgresSchema, sqliteSchema, SqlTokenStore } from '../../src/sql/index.js';
import { MARIADB, POSTGRES } from '../support/servers.js';
import { SQL_TARGETS, uniqueTable } from '../support/sql.js';
import { makeRecord } from '../support/records.js';

const available = new Map(SQL_TARGETS.map((target) => [target.dialect, target.available]));

// A table with every indexed column but without digest_key_id and scopes, as an older schema might have.
function olderTableDdl(quotedName: string, instantType: string): string {
  return `CREATE TABLE ${quotedName} (id VARCHAR(128) NOT NULL PRIMARY KEY, org_id VARCHAR(128) NOT NULL, user_id VARCHAR(128) NOT NULL,
    name VARCHAR(255) NOT NULL, suffix VARCHAR(16) NOT NULL, digest VARCHAR(64) NOT NULL, digest_scheme VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL, inactive_reason VARCHAR(16), deactivated_by VARCHAR(128),
    created_at ${instantType} NOT NULL, expires_at ${instantType}, last_used_at ${instantType})`;
}

describe('table name option', () => {
  const database = new Database(':memory:');

  it.each(['api-tokens', 'a.b.c', '1tokens', '', ' api_tokens', 'api_tokens;DROP TABLE users', '"api_tokens"', 'x'.repeat(49), `s.${'x'.repeat(49)}`])(
    'rejects %j naming options.table',
    (table) => {
      expect(() => SqlTokenStore.sqlite(database, { table })).toThrow(TypeError);
      expect(() => SqlTokenStore.sqlite(database, { table })).toThrow(/^SqlTokenStore\.sqlite: options\.table must be a table name/);
    },
  );

  it('rejects an unknown option', () => {
    expect(() => SqlTokenStore.sqlite(database, { tabel: 'tokens' } as never)).toThrow(new TypeError('SqlTokenStore.sqlite: options.tabel is not an option; expected table'));
    expect(() => SqlTokenStore.postgres(new pg.Pool(), { tabel: 'tokens' } as never)).toThrow(/options\.tabel is not an option/);
    expect(() => SqlTokenStore.mysql(mysql.createPool({}), { tabel: 'tokens' } as never)).toThrow(/options\.tabel is not an option/);
  });

  it('rejects a non-string table', () => {
    expect(() => SqlTokenStore.sqlite(database, { table: 42 as unknown as string })).toThrow('got number');
  });

  it.each(['api_tokens', 'Api_Tokens', '_tokens2', 'auth.api_tokens', 'x'.repeat(48)])('accepts %j', (table) => {
    expect(SqlTokenStore.sqlite(database, { table }).table).toBe(table);
  });

  it('defaults to api_tokens', () => {
    expect(SqlTokenStore.sqlite(database).table).toBe('api_tokens');
    expect(postgresSchema()).toContain('CREATE TABLE IF NOT EXISTS "api_tokens"');
  });

  it('schema functions validate the name', () => {
    expect(() => postgresSchema('api-tokens')).toThrow(/^postgresSchema: table must be/);
    expect(() => mysqlSchema('api-tokens')).toThrow(/^mysqlSchema: table must be/);
    expect(() => sqliteSchema('api-tokens')).toThrow(/^sqliteSchema: table must be/);
  });
});

describe.skipIf(!available.get('PostgreSQL'))('migrate on PostgreSQL', () => {
  it('older table shape fails migrate', async () => {
    const pool = new pg.Pool({ ...POSTGRES, max: 2 });
    const table = uniqueTable();
    try {
      await pool.query(olderTableDdl(`"${table}"`, 'timestamptz(3)'));
      await expect(SqlTokenStore.postgres(pool, { table }).migrate()).rejects.toThrow(`${table} exists without the columns`);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });

  it('runs twice without error', async () => {
    const pool = new pg.Pool({ ...POSTGRES, max: 2 });
    const table = uniqueTable();
    try {
      const store = SqlTokenStore.postgres(pool, { table });
      await store.migrate();
      await store.insert(makeRecord());
      await store.migrate();
      const { rows } = await pool.query(`SELECT count(*)::int AS count FROM "${table}"`);
      expect(rows[0].count).toBe(1);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });

  it('concurrent migrations all succeed', async () => {
    const pools = Array.from({ length: 6 }, () => new pg.Pool({ ...POSTGRES, max: 1 }));
    const table = uniqueTable();
    try {
      await Promise.all(pools.map((pool) => SqlTokenStore.postgres(pool, { table }).migrate()));
      const record = makeRecord();
      await SqlTokenStore.postgres(pools[0]!, { table }).insert(record);
      expect(await SqlTokenStore.postgres(pools[1]!, { table }).findById(record.id)).toEqual(record);
    } finally {
      await pools[0]!.query(`DROP TABLE IF EXISTS "${table}"`);
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('creates the digest and listing indexes', async () => {
    const pool = new pg.Pool({ ...POSTGRES, max: 1 });
    const table = uniqueTable();
    try {
      await SqlTokenStore.postgres(pool, { table }).migrate();
      const { rows } = await pool.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table]);
      const definitions = rows.map((row) => row.indexdef.replace(` ON public.${table} USING btree`, ''));
      expect(definitions).toEqual([
        `CREATE UNIQUE INDEX ${table}_digest (digest)`,
        `CREATE INDEX ${table}_expiry (expires_at) WHERE (status = 'active'::text)`,
        `CREATE INDEX ${table}_org_list (org_id, created_at DESC, id DESC)`,
        `CREATE UNIQUE INDEX ${table}_pkey (id)`,
        `CREATE INDEX ${table}_user_list (org_id, user_id, created_at DESC, id DESC)`,
      ]);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });

  it('exported DDL creates a working table', async () => {
    const pool = new pg.Pool({ ...POSTGRES, max: 1 });
    const table = uniqueTable();
    try {
      await pool.query(postgresSchema(table));
      const store = SqlTokenStore.postgres(pool, { table });
      const record = makeRecord();
      await store.insert(record);
      expect(await store.findByDigest(record.digest)).toEqual(record);
      await store.migrate();
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });

  it('schema-qualified table works', async () => {
    const pool = new pg.Pool({ ...POSTGRES, max: 1 });
    const schema = uniqueTable('api_tokens_schema');
    try {
      await pool.query(`CREATE SCHEMA "${schema}"`);
      const store = SqlTokenStore.postgres(pool, { table: `${schema}.tokens` });
      await store.migrate();
      await store.migrate();
      const record = makeRecord();
      await store.insert(record);
      expect(await store.findByDigest(record.digest)).toEqual(record);
      const { rows } = await pool.query('SELECT count(*)::int AS count FROM pg_indexes WHERE schemaname = $1', [schema]);
      expect(rows[0].count).toBe(5);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  });
});

describe.skipIf(!available.get('MariaDB'))('migrate on MariaDB', () => {
  it('older table shape fails migrate', async () => {
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
    const table = uniqueTable();
    try {
      await pool.query(olderTableDdl(`\`${table}\``, 'DATETIME(3)'));
      await expect(SqlTokenStore.mysql(pool, { table }).migrate()).rejects.toThrow(`${table} exists without the columns`);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    }
  });

  it('runs twice without error', async () => {
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
    const table = uniqueTable();
    try {
      const store = SqlTokenStore.mysql(pool, { table });
      await store.migrate();
      await store.insert(makeRecord());
      await store.migrate();
      const [rows] = await pool.query<mysql.RowDataPacket[]>(`SELECT count(*) AS count FROM \`${table}\``);
      expect(rows[0]?.count).toBe(1);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    }
  });

  it('concurrent migrations all succeed', async () => {
    const pools = Array.from({ length: 6 }, () => mysql.createPool({ ...MARIADB, connectionLimit: 1 }));
    const table = uniqueTable();
    try {
      await Promise.all(pools.map((pool) => SqlTokenStore.mysql(pool, { table }).migrate()));
      const record = makeRecord();
      await SqlTokenStore.mysql(pools[0]!, { table }).insert(record);
      expect(await SqlTokenStore.mysql(pools[1]!, { table }).findById(record.id)).toEqual(record);
    } finally {
      await pools[0]!.query(`DROP TABLE IF EXISTS \`${table}\``);
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('creates the digest and listing indexes', async () => {
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 1 });
    const table = uniqueTable();
    try {
      await SqlTokenStore.mysql(pool, { table }).migrate();
      const [rows] = await pool.query<mysql.RowDataPacket[]>(
        `SELECT index_name AS name, non_unique AS nonUnique, GROUP_CONCAT(column_name, ' ', collation ORDER BY seq_in_index) AS columns
         FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? GROUP BY index_name, non_unique`,
        [table],
      );
      const indexes = rows.map((row) => ({ ...row })).sort((a, b) => (a.name < b.name ? -1 : 1));
      // Collation A is ascending, D descending.
      expect(indexes).toEqual([
        { name: 'PRIMARY', nonUnique: 0, columns: 'id A' },
        { name: `${table}_digest`, nonUnique: 0, columns: 'digest A' },
        { name: `${table}_expiry`, nonUnique: 1, columns: 'status A,expires_at A' },
        { name: `${table}_org_list`, nonUnique: 1, columns: 'org_id A,created_at D,id D' },
        { name: `${table}_user_list`, nonUnique: 1, columns: 'org_id A,user_id A,created_at D,id D' },
      ]);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    }
  });

  it('exported DDL creates a working table', async () => {
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 1 });
    const table = uniqueTable();
    try {
      await pool.query(mysqlSchema(table));
      const store = SqlTokenStore.mysql(pool, { table });
      const record = makeRecord();
      await store.insert(record);
      expect(await store.findByDigest(record.digest)).toEqual(record);
      await store.migrate();
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    }
  });

  it('database-qualified table works', async () => {
    const pool = mysql.createPool({ ...MARIADB, connectionLimit: 1 });
    const table = uniqueTable();
    try {
      const store = SqlTokenStore.mysql(pool, { table: `${MARIADB.database}.${table}` });
      await store.migrate();
      const record = makeRecord();
      await store.insert(record);
      expect(await SqlTokenStore.mysql(pool, { table }).findByDigest(record.digest)).toEqual(record);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      await pool.end();
    }
  });
});

describe('migrate on SQLite', () => {
  it('older table shape fails migrate', async () => {
    const database = new Database(':memory:');
    database.exec(olderTableDdl('api_tokens', 'INTEGER'));
    await expect(SqlTokenStore.sqlite(database).migrate()).rejects.toThrow('api_tokens exists without the columns');
  });

  it('runs twice without error', async () => {
    const database = new Database(':memory:');
    const store = SqlTokenStore.sqlite(database);
    await store.migrate();
    await store.insert(makeRecord());
    await store.migrate();
    expect(database.prepare('SELECT count(*) AS count FROM api_tokens').get()).toEqual({ count: 1 });
  });

  it('creates the digest and listing indexes', async () => {
    const database = new Database(':memory:');
    await SqlTokenStore.sqlite(database).migrate();
    const indexes = database.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'api_tokens' ORDER BY name").all();
    expect(indexes).toEqual([
      { name: 'api_tokens_digest', sql: 'CREATE UNIQUE INDEX "api_tokens_digest" ON "api_tokens" (digest)' },
      { name: 'api_tokens_expiry', sql: `CREATE INDEX "api_tokens_expiry" ON "api_tokens" (expires_at) WHERE status = 'active'` },
      { name: 'api_tokens_org_list', sql: 'CREATE INDEX "api_tokens_org_list" ON "api_tokens" (org_id, created_at DESC, id DESC)' },
      { name: 'api_tokens_user_list', sql: 'CREATE INDEX "api_tokens_user_list" ON "api_tokens" (org_id, user_id, created_at DESC, id DESC)' },
      { name: 'sqlite_autoindex_api_tokens_1', sql: null },
    ]);
  });

  it('exported DDL creates a working table', async () => {
    const database = new Database(':memory:');
    database.exec(sqliteSchema('tokens'));
    const store = SqlTokenStore.sqlite(database, { table: 'tokens' });
    const record = makeRecord();
    await store.insert(record);
    expect(await store.findByDigest(record.digest)).toEqual(record);
    await store.migrate();
  });

  it('attached database table works', async () => {
    const database = new Database(':memory:');
    database.exec("ATTACH DATABASE ':memory:' AS auth");
    const store = SqlTokenStore.sqlite(database, { table: 'auth.api_tokens' });
    await store.migrate();
    await store.migrate();
    const record = makeRecord();
    await store.insert(record);
    expect(await store.findByDigest(record.digest)).toEqual(record);
    const indexes = database.prepare("SELECT count(*) AS count FROM auth.sqlite_schema WHERE type = 'index'").get();
    expect(indexes).toEqual({ count: 5 });
  });
});

describe('docs/sql.md', () => {
  it('DDL example matches postgresSchema', () => {
    const guide = readFileSync(new URL('../../docs/sql.md', import.meta.url), 'utf8');
    const example = /```sql\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toBe(postgresSchema('api_tokens'));
  });
});
