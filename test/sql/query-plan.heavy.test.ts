import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlTokenStore } from '../../src/sql/index.js';
import { mariadbBulkInsert, postgresBulkInsert, sqliteBulkInsert } from '../support/bulk.js';
import { makeRecord } from '../support/records.js';
import { MARIADB, POSTGRES, serverAvailable } from '../support/servers.js';
import { uniqueTable } from '../support/sql.js';

const ROWS = 100_000;
const TIMEOUT_MS = 180_000;
// One of the 10 organizations of the bulk data, with 10,000 tokens, and one of its users,
// with 1,000 tokens.
const ORG_ID = 'org_2';
const USER_ID = 'user_4';

interface Statement {
  sql: string;
  params: unknown[];
}

// Runs `call` on the store and returns the one statement the store sent for it.
async function captureStatement(captured: Statement[], call: () => Promise<unknown>): Promise<Statement> {
  captured.length = 0;
  await call();
  expect(captured).toHaveLength(1);
  return captured[0]!;
}

interface PostgresPlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PostgresPlanNode[];
}

function flattenPlan(node: PostgresPlanNode): PostgresPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flattenPlan)];
}

describe.skipIf(!(await serverAvailable('PostgreSQL')))(`query plans on PostgreSQL with ${ROWS} rows`, () => {
  const pool = new pg.Pool({ ...POSTGRES, max: 2 });
  const table = uniqueTable();
  const captured: Statement[] = [];
  const store = SqlTokenStore.postgres(
    {
      query: (sql: string, params?: unknown[]) => {
        captured.push({ sql, params: params ?? [] });
        return pool.query(sql, params);
      },
    },
    { table },
  );

  beforeAll(async () => {
    await store.migrate();
    for (const sql of postgresBulkInsert(table, ROWS)) await pool.query(sql);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`);
    await pool.end();
  });

  async function planOf(statement: Statement): Promise<PostgresPlanNode[]> {
    const { rows } = await pool.query(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.params);
    return flattenPlan(rows[0]['QUERY PLAN'][0].Plan);
  }

  it('digest lookup uses the unique index', async () => {
    const record = makeRecord();
    await store.insert(record);
    const statement = await captureStatement(captured, () => store.findByDigest(record.digest));
    const nodes = await planOf(statement);
    expect(nodes.map((node) => node['Node Type'])).toEqual(['Index Scan']);
    expect(nodes[0]?.['Index Name']).toBe(`${table}_digest`);
  });

  it('user listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () =>
      store.list({ orgId: ORG_ID, userId: USER_ID, after: { createdAt: new Date('2026-01-02T00:00:00.000Z'), id: 'bulk-9' }, limit: 21 }),
    );
    const nodes = await planOf(statement);
    expect(nodes.map((node) => node['Node Type'])).toEqual(['Limit', 'Index Scan']);
    expect(nodes[1]?.['Index Name']).toBe(`${table}_user_list`);
  });

  it('organization listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () => store.list({ orgId: ORG_ID, after: null, limit: 21 }));
    const nodes = await planOf(statement);
    expect(nodes.map((node) => node['Node Type'])).toEqual(['Limit', 'Index Scan']);
    expect(nodes[1]?.['Index Name']).toBe(`${table}_org_list`);
  });
});

describe.skipIf(!(await serverAvailable('MariaDB')))(`query plans on MariaDB with ${ROWS} rows`, () => {
  const pool = mysql.createPool({ ...MARIADB, connectionLimit: 2 });
  const table = uniqueTable();
  const captured: Statement[] = [];
  const store = SqlTokenStore.mysql(
    {
      execute: (sql: string, params?: (string | null)[]) => {
        captured.push({ sql, params: params ?? [] });
        return pool.execute(sql, params);
      },
    },
    { table },
  );

  beforeAll(async () => {
    await store.migrate();
    for (const sql of mariadbBulkInsert(table, ROWS)) await pool.query(sql);
  }, TIMEOUT_MS);
  afterAll(async () => {
    await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
    await pool.end();
  });

  async function planOf(statement: Statement): Promise<mysql.RowDataPacket[]> {
    const [rows] = await pool.execute<mysql.RowDataPacket[]>(`EXPLAIN ${statement.sql}`, statement.params as (string | null)[]);
    return rows;
  }

  it('digest lookup uses the unique index', async () => {
    const record = makeRecord();
    await store.insert(record);
    const statement = await captureStatement(captured, () => store.findByDigest(record.digest));
    const [step, ...rest] = await planOf(statement);
    expect(rest).toEqual([]);
    // "const": at most one row, read through a unique index before the query runs.
    expect(step?.type).toBe('const');
    expect(step?.key).toBe(`${table}_digest`);
  });

  it('user listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () =>
      store.list({ orgId: ORG_ID, userId: USER_ID, after: { createdAt: new Date('2026-01-02T00:00:00.000Z'), id: 'bulk-9' }, limit: 21 }),
    );
    const [step, ...rest] = await planOf(statement);
    expect(rest).toEqual([]);
    // "ref" and "range" read part of an index; "ALL" and "index" would read all of it.
    expect(['ref', 'range']).toContain(step?.type);
    expect(step?.key).toBe(`${table}_user_list`);
    expect(String(step?.Extra)).not.toContain('filesort');
  });

  it('organization listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () => store.list({ orgId: ORG_ID, after: null, limit: 21 }));
    const [step, ...rest] = await planOf(statement);
    expect(rest).toEqual([]);
    expect(['ref', 'range']).toContain(step?.type);
    expect(step?.key).toBe(`${table}_org_list`);
    expect(String(step?.Extra)).not.toContain('filesort');
  });
});

describe(`query plans on SQLite with ${ROWS} rows`, () => {
  const database = new Database(':memory:');
  const table = uniqueTable();
  const captured: Statement[] = [];
  const store = SqlTokenStore.sqlite(
    {
      prepare: (sql: string) => {
        const statement = database.prepare(sql);
        return {
          run: (...params: unknown[]) => statement.run(...params),
          get: (...params: unknown[]) => {
            captured.push({ sql, params });
            return statement.get(...params);
          },
          all: (...params: unknown[]) => {
            captured.push({ sql, params });
            return statement.all(...params);
          },
        };
      },
    },
    { table },
  );

  beforeAll(async () => {
    await store.migrate();
    for (const sql of sqliteBulkInsert(table, ROWS)) database.exec(sql);
  }, TIMEOUT_MS);
  afterAll(() => {
    database.close();
  });

  function planOf(statement: Statement): string[] {
    const rows = database.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  it('digest lookup uses the unique index', async () => {
    const record = makeRecord();
    await store.insert(record);
    const statement = await captureStatement(captured, () => store.findByDigest(record.digest));
    expect(planOf(statement)).toEqual([`SEARCH ${table} USING INDEX ${table}_digest (digest=?)`]);
  });

  it('user listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () =>
      store.list({ orgId: ORG_ID, userId: USER_ID, after: { createdAt: new Date('2026-01-02T00:00:00.000Z'), id: 'bulk-9' }, limit: 21 }),
    );
    expect(planOf(statement)).toEqual([`SEARCH ${table} USING INDEX ${table}_user_list (org_id=? AND user_id=? AND created_at<?)`]);
  });

  it('organization listing uses its index unsorted', async () => {
    const statement = await captureStatement(captured, () => store.list({ orgId: ORG_ID, after: null, limit: 21 }));
    expect(planOf(statement)).toEqual([`SEARCH ${table} USING INDEX ${table}_org_list (org_id=?)`]);
  });
});
