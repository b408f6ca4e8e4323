// Three app processes share one PostgreSQL table and one Redis, as a deployment behind a
// load balancer would. Each process is test/support/instance.ts, bundled once with tsup.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlTokenStore } from '../src/sql/index.js';
import { REDIS_URL, connectRedis, deleteKeys, uniqueRedisPrefix } from './support/redis.js';
import { POSTGRES, serverAvailable } from './support/servers.js';

const available = (await serverAvailable('PostgreSQL')) && (await serverAvailable('Redis'));
const POSTGRES_URL = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${POSTGRES.database}`;

const INSTANCES = 3;
const LIMIT = 30;
const START_TIMEOUT_MS = 20_000;

interface Instance {
  process: ChildProcess;
  url: string;
}

// Every child process started, also those that failed to start, so afterAll stops them all.
const children: ChildProcess[] = [];

const table = `api_tokens_mi_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
const redisPrefix = uniqueRedisPrefix();
let pool: pg.Pool | undefined;
let bundleDirectory: string | undefined;
let instances: Instance[] = [];

describe.skipIf(!available)('three instances on one database and Redis', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ ...POSTGRES, max: 2 });
    await SqlTokenStore.postgres(pool, { table }).migrate();

    mkdirSync('.tmp', { recursive: true });
    bundleDirectory = mkdtempSync(join('.tmp', 'instance-'));
    await build({
      entry: { instance: 'test/support/instance.ts' },
      outDir: bundleDirectory,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      external: ['pg', 'ioredis'],
      config: false,
      dts: false,
      silent: true,
    });
    const script = join(bundleDirectory, 'instance.js');
    const clockMs = Date.now();
    instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(script, clockMs)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    if (bundleDirectory !== undefined) rmSync(bundleDirectory, { recursive: true, force: true });
    if (pool !== undefined) {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
    const redis = connectRedis();
    await deleteKeys(redis, redisPrefix);
    await redis.quit();
  });

  it('together they allow exactly the limit', async () => {
    const { token } = await createToken(instances[0]!);

    const requests = Array.from({ length: LIMIT * INSTANCES }, (_, index) => whoami(instances[index % INSTANCES]!, token));
    const responses = await Promise.all(requests);
    const allowed = responses.filter((response) => response.status === 200);

    expect(allowed).toHaveLength(LIMIT);
    expect(responses.filter((response) => response.status === 429)).toHaveLength(LIMIT * (INSTANCES - 1));
    const remaining = allowed.map((response) => Number(response.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: LIMIT }, (_, index) => index));
  });

  it('revocation on one reaches all', async () => {
    const { token, id } = await createToken(instances[0]!);
    for (const instance of instances) expect((await whoami(instance, token)).status).toBe(200);

    const revoked = await fetch(`${instances[1]!.url}/admin/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(204);

    for (const instance of instances) expect((await whoami(instance, token)).status).toBe(401);
  });
});

async function startInstance(script: string, clockMs: number): Promise<Instance> {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      INSTANCE_POSTGRES_URL: POSTGRES_URL,
      INSTANCE_TABLE: table,
      INSTANCE_REDIS_URL: REDIS_URL,
      INSTANCE_REDIS_PREFIX: redisPrefix,
      INSTANCE_LIMIT: String(LIMIT),
      INSTANCE_CLOCK_MS: String(clockMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let errorOutput = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errorOutput += chunk.toString();
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start within ${START_TIMEOUT_MS} ms: ${errorOutput}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`instance exited with code ${code} before it listened: ${errorOutput}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { process: child, url: `http://127.0.0.1:${port}` };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function createToken(instance: Instance): Promise<{ token: string; id: string }> {
  const response = await fetch(`${instance.url}/admin/tokens`, { method: 'POST' });
  expect(response.status).toBe(201);
  return (await response.json()) as { token: string; id: string };
}

function whoami(instance: Instance, token: string): Promise<Response> {
  return fetch(`${instance.url}/api/whoami`, { headers: { 'x-api-key': token } });
}
