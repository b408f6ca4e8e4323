// Checks whether the local test servers respond. A suite that needs one registers its
// tests with `describe.skipIf(!server.available)`. On a machine without the server it prints
// why it skipped them, and under CI=true a missing server fails the run instead.
import pg from 'pg';
import { Redis } from 'ioredis';

export interface ServerStatus {
  available: boolean;
  /** Why the server is unavailable; empty when it is available. */
  reason: string;
}

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

const CONNECT_TIMEOUT_MS = 2_000;

/** Checks that Redis replies to PING at {@link REDIS_URL}. */
export function redisServer(): Promise<ServerStatus> {
  return checkServer('Redis', REDIS_URL, async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
}

/** Checks that PostgreSQL runs a query at {@link POSTGRES_URL}. */
export function postgresServer(): Promise<ServerStatus> {
  return checkServer('PostgreSQL', POSTGRES_URL, async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

async function checkServer(name: string, url: string, probe: () => Promise<void>): Promise<ServerStatus> {
  try {
    await probe();
    return { available: true, reason: '' };
  } catch (error) {
    const reason = `${name} at ${url} is not reachable (${error instanceof Error ? error.message : String(error)})`;
    if (process.env.CI === 'true') {
      throw new Error(`${reason}. With CI=true every test server is required: start them with .ci/services.sh`);
    }
    console.warn(`Skipping the tests that need ${name}: ${reason}. Start it (see .ci/services.sh) to run them.`);
    return { available: false, reason };
  }
}
