// Fills a migrated token table with many rows quickly, in one statement per dialect. Row i
// belongs to organization org_(i % 10) and user user_((i / 10) % 10), so that with 100,000
// rows each of the 10 organizations has 10 users with 1,000 tokens each. Row i was created
// i seconds after 2026-01-01 and has a digest derived from i.

/** Inserts rows 1 to `count` with PostgreSQL's generate_series and updates the planner statistics. */
export function postgresBulkInsert(table: string, count: number): string[] {
  return [
    `INSERT INTO "${table}" (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
     SELECT 'bulk-' || i, 'org_' || (i % 10), 'user_' || (i / 10 % 10), 'bulk token', 'Ab12',
            encode(sha256(i::text::bytea), 'hex'), 'sha256', 'active',
            timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second'
     FROM generate_series(1, ${count}) AS i`,
    `ANALYZE "${table}"`,
  ];
}

/** Inserts rows 1 to `count` from MariaDB's SEQUENCE engine and updates the index statistics. */
export function mariadbBulkInsert(table: string, count: number): string[] {
  return [
    `INSERT INTO \`${table}\` (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
     SELECT CONCAT('bulk-', seq), CONCAT('org_', seq % 10), CONCAT('user_', seq DIV 10 % 10), 'bulk token', 'Ab12',
            SHA2(seq, 256), 'sha256', 'active', TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND
     FROM seq_1_to_${count}`,
    `ANALYZE TABLE \`${table}\``,
  ];
}

/** Inserts rows 1 to `count` with a recursive common table expression and runs ANALYZE. */
export function sqliteBulkInsert(table: string, count: number): string[] {
  return [
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
     INSERT INTO "${table}" (id, org_id, user_id, name, suffix, digest, digest_scheme, status, created_at)
     SELECT 'bulk-' || i, 'org_' || (i % 10), 'user_' || (i / 10 % 10), 'bulk token', 'Ab12',
            printf('%064x', i), 'sha256', 'active', 1767225600000 + i * 1000
     FROM n`,
    `ANALYZE "${table}"`,
  ];
}
