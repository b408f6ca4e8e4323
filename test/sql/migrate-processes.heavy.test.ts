import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteSchema, SqlTokenStore } from '../../src/sql/index.js';
import { makeRecord } from '../support/records.js';

const PROCESSES = 6;

// Each child opens the database file and, at the same start instant as the others, runs the
// statements that migrate() runs, one at a time, then prints "ok".
const CHILD = `
const Database = require('better-sqlite3');
const [file, startAt, statements] = process.argv.slice(1);
const database = new Database(file);
while (Date.now() < Number(startAt));
for (const sql of JSON.parse(statements)) database.prepare(sql).run();
database.close();
console.log('ok');
`;

function runChild(file: string, startAt: number, statements: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, file, String(startAt), JSON.stringify(statements)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve(`${code}: ${output.trim()}`));
  });
}

describe('migrate from several SQLite processes', () => {
  it('concurrent processes all succeed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'api-tokens-migrate-'));
    try {
      const file = join(directory, 'tokens.db');
      const statements = sqliteSchema('api_tokens').trimEnd().replace(/;$/, '').split(';\n\n');
      const startAt = Date.now() + 1_000;

      const results = await Promise.all(Array.from({ length: PROCESSES }, () => runChild(file, startAt, statements)));

      expect(results).toEqual(Array.from({ length: PROCESSES }, () => '0: ok'));
      const database = new Database(file);
      try {
        const indexes = database.prepare("SELECT count(*) AS count FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'api_tokens'").get();
        expect(indexes).toEqual({ count: 5 });
        const store = SqlTokenStore.sqlite(database);
        const record = makeRecord();
        await store.insert(record);
        expect(await store.findById(record.id)).toEqual(record);
      } finally {
        database.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
