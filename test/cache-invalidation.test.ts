import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type CacheInvalidation } from '../src/index.js';
import { ACTOR, issueToken, makeApiTokens } from './support/api-tokens.js';

// An in-process channel: publish delivers to every subscriber before it returns, so a test
// can check the very next verification on another instance.
function makeChannel() {
  const listeners = new Set<(tokenId: string) => void>();
  const published: string[] = [];
  const connect = (): CacheInvalidation => ({
    publish(tokenId) {
      published.push(tokenId);
      for (const listener of listeners) listener(tokenId);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  return { connect, published };
}

// Two instances of one API: one token store, each with its own cache of 60 seconds.
function makeInstances(invalidation: (() => CacheInvalidation) | null) {
  const store = new MemoryTokenStore();
  const options = () => (invalidation === null ? { store, cache: { ttlMs: 60_000 } } : { store, cache: { ttlMs: 60_000 }, invalidation: invalidation() });
  return { a: makeApiTokens(options()), b: makeApiTokens(options()) };
}

describe('cache invalidation across instances', () => {
  it('revocation evicts the other instance', async () => {
    const { a, b } = makeInstances(makeChannel().connect);
    const { token, id } = await issueToken(a.apiTokens);
    expect((await b.apiTokens.verify(token)).valid).toBe(true);

    await a.apiTokens.revoke(ACTOR, id);

    expect(await b.apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('deactivation evicts the other instance', async () => {
    const { a, b } = makeInstances(makeChannel().connect);
    const { token, id } = await issueToken(a.apiTokens);
    expect((await b.apiTokens.verify(token)).valid).toBe(true);

    await a.apiTokens.deactivate(ACTOR, id);

    expect(await b.apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('reactivation evicts the other instance', async () => {
    const { a, b } = makeInstances(makeChannel().connect);
    const { token, id } = await issueToken(a.apiTokens);
    await a.apiTokens.deactivate(ACTOR, id);
    expect(await b.apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });

    await a.apiTokens.reactivate(ACTOR, id);

    expect((await b.apiTokens.verify(token)).valid).toBe(true);
  });

  it('publishes the token id once per change', async () => {
    const channel = makeChannel();
    const { a } = makeInstances(channel.connect);
    const { id } = await issueToken(a.apiTokens);

    await a.apiTokens.deactivate(ACTOR, id);
    await a.apiTokens.reactivate(ACTOR, id);
    await a.apiTokens.revoke(ACTOR, id);

    expect(channel.published).toEqual([id, id, id]);
  });

  it('instance without a cache still publishes', async () => {
    const channel = makeChannel();
    const store = new MemoryTokenStore();
    const management = makeApiTokens({ store, cache: false, invalidation: channel.connect() });
    const api = makeApiTokens({ store, cache: { ttlMs: 60_000 }, invalidation: channel.connect() });
    const { token, id } = await issueToken(management.apiTokens);
    expect((await api.apiTokens.verify(token)).valid).toBe(true);

    await management.apiTokens.deactivate(ACTOR, id);

    expect(await api.apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('without invalidation stays stale until TTL', async () => {
    const { a, b } = makeInstances(null);
    const { token, id } = await issueToken(a.apiTokens);
    expect((await b.apiTokens.verify(token)).valid).toBe(true);

    await a.apiTokens.revoke(ACTOR, id);

    expect((await b.apiTokens.verify(token)).valid).toBe(true);
    expect(await a.apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('failed publish still revokes with event', async () => {
    const failing: CacheInvalidation = {
      publish: () => Promise.reject(new Error('connection closed')),
      subscribe: () => () => undefined,
    };
    const { apiTokens, events } = makeApiTokens({ cache: { ttlMs: 60_000 }, invalidation: failing });
    const { token, id } = await issueToken(apiTokens);
    expect((await apiTokens.verify(token)).valid).toBe(true);

    await apiTokens.revoke(ACTOR, id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
    const failure = events.find((event) => event.type === 'cache.invalidation-failed');
    expect(failure).toMatchObject({ type: 'cache.invalidation-failed', tokenId: id });
    expect((failure as { error: Error }).error.message).toBe('connection closed');
  });

  it('throwing publish still deactivates with event', async () => {
    const throwing: CacheInvalidation = {
      publish: () => {
        throw new Error('not connected');
      },
      subscribe: () => () => undefined,
    };
    const { apiTokens, events } = makeApiTokens({ cache: { ttlMs: 60_000 }, invalidation: throwing });
    const { id } = await issueToken(apiTokens);

    const info = await apiTokens.deactivate(ACTOR, id);

    expect(info.status).toBe('inactive');
    expect(events.filter((event) => event.type === 'cache.invalidation-failed')).toHaveLength(1);
  });

  it('rejects an invalidation without subscribe', () => {
    const invalid = { publish: () => undefined } as unknown as CacheInvalidation;
    expect(() => makeApiTokens({ invalidation: invalid })).toThrow(/options\.invalidation is invalid/);
  });
});
