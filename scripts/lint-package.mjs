// Packs the package as npm would publish it, then checks the tarball with publint (strict)
// and @arethetypeswrong/cli, so every subpath resolves with correct types for ESM and CJS
// consumers under node16, nodenext and bundler resolution.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const directory = mkdtempSync(join(tmpdir(), 'api-tokens-pack-'));
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

try {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', directory], { encoding: 'utf8' }),
  );
  const tarball = join(directory, filename);
  run('npx', ['publint', '--strict', tarball]);
  run('npx', ['attw', '--profile', 'node16', tarball]);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
