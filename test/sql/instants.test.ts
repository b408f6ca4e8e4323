import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../src/index.js';
import { makeRecord } from '../support/records.js';
import { openMariadb, openPostgres, openSqlite, SQL_TARGETS, type TestDatabase } from '../support/sql.js';

const available = new Map(SQL_TARGETS.map((target) => [target.dialect, target.available]));

// Instants around daylight saving changes in Europe and the US, a leap day, sub-second
// fractions that binary floating point cannot hold exactly, and the last millisecond of a year.
const INSTANTS = [
  '2024-02-29T23:59:59.999Z',
  '2026-03-08T10:00:00.001Z',
  '2026-03-29T01:30:00.500Z',
  '2026-10-25T00:59:59.123Z',
  '2026-11-01T08:59:59.070Z',
  '2099-12-31T23:59:59.999Z',
];

function recordAt(instant: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return makeRecord({ createdAt: new Date(instant), expiresAt: new Date(instant), lastUsedAt: new Date(instant), ...overrides });
}

async function expectSameMilliseconds(database: TestDatabase): Promise<void> {
  try {
    for (const instant of INSTANTS) {
      const record = recordAt(instant);
      await database.store.insert(record);
      const found = await database.store.findById(record.id);
      expect(found?.createdAt.toISOString()).toBe(instant);
      expect(found?.expiresAt?.toISOString()).toBe(instant);
      expect(found?.lastUsedAt?.toISOString()).toBe(instant);
    }
  } finally {
    await database.close();
  }
}

describe.skipIf(!available.get('MariaDB'))('instants on MariaDB', () => {
  it('session time zone +05:30 changes nothing', async () => {
    const database = await openMariadb({}, "SET time_zone = '+05:30'");
    try {
      const record = recordAt('2026-03-29T01:30:00.500Z');
      await database.store.insert(record);
      const found = await database.store.findById(record.id);
      expect(found?.createdAt.toISOString()).toBe('2026-03-29T01:30:00.500Z');
      const [stored] = await database.query(
        `SELECT CAST(created_at AS CHAR) AS created_at, @@session.time_zone AS zone FROM \`${database.table}\` WHERE id = ?`,
        [record.id],
      );
      expect(stored?.zone).toBe('+05:30');
      expect(stored?.created_at).toBe('2026-03-29 01:30:00.500');
    } finally {
      await database.close();
    }
  });

  it('session time zone -08:00 keeps milliseconds', async () => {
    await expectSameMilliseconds(await openMariadb({}, "SET time_zone = '-08:00'"));
  });

  it('driver timezone and dateStrings change nothing', async () => {
    await expectSameMilliseconds(await openMariadb({ timezone: '+05:30', dateStrings: true }));
    await expectSameMilliseconds(await openMariadb({ timezone: 'local', dateStrings: false }));
  });

  it('rowsAsArray pool reads whole records', async () => {
    await expectSameMilliseconds(await openMariadb({ rowsAsArray: true }));
  });

  it('DATETIME stores the UTC wall clock', async () => {
    const database = await openMariadb();
    try {
      const record = recordAt('2026-10-25T00:59:59.123Z', { expiresAt: null, lastUsedAt: null });
      await database.store.insert(record);
      const [stored] = await database.query(
        `SELECT CAST(created_at AS CHAR) AS created_at, expires_at IS NULL AS never, last_used_at IS NULL AS unused FROM \`${database.table}\` WHERE id = ?`,
        [record.id],
      );
      expect(stored?.created_at).toBe('2026-10-25 00:59:59.123');
      expect(stored?.never).toBe(1);
      expect(stored?.unused).toBe(1);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!available.get('PostgreSQL'))('instants on PostgreSQL', () => {
  it('session TimeZone Asia/Kolkata keeps milliseconds', async () => {
    await expectSameMilliseconds(await openPostgres({ options: '-c TimeZone=Asia/Kolkata' }));
  });

  it('session TimeZone America/Los_Angeles keeps milliseconds', async () => {
    await expectSameMilliseconds(await openPostgres({ options: '-c TimeZone=America/Los_Angeles' }));
  });

  it('text type parsers keep milliseconds', async () => {
    // An application may turn off pg's Date parsing; the store then reads timestamptz text.
    const asText = { getTypeParser: () => (value: string) => value };
    await expectSameMilliseconds(await openPostgres({ types: asText, options: '-c TimeZone=Asia/Kolkata' }));
  });

  it('session DateStyle German keeps milliseconds', async () => {
    await expectSameMilliseconds(await openPostgres({ options: '-c DateStyle=German' }));
  });

  it('DateStyle SQL with text parsers keeps milliseconds', async () => {
    const asText = { getTypeParser: () => (value: string) => value };
    await expectSameMilliseconds(await openPostgres({ types: asText, options: '-c DateStyle=SQL,DMY -c TimeZone=Asia/Kolkata' }));
  });

  it('pg parses every millisecond exactly', async () => {
    const database = await openPostgres();
    try {
      const rows = await database.query(
        `SELECT i, timestamptz '2026-03-29 01:59:59+00' + i * interval '1 millisecond' AS instant FROM generate_series(0, 999) AS i`,
      );
      const wrong = rows.filter((row) => (row.instant as Date).getTime() !== Date.parse('2026-03-29T01:59:59.000Z') + (row.i as number));
      expect(rows).toHaveLength(1000);
      expect(wrong).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('timestamptz stores the exact instant', async () => {
    const database = await openPostgres();
    try {
      const record = recordAt('2026-10-25T00:59:59.123Z', { expiresAt: null });
      await database.store.insert(record);
      const [stored] = await database.query(
        `SELECT (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms, expires_at IS NULL AS never FROM "${database.table}" WHERE id = $1`,
        [record.id],
      );
      expect(stored?.created_ms).toBe(String(Date.parse('2026-10-25T00:59:59.123Z')));
      expect(stored?.never).toBe(true);
    } finally {
      await database.close();
    }
  });
});

describe('instants on SQLite', () => {
  it('integer milliseconds keep milliseconds', async () => {
    await expectSameMilliseconds(await openSqlite());
  });

  it('columns contain integers and NULL', async () => {
    const database = await openSqlite();
    try {
      const record = recordAt('2026-10-25T00:59:59.123Z', { expiresAt: null, lastUsedAt: null });
      await database.store.insert(record);
      const [stored] = await database.query(
        `SELECT typeof(created_at) AS created_type, created_at, typeof(expires_at) AS expires_type, typeof(last_used_at) AS used_type FROM "${database.table}" WHERE id = ?`,
        [record.id],
      );
      expect(stored).toEqual({ created_type: 'integer', created_at: Date.parse('2026-10-25T00:59:59.123Z'), expires_type: 'null', used_type: 'null' });
    } finally {
      await database.close();
    }
  });
});
