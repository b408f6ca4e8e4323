import { Socket } from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** The local test servers. Tests use their own table names and key prefixes on them. */
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' } as const;
export const REDIS = { host: '127.0.0.1', port: 6379 } as const;

export type ServerName = 'PostgreSQL' | 'MariaDB' | 'Redis';

const ADDRESSES: Record<ServerName, { host: string; port: number }> = { PostgreSQL: POSTGRES, MariaDB: MARIADB, Redis: REDIS };
const PROBE_TIMEOUT_MS = 2_000;

const probes: Record<ServerName, () => Promise<void>> = {
  PostgreSQL: async () => {
    const client = new pg.Client({ ...POSTGRES, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  MariaDB: async () => {
    const connection = await mysql.createConnection({ ...MARIADB, connectTimeout: PROBE_TIMEOUT_MS });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end().catch(() => undefined);
    }
  },
  Redis: () => pingRedis(),
};

const results = new Map<ServerName, Promise<boolean>>();

/**
 * Tells whether the server responds on 127.0.0.1. When it does not, prints that the tests
 * needing it are skipped and why. With `CI=true` it throws instead, so that a missing server
 * fails the run rather than skipping tests silently.
 *
 * @example
 * ```ts
 * const hasPostgres = await serverAvailable('PostgreSQL');
 * describe.skipIf(!hasPostgres)('SqlTokenStore on PostgreSQL', () => { ... });
 * ```
 */
export function serverAvailable(name: ServerName): Promise<boolean> {
  let result = results.get(name);
  if (result === undefined) {
    result = probes[name]().then(
      () => true,
      (error: unknown) => reportMissing(name, error),
    );
    results.set(name, result);
  }
  return result;
}

function reportMissing(name: ServerName, error: unknown): false {
  const { host, port } = ADDRESSES[name];
  const reason = error instanceof Error ? error.message || error.name : String(error);
  const message = `${name} did not answer on ${host}:${port} (${reason}); start it, for example with bash .ci/services.sh`;
  if (process.env.CI === 'true') throw new Error(`${message}. With CI=true a missing server fails the tests.`);
  console.warn(`Skipping the ${name} tests: ${message}.`);
  return false;
}

function pingRedis(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let reply = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => fail(new Error(`no reply within ${PROBE_TIMEOUT_MS} ms`)));
    socket.on('error', fail);
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      socket.destroy();
      if (reply.startsWith('+PONG')) resolve();
      else reject(new Error(`PING returned ${JSON.stringify(reply.trim())}`));
    });
    socket.connect(REDIS.port, REDIS.host, () => socket.write('PING\r\n'));
  });
}
