// Measures `verify` latency on the SQL store: median and p99 over sequential calls, on tables
// of 1,000 and 100,000 tokens, for PostgreSQL, MariaDB and a SQLite file. Each verify runs one
// digest lookup on the store (the cache is off) and one directory call that returns at once.
// The peer is the same driver running the bare `SELECT ... WHERE digest = ?` with a digest
// computed beforehand: the floor that any token library on that database pays. Calls of the
// two alternate in one loop, so machine noise hits both alike, and the table reports the
// ratio of the medians.
//
// Run after a build, with the local servers of .ci/services.sh:
//   npx tsup && node bench/verify-latency.mjs
// ITERATIONS (default 2000) sets the number of timed calls per table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createApiTokens } from '../dist/index.js';
import { SqlTokenStore } from '../dist/sql.js';

const SIZES = [1_000, 100_000];
const ITERATIONS = Number(process.env.ITERATIONS ?? 2_000);
const WARMUP = 200;
const TOKENS = 100;
const ACTOR = { orgId: 'org_bench', userId: 'user_bench' };

// Each target opens a fresh table, fills it with `rows` bulk rows in one statement and
// returns the store and a cleanup function.
const targets = [
  {
    dialect: 'PostgreSQL',
    async open(table, rows) {
      const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 4 });
      const store = SqlTokenStore.postgres(pool, { table });
      await store.migrate();
      await pool.query(
        `INSERT INTO "${table}" (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
         SELECT 'bulk-' || i, 'org_' || (i % 10), 'user_' || (i / 10 % 10), 'bulk token', 'Ab12',
                encode(sha256(i::text::bytea), 'hex'), 'sha256', 'active',
                timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'
         FROM generate_series(1, ${rows}) AS i`,
      );
      await pool.query(`ANALYZE "${table}"`);
      return {
        store,
        lookup: (digest) => pool.query(`SELECT * FROM "${table}" WHERE digest = $1`, [digest]),
        close: async () => {
          await pool.query(`DROP TABLE IF EXISTS "${table}"`);
          await pool.end();
        },
      };
    },
  },
  {
    dialect: 'MariaDB',
    async open(table, rows) {
      const pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 4 });
      const store = SqlTokenStore.mysql(pool, { table });
      await store.migrate();
      await pool.query(
        `INSERT INTO \`${table}\` (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
         SELECT CONCAT('bulk-', seq), CONCAT('org_', seq % 10), CONCAT('user_', seq DIV 10 % 10), 'bulk token', 'Ab12',
                SHA2(seq, 256), 'sha256', 'active', TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND
         FROM seq_1_to_${rows}`,
      );
      await pool.query(`ANALYZE TABLE \`${table}\``);
      return {
        store,
        lookup: (digest) => pool.execute(`SELECT * FROM \`${table}\` WHERE digest = ?`, [digest]),
        close: async () => {
          await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
          await pool.end();
        },
      };
    },
  },
  {
    dialect: 'SQLite (file, WAL)',
    async open(table, rows) {
      const directory = mkdtempSync(join(tmpdir(), 'api-tokens-bench-'));
      const database = new Database(join(directory, 'tokens.db'));
      database.pragma('journal_mode = WAL');
      const store = SqlTokenStore.sqlite(database, { table });
      await store.migrate();
      database.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
         INSERT INTO "${table}" (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
         SELECT 'bulk-' || i, 'org_' || (i % 10), 'user_' || (i / 10 % 10), 'bulk token', 'Ab12',
                printf('%064x', i), 'sha256', 'active', 1767225600000 + i * 1000
         FROM n`,
      );
      database.exec(`ANALYZE "${table}"`);
      const statement = database.prepare(`SELECT * FROM "${table}" WHERE digest = ?`);
      return {
        store,
        lookup: async (digest) => statement.get(digest),
        close: async () => {
          database.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
];

async function measure(target, size) {
  const table = `api_tokens_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
  const { store, close, lookup } = await target.open(table, size - TOKENS);
  try {
    const apiTokens = createApiTokens({
      store,
      prefix: 'bench',
      directory: { getMember: async () => ({ role: 'Admin', permissions: ['documents:read'] }) },
    });
    const tokens = [];
    for (let i = 0; i < TOKENS; i++) tokens.push((await apiTokens.create(ACTOR, { name: `bench ${i}`, expiresIn: '1-year' })).token);

    const digests = tokens.map((token) => createHash('sha256').update(token).digest('hex'));

    for (let i = 0; i < WARMUP; i++) {
      await verifyOrThrow(apiTokens, tokens[i % TOKENS]);
      await lookup(digests[i % TOKENS]);
    }
    const durations = [];
    const peerDurations = [];
    for (let i = 0; i < ITERATIONS; i++) {
      let started = performance.now();
      await verifyOrThrow(apiTokens, tokens[i % TOKENS]);
      durations.push(performance.now() - started);

      started = performance.now();
      await lookup(digests[i % TOKENS]);
      peerDurations.push(performance.now() - started);
    }
    await apiTokens.flush();
    durations.sort((a, b) => a - b);
    peerDurations.sort((a, b) => a - b);
    return { median: percentile(durations, 0.5), p99: percentile(durations, 0.99), peerMedian: percentile(peerDurations, 0.5) };
  } finally {
    await close();
  }
}

async function verifyOrThrow(apiTokens, token) {
  const result = await apiTokens.verify(token);
  if (!result.valid) throw new Error(`verify failed with ${result.code}`);
}

// Nearest-rank percentile of sorted values.
function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

const lines = [
  '| store | rows | verify median (ms) | verify p99 (ms) | bare SELECT median (ms) | ratio |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const target of targets) {
  for (const size of SIZES) {
    try {
      const { median, p99, peerMedian } = await measure(target, size);
      const ratio = (median / peerMedian).toFixed(2);
      lines.push(`| ${target.dialect} | ${size.toLocaleString('en-US')} | ${median.toFixed(3)} | ${p99.toFixed(3)} | ${peerMedian.toFixed(3)} | ${ratio} |`);
    } catch (error) {
      lines.push(`| ${target.dialect} | ${size.toLocaleString('en-US')} | failed: ${error.message} | | | |`);
    }
  }
}
console.log(`verify latency, ${ITERATIONS} sequential calls per table after ${WARMUP} warm-up calls, Node ${process.version}\n`);
console.log(lines.join('\n'));
