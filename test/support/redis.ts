// Redis helpers for tests. Each test file uses its own key prefix and channel, so runs by
// several developers on one server never meet, and deletes its keys afterwards.
import { Redis, type RedisOptions } from 'ioredis';
import { REDIS } from './servers.js';

/** The test Redis as a URL, for processes configured by environment variables. */
export const REDIS_URL = `redis://${REDIS.host}:${REDIS.port}`;

/** Returns a prefix no other test run uses, such as `api-tokens-test:5f2c9a1e:`. */
export function uniqueRedisPrefix(): string {
  return `api-tokens-test:${crypto.randomUUID().slice(0, 8)}:`;
}

/** Opens a connection to the test Redis that fails fast instead of retrying for long. */
export function connectRedis(options: RedisOptions = {}): Redis {
  return new Redis({ ...REDIS, maxRetriesPerRequest: 1, commandTimeout: 5_000, ...options });
}

/** Deletes every key that starts with `prefix`. */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
