import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { decide } from '../src/rate-limit.js';
import { RedisRateLimitStore } from '../src/redis/index.js';
import { testRateLimitStore } from '../src/testing/index.js';
import { connectRedis, deleteKeys, uniqueRedisPrefix } from './support/redis.js';
import { serverAvailable } from './support/servers.js';

const hasRedis = await serverAvailable('Redis');
const prefix = uniqueRedisPrefix();
let client: Redis;

describe.skipIf(!hasRedis)('RedisRateLimitStore', () => {
  beforeAll(() => {
    client = connectRedis();
  });

  afterAll(async () => {
    await deleteKeys(client, prefix);
    await client.quit();
  });

  testRateLimitStore({ name: 'RedisRateLimitStore', describe, it, createStore: () => new RedisRateLimitStore(client, { prefix }) });

  it('counter key names the window', async () => {
    const store = new RedisRateLimitStore(client, { prefix });
    const nowMs = Date.now();
    const start = Math.floor(nowMs / 60_000) * 60_000;
    await store.hit('token:key-name', 60_000, nowMs);

    const key = `${prefix}token:key-name:60000:${start}`;
    expect(await client.get(key)).toBe('1');
  });

  it('counter expires a window after its end', async () => {
    const store = new RedisRateLimitStore(client, { prefix });
    const nowMs = Date.now();
    const start = Math.floor(nowMs / 60_000) * 60_000;
    await store.hit('token:expiry', 60_000, nowMs);

    const ttl = await client.pttl(`${prefix}token:expiry:60000:${start}`);
    const untilEnd = start + 60_000 - nowMs;
    expect(ttl).toBeGreaterThan(untilEnd + 60_000 - 1_000);
    expect(ttl).toBeLessThanOrEqual(untilEnd + 60_000);
  });

  it('later hits keep the first expiry', async () => {
    const store = new RedisRateLimitStore(client, { prefix });
    const start = Math.floor(Date.now() / 60_000) * 60_000;
    const key = `${prefix}token:first-expiry:60000:${start}`;
    await store.hit('token:first-expiry', 60_000, start);
    const first = await client.pttl(key);
    await store.hit('token:first-expiry', 60_000, start + 30_000);

    expect(await client.pttl(key)).toBeLessThanOrEqual(first);
  });

  it('two clients share one count', async () => {
    const other = connectRedis();
    try {
      const stores = [new RedisRateLimitStore(client, { prefix }), new RedisRateLimitStore(other, { prefix })];
      const rule = { limit: 50, windowSeconds: 60 };
      const nowMs = Date.now();
      const hits = await Promise.all(Array.from({ length: 200 }, (_, index) => stores[index % 2]!.hit('org:shared', 60_000, nowMs)));

      expect(hits.filter((hit) => decide(rule, hit, nowMs).allowed)).toHaveLength(50);
    } finally {
      await other.quit();
    }
  });

  it('NOSCRIPT reply falls back to EVAL', async () => {
    // The real server replies NOSCRIPT to an unknown SHA-1, as it does after a restart or
    // SCRIPT FLUSH. Flushing the shared server's scripts would disturb other test runs.
    const forgetful = new Proxy(client, {
      get(target, property, receiver) {
        if (property === 'evalsha') return (_sha: string, ...args: (string | number)[]) => target.evalsha('0'.repeat(40), ...(args as [number, string, number]));
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const store = new RedisRateLimitStore(forgetful, { prefix });
    const nowMs = Date.now();

    expect((await store.hit('token:noscript', 60_000, nowMs)).count).toBe(1);
    expect((await store.hit('token:noscript', 60_000, nowMs)).count).toBe(2);
  });

  it('other Redis errors reject the hit', async () => {
    const store = new RedisRateLimitStore(client, { prefix });
    const nowMs = Date.now();
    const start = Math.floor(nowMs / 60_000) * 60_000;
    await client.set(`${prefix}token:not-a-number:60000:${start}`, 'text');

    await expect(store.hit('token:not-a-number', 60_000, nowMs)).rejects.toThrow(/not an integer/);
  });
});

describe('RedisRateLimitStore options', () => {
  it('rejects a client that is not ioredis', () => {
    expect(() => new RedisRateLimitStore({} as Redis)).toThrow(new TypeError('RedisRateLimitStore: client is invalid: expected an ioredis Redis or Cluster instance'));
  });

  it('rejects an empty prefix', () => {
    const fake = { evalsha: () => undefined, eval: () => undefined } as unknown as Redis;
    expect(() => new RedisRateLimitStore(fake, { prefix: '' })).toThrow(/options\.prefix is invalid/);
  });

  it('rejects an unknown option', () => {
    const fake = { evalsha: () => undefined, eval: () => undefined } as unknown as Redis;
    expect(() => new RedisRateLimitStore(fake, { prefx: 'app:' } as never)).toThrow(new TypeError('RedisRateLimitStore: options.prefx is not an option; expected prefix'));
  });

  it('default prefix is api-tokens:rl:', () => {
    const fake = { evalsha: () => undefined, eval: () => undefined } as unknown as Redis;
    expect(new RedisRateLimitStore(fake).prefix).toBe('api-tokens:rl:');
  });
});
