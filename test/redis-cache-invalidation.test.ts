import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { MemoryTokenStore } from '../src/index.js';
import { RedisCacheInvalidation } from '../src/redis/index.js';
import { ACTOR, issueToken, makeApiTokens } from './support/api-tokens.js';
import { connectRedis, uniqueRedisPrefix } from './support/redis.js';
import { serverAvailable } from './support/servers.js';

const hasRedis = await serverAvailable('Redis');
const connections: Redis[] = [];

function connect(options: Parameters<typeof connectRedis>[0] = {}): Redis {
  const client = connectRedis(options);
  connections.push(client);
  return client;
}

function makeInvalidation(channel: string): RedisCacheInvalidation {
  return new RedisCacheInvalidation(connect(), connect(), { channel });
}

// Resolves when `invalidation` delivers `tokenId`. Listeners run in the order they subscribed,
// so the token API's own listener has evicted the token by then.
function delivered(invalidation: RedisCacheInvalidation, tokenId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = invalidation.subscribe((id) => {
      if (id !== tokenId) return;
      stop();
      resolve();
    });
  });
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
});

describe.skipIf(!hasRedis)('RedisCacheInvalidation', () => {
  it('revocation evicts the other instance', async () => {
    const channel = `${uniqueRedisPrefix()}invalidate`;
    const store = new MemoryTokenStore();
    const first = makeInvalidation(channel);
    const second = makeInvalidation(channel);
    const a = makeApiTokens({ store, cache: { ttlMs: 60_000 }, invalidation: first });
    const b = makeApiTokens({ store, cache: { ttlMs: 60_000 }, invalidation: second });
    await Promise.all([first.ready(), second.ready()]);
    const { token, id } = await issueToken(a.apiTokens);
    expect((await b.apiTokens.verify(token)).valid).toBe(true);

    const delivery = delivered(second, id);
    await a.apiTokens.revoke(ACTOR, id);
    await delivery;

    expect(await b.apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('deactivation evicts the other instance', async () => {
    const channel = `${uniqueRedisPrefix()}invalidate`;
    const store = new MemoryTokenStore();
    const first = makeInvalidation(channel);
    const second = makeInvalidation(channel);
    const a = makeApiTokens({ store, cache: { ttlMs: 60_000 }, invalidation: first });
    const b = makeApiTokens({ store, cache: { ttlMs: 60_000 }, invalidation: second });
    await Promise.all([first.ready(), second.ready()]);
    const { token, id } = await issueToken(a.apiTokens);
    expect((await b.apiTokens.verify(token)).valid).toBe(true);

    const delivery = delivered(second, id);
    await a.apiTokens.deactivate(ACTOR, id);
    await delivery;

    expect(await b.apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('closed publisher still revokes with event', async () => {
    const publisher = connect({ enableOfflineQueue: false });
    const invalidation = new RedisCacheInvalidation(publisher, connect(), { channel: `${uniqueRedisPrefix()}invalidate` });
    const { apiTokens, events } = makeApiTokens({ cache: { ttlMs: 60_000 }, invalidation });
    const { token, id } = await issueToken(apiTokens);
    publisher.disconnect();

    await apiTokens.revoke(ACTOR, id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect(events.filter((event) => event.type === 'cache.invalidation-failed').map((event) => 'tokenId' in event && event.tokenId)).toEqual([id]);
  });

  it('ignores messages on other channels', async () => {
    const channel = `${uniqueRedisPrefix()}invalidate`;
    const subscriber = connect();
    const invalidation = new RedisCacheInvalidation(connect(), subscriber, { channel });
    const received: string[] = [];
    invalidation.subscribe((tokenId) => received.push(tokenId));
    await invalidation.ready();
    await subscriber.subscribe(`${channel}:other`);

    const publisher = connect();
    await publisher.publish(`${channel}:other`, 'token-on-other-channel');
    await publisher.publish(channel, 'token-on-channel');
    await waitFor(() => received.length > 0);

    expect(received).toEqual(['token-on-channel']);
  });

  it('close stops delivery', async () => {
    const channel = `${uniqueRedisPrefix()}invalidate`;
    const invalidation = makeInvalidation(channel);
    const received: string[] = [];
    invalidation.subscribe((tokenId) => received.push(tokenId));
    await invalidation.ready();

    await invalidation.close();
    const subscribers = await connect().publish(channel, 'after-close');

    expect(subscribers).toBe(0);
    expect(received).toEqual([]);
  });

  it('ready rejects before any subscription', async () => {
    const invalidation = makeInvalidation(`${uniqueRedisPrefix()}invalidate`);
    await expect(invalidation.ready()).rejects.toThrow(/nothing has subscribed yet/);
  });
});

describe('RedisCacheInvalidation options', () => {
  const fake = () => ({ publish: () => undefined, subscribe: () => undefined, unsubscribe: () => undefined, on: () => undefined, off: () => undefined }) as unknown as Redis;

  it('rejects one connection for both', () => {
    const client = fake();
    expect(() => new RedisCacheInvalidation(client, client)).toThrow(/publisher and subscriber are the same connection/);
  });

  it('rejects a subscriber without subscribe', () => {
    expect(() => new RedisCacheInvalidation(fake(), { on: () => undefined } as unknown as Redis)).toThrow(/subscriber is invalid/);
  });

  it('rejects an empty channel', () => {
    expect(() => new RedisCacheInvalidation(fake(), fake(), { channel: '' })).toThrow(/options\.channel is invalid/);
  });

  it('rejects an unknown option', () => {
    expect(() => new RedisCacheInvalidation(fake(), fake(), { chanel: 'app' } as never)).toThrow(
      new TypeError('RedisCacheInvalidation: options.chanel is not an option; expected channel or onError'),
    );
  });

  it('default channel name', () => {
    expect(new RedisCacheInvalidation(fake(), fake()).channel).toBe('api-tokens:cache-invalidation');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
