// The test command: runs the whole suite in UTC, then again under two non-UTC time zones.
// One zone has a half-hour offset and one has daylight saving time, because date arithmetic
// and SQL date handling must not depend on the process time zone. Files named *.heavy.test.ts
// (large tables, several processes) run in the UTC pass only. Extra arguments go to vitest.
// The last line sums the three passes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lightPass = ['--exclude', '**/*.heavy.test.ts', '--exclude', '**/node_modules/**'];
const passes = [
  { tz: 'UTC', args: [] },
  { tz: 'Asia/Kolkata', args: lightPass },
  { tz: 'America/Los_Angeles', args: lightPass },
];
const extra = process.argv.slice(2);
const reports = mkdtempSync(join(tmpdir(), 'api-tokens-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };

try {
  for (const [index, pass] of passes.entries()) {
    console.log(`\n=== vitest with TZ=${pass.tz} ===`);
    const report = join(reports, `${index}.json`);
    const result = spawnSync(
      'npx',
      ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...pass.args, ...extra],
      { stdio: 'inherit', env: { ...process.env, TZ: pass.tz } },
    );
    addCounts(report);
    if (result.status !== 0) {
      console.error(`Tests failed with TZ=${pass.tz}`);
      printTotals();
      process.exit(result.status ?? 1);
    }
  }
  printTotals();
} finally {
  rmSync(reports, { recursive: true, force: true });
}

function addCounts(report) {
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests;
    totals.skipped += summary.numPendingTests + summary.numTodoTests;
  } catch {
    // vitest wrote no report (it failed before running tests); its own output explains why.
  }
}

function printTotals() {
  console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}
