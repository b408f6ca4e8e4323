// `npm run demo` as a user runs it: a child process on a free port, called over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../scripts/demo.mjs', import.meta.url));
// The demo may build dist/ first, which takes a while on a busy machine.
const STARTUP_TIMEOUT_MS = 120_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function temporaryDatabase(): string {
  const directory = mkdtempSync(join(tmpdir(), 'api-tokens-demo-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return join(directory, 'demo.sqlite');
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startDemo(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [DEMO, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  return { child, output };
}

async function waitFor(output: { stdout: string }, pattern: RegExp, child: ChildProcess): Promise<RegExpExecArray> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const match = pattern.exec(output.stdout);
    if (match !== null) return match;
    if (child.exitCode !== null) throw new Error(`demo exited with code ${child.exitCode} before printing ${pattern}`);
    if (Date.now() > deadline) throw new Error(`demo printed no ${pattern} within ${STARTUP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm run demo', () => {
  it(
    'printed token works once started',
    async () => {
      const port = await freePort();
      const { child, output } = startDemo(['--port', String(port), '--database', temporaryDatabase()]);
      const [, token] = await waitFor(output, /^ {2}(acme_[0-9A-Za-z]{49})$/m, child);
      await waitFor(output, /Press Ctrl\+C to stop/, child);

      expect(output.stdout).toContain(`curl -H 'X-API-Key: ${token}' http://127.0.0.1:${port}/v1/documents`);
      const documents = await fetch(`http://127.0.0.1:${port}/v1/documents`, { headers: { 'x-api-key': token! } });
      expect(documents.status).toBe(200);
      expect(((await documents.json()) as { items: unknown[] }).items).toHaveLength(2);

      const wrong = await fetch(`http://127.0.0.1:${port}/v1/documents`, { headers: { 'x-api-key': 'acme_wrong' } });
      expect(wrong.status).toBe(401);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(output.stdout).toContain('Demo server stopped.');
    },
    STARTUP_TIMEOUT_MS + 10_000,
  );

  it(
    'port in use gives one line',
    async () => {
      const blocker = createServer().listen(0, '127.0.0.1');
      await once(blocker, 'listening');
      cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
      const { port } = blocker.address() as AddressInfo;

      const { child, output } = startDemo(['--database', temporaryDatabase()], { PORT: String(port) });
      const [code] = (await once(child, 'exit')) as [number | null];

      expect(code).toBe(1);
      expect(output.stderr.trim().split('\n')).toEqual([
        `Port ${port} is already in use. Stop the program using it, or choose another port: PORT=3001 npm run demo`,
      ]);
    },
    STARTUP_TIMEOUT_MS + 10_000,
  );

  it(
    'second demo keeps the first database',
    async () => {
      const database = temporaryDatabase();
      const first = startDemo(['--port', String(await freePort()), '--database', database]);
      await waitFor(first.output, /Press Ctrl\+C to stop/, first.child);
      const inode = statSync(database).ino;

      const second = startDemo(['--port', String(await freePort()), '--database', database]);
      const [code] = (await once(second.child, 'exit')) as [number | null];

      expect(code).toBe(1);
      expect(second.output.stderr).toContain(`Another demo (process ${first.child.pid}) is using`);
      expect(statSync(database).ino).toBe(inode);
    },
    2 * STARTUP_TIMEOUT_MS + 10_000,
  );
});
