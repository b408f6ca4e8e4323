import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokens, isApiTokenError, MemoryTokenStore, type ApiTokenError, type TokenStore } from '../../src/index.js';
import { SqlTokenStore } from '../../src/sql/index.js';
import { makeRecord } from '../support/records.js';
import { openSqlite, SQL_TARGETS, type TestDatabase } from '../support/sql.js';

const ACTOR = { orgId: 'org_errors', userId: 'user_errors' };
const DIRECTORY = { getMember: async () => ({ role: 'Admin', permissions: [] }) };

for (const target of SQL_TARGETS) {
  describe.skipIf(!target.available)(`insert errors on ${target.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(async () => {
      await database?.close();
    });

    it('duplicate digest error hides the digest', async () => {
      const first = makeRecord();
      await database.store.insert(first);
      const error = await database.store.insert(makeRecord({ digest: first.digest })).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(`Insert into ${database.table} failed: a token with the same digest already exists`);
      expect((error as Error).cause).toBeUndefined();
      expect(JSON.stringify(error)).not.toContain(first.digest);
    });

    it('duplicate id error names the id', async () => {
      const first = makeRecord();
      await database.store.insert(first);
      const duplicate = makeRecord({ id: first.id });
      const error = await database.store.insert(duplicate).catch((caught: unknown) => caught);
      expect((error as Error).message).toBe(`Insert into ${database.table} failed: a token with id ${first.id} already exists`);
      expect((error as Error).message).not.toContain(duplicate.digest);
    });

    it('unexpected column value gives a clear error', async () => {
      const record = makeRecord();
      await database.store.insert(record);
      const placeholder = database.dialect === 'PostgreSQL' ? '$1' : '?';
      await database.query(`UPDATE ${database.table} SET status = 'paused' WHERE id = ${placeholder}`, [record.id]);
      await expect(database.store.findById(record.id)).rejects.toThrow(
        `${database.table} row ${record.id}: column status contains "paused", expected "active" or "inactive"; check that the table was created by migrate()`,
      );
    });
  });
}

describe('store factories', () => {
  it('postgres rejects an object without query', () => {
    expect(() => SqlTokenStore.postgres({} as pg.Pool)).toThrow(new TypeError('SqlTokenStore.postgres: pool must be a pg Pool or Client; got object'));
  });

  it('mysql rejects a callback-style pool', () => {
    const pool = mysql.createPool({ host: '127.0.0.1', port: 1 });
    try {
      expect(() => SqlTokenStore.mysql(pool as unknown as mysqlPromise.Pool)).toThrow(/pass pool\.promise\(\) or a pool from mysql2\/promise/);
      expect(() => SqlTokenStore.mysql(pool.promise())).not.toThrow();
    } finally {
      pool.end();
    }
  });

  it('sqlite rejects a missing database', () => {
    expect(() => SqlTokenStore.sqlite(undefined as unknown as Database.Database)).toThrow(
      new TypeError('SqlTokenStore.sqlite: database must be a better-sqlite3 Database; got undefined'),
    );
  });

  it('options must be an object', () => {
    expect(() => SqlTokenStore.sqlite(new Database(':memory:'), 'api_tokens' as never)).toThrow(
      new TypeError("SqlTokenStore.sqlite: options must be an object such as { table: 'api_tokens' }"),
    );
  });
});

describe('unreachable store', () => {
  let closedPort: number;
  beforeAll(async () => {
    closedPort = await findClosedPort();
  });

  async function expectStoreUnavailable(store: TokenStore, driverCode: string | null): Promise<void> {
    const apiTokens = createApiTokens({ store, prefix: 'acme', directory: DIRECTORY });
    // A token of the right format, made on a store that works, so verify reaches the store.
    const working = createApiTokens({ store: new MemoryTokenStore(), prefix: 'acme', directory: DIRECTORY });
    const { token } = await working.create(ACTOR, { name: 'elsewhere', expiresIn: 'never' });

    for (const call of [() => apiTokens.verify(token), () => apiTokens.create(ACTOR, { name: 'unreachable', expiresIn: 'never' })]) {
      const error = await call().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(isApiTokenError(error)).toBe(true);
      expect((error as ApiTokenError).code).toBe('STORE_UNAVAILABLE');
      const cause = (error as Error).cause as { code?: string } | undefined;
      expect(cause).toBeInstanceOf(Error);
      if (driverCode !== null) expect(cause?.code).toBe(driverCode);
      expect(String((error as Error).message)).not.toContain(token);
    }
  }

  it('refused PostgreSQL connection is STORE_UNAVAILABLE', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: closedPort, user: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      await expectStoreUnavailable(SqlTokenStore.postgres(pool), 'ECONNREFUSED');
    } finally {
      await pool.end();
    }
  });

  it('refused MySQL connection is STORE_UNAVAILABLE', async () => {
    const pool = mysqlPromise.createPool({ host: '127.0.0.1', port: closedPort, user: 'root', connectTimeout: 2_000 });
    try {
      await expectStoreUnavailable(SqlTokenStore.mysql(pool), 'ECONNREFUSED');
    } finally {
      await pool.end();
    }
  });

  it('closed SQLite database is STORE_UNAVAILABLE', async () => {
    const database = await openSqlite();
    await database.close();
    await expectStoreUnavailable(database.store, null);
  });
});

// Binds a port, then releases it, so that nothing listens there for the next moment.
function findClosedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
