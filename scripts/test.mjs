// The test command: runs the whole suite in UTC, then again under two non-UTC time zones
// (one with a half-hour offset, one with daylight saving time), because date arithmetic and
// SQL date handling must not depend on the process time zone. Files named *.heavy.test.ts
// (large tables, several processes) run in the UTC pass only.
import { spawnSync } from 'node:child_process';

const passes = [
  { tz: 'UTC', args: [] },
  { tz: 'Asia/Kolkata', args: ['--exclude', '**/*.heavy.test.ts', '--exclude', '**/node_modules/**'] },
  { tz: 'America/Los_Angeles', args: ['--exclude', '**/*.heavy.test.ts', '--exclude', '**/node_modules/**'] },
];
const extra = process.argv.slice(2);

for (const pass of passes) {
  console.log(`\n=== vitest with TZ=${pass.tz} ===`);
  const result = spawnSync('npx', ['vitest', 'run', ...pass.args, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, TZ: pass.tz },
  });
  if (result.status !== 0) {
    console.error(`Tests failed with TZ=${pass.tz}`);
    process.exit(result.status ?? 1);
  }
}
