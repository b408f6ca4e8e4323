import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenRecord } from '../../src/index.js';
import { RecordCache } from '../../src/cache.js';
import { makeApiTokens } from '../support/setup.js';
import { countCalls, deferred, storeWith } from '../support/stores.js';

const CACHE = { ttlMs: 60_000, maxEntries: 100 };

/** Builds a cached API over a store that counts its calls. */
function cachedApiTokens(cache: { ttlMs?: number; maxEntries?: number } = CACHE) {
  const counted = countCalls(new MemoryTokenStore());
  const setup = makeApiTokens({ store: counted.store, cache });
  return { ...setup, counted };
}

/** Returns a minimal record for cache unit tests. */
function cacheRecord(id: string): TokenRecord {
  return {
    id,
    orgId: 'org_1',
    userId: 'user_1',
    name: 'cached',
    suffix: 'abcd',
    digest: `digest-${id}`,
    digestScheme: 'sha256',
    digestKeyId: null,
    status: 'active',
    inactiveReason: null,
    deactivatedBy: null,
    scopes: null,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    expiresAt: null,
    lastUsedAt: null,
  };
}

describe('verification cache', () => {
  it('second verify reads no store', async () => {
    const { apiTokens, create, counted } = cachedApiTokens();
    const { token } = await create();
    await apiTokens.verify(token);
    const lookups = counted.calls.findByDigest;

    expect((await apiTokens.verify(token)).valid).toBe(true);
    expect(counted.calls.findByDigest).toBe(lookups);
  });

  it('deactivate applies to the next verify', async () => {
    const { apiTokens, create, owner } = cachedApiTokens();
    const { token, info } = await create();
    expect((await apiTokens.verify(token)).valid).toBe(true);

    await apiTokens.deactivate(owner, info.id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('revoke applies to the next verify', async () => {
    const { apiTokens, create, owner } = cachedApiTokens();
    const { token, info } = await create();
    expect((await apiTokens.verify(token)).valid).toBe(true);

    await apiTokens.revoke(owner, info.id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('reactivate applies to the next verify', async () => {
    const { apiTokens, create, owner } = cachedApiTokens();
    const { token, info } = await create();
    await apiTokens.deactivate(owner, info.id);
    expect((await apiTokens.verify(token)).valid).toBe(false);

    await apiTokens.reactivate(owner, info.id);

    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('slow lookup never restores stale state', async () => {
    const inner = new MemoryTokenStore();
    const entered = deferred();
    const release = deferred();
    let pauseNext = false;
    const store = storeWith(inner, {
      async findByDigest(digest) {
        const record = await inner.findByDigest(digest);
        if (pauseNext) {
          pauseNext = false;
          entered.resolve();
          await release.promise;
        }
        return record;
      },
    });
    const { apiTokens, create, owner } = makeApiTokens({ store, cache: CACHE });
    const { token, info } = await create();

    pauseNext = true;
    const slowVerification = apiTokens.verify(token);
    await entered.promise;
    await apiTokens.deactivate(owner, info.id);
    release.resolve();
    await slowVerification;

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('cache hit still decides expiry', async () => {
    const { apiTokens, clock, create, counted } = cachedApiTokens();
    const { token, info } = await create(undefined, { expiresIn: '1-month' });
    clock.set(new Date(info.expiresAt!.getTime() - 1_000));
    expect((await apiTokens.verify(token)).valid).toBe(true);
    const lookups = counted.calls.findByDigest;
    clock.advance(1_000);

    const result = await apiTokens.verify(token);

    expect(result).toEqual({ valid: false, code: 'EXPIRED' });
    expect(counted.calls.findByDigest).toBe(lookups);
  });

  it('entries expire after ttlMs', async () => {
    const { apiTokens, clock, create, counted } = cachedApiTokens({ ttlMs: 5_000 });
    const { token } = await create();
    await apiTokens.verify(token);
    const lookups = counted.calls.findByDigest;

    clock.advance(4_999);
    await apiTokens.verify(token);
    expect(counted.calls.findByDigest).toBe(lookups);
    clock.advance(1);
    await apiTokens.verify(token);
    expect(counted.calls.findByDigest).toBe(lookups + 1);
  });

  it('size bound evicts least recent', async () => {
    const { apiTokens, create, counted } = cachedApiTokens({ ttlMs: 60_000, maxEntries: 3 });
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push((await create()).token);
    for (const token of tokens) await apiTokens.verify(token);
    const lookups = counted.calls.findByDigest;

    await apiTokens.verify(tokens[4]!);
    expect(counted.calls.findByDigest).toBe(lookups);
    await apiTokens.verify(tokens[0]!);
    expect(counted.calls.findByDigest).toBe(lookups + 1);
  });

  it('evict drops a record changed elsewhere', async () => {
    const { apiTokens, create, owner, store } = cachedApiTokens();
    const { token, info } = await create();
    await apiTokens.verify(token);
    // Another instance deactivates the token in the shared store.
    await store.updateStatus(info.id, { status: 'active', deactivatedBy: null }, { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: owner.userId });
    expect((await apiTokens.verify(token)).valid).toBe(true);

    apiTokens.evict(info.id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('repeated deactivate evicts a stale record', async () => {
    const { apiTokens, create, owner, store } = cachedApiTokens();
    const { token, info } = await create();
    await apiTokens.verify(token);
    // Another instance deactivates the token in the shared store, then the user repeats it here.
    await store.updateStatus(info.id, { status: 'active', deactivatedBy: null }, { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: owner.userId });

    const deactivated = await apiTokens.deactivate(owner, info.id);

    expect(deactivated.status).toBe('inactive');
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('repeated reactivate evicts a stale record', async () => {
    const { apiTokens, create, owner, store } = cachedApiTokens();
    const { token, info } = await create();
    await apiTokens.deactivate(owner, info.id);
    await apiTokens.verify(token);
    // Another instance reactivates the token in the shared store, then the user repeats it here.
    await store.updateStatus(info.id, { status: 'inactive', deactivatedBy: owner.userId }, { status: 'active', inactiveReason: null, deactivatedBy: null });

    const reactivated = await apiTokens.reactivate(owner, info.id);

    expect(reactivated.status).toBe('active');
    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('revoke of a missing token evicts it', async () => {
    const { apiTokens, create, owner, store } = cachedApiTokens();
    const { token, info } = await create();
    await apiTokens.verify(token);
    // Another instance revokes the token in the shared store, then the user repeats it here.
    await store.delete(info.id);

    const error = await apiTokens.revoke(owner, info.id).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('disabled cache reads store each time', async () => {
    const counted = countCalls(new MemoryTokenStore());
    const { apiTokens, create } = makeApiTokens({ store: counted.store });
    const { token } = await create();

    await apiTokens.verify(token);
    await apiTokens.verify(token);

    expect(counted.calls.findByDigest).toBe(2);
  });
});

describe('RecordCache', () => {
  it('keeps at most maxEntries', () => {
    const cache = new RecordCache(60_000, 2);
    for (const id of ['a', 'b', 'c']) cache.fill(`digest-${id}`, cacheRecord(id), cache.epoch, 0);

    expect(cache.get('digest-a', 1)).toBeNull();
    expect(cache.get('digest-b', 1)?.id).toBe('b');
    expect(cache.get('digest-c', 1)?.id).toBe('c');
  });

  it('get refreshes recency', () => {
    const cache = new RecordCache(60_000, 2);
    cache.fill('digest-a', cacheRecord('a'), cache.epoch, 0);
    cache.fill('digest-b', cacheRecord('b'), cache.epoch, 0);

    cache.get('digest-a', 1);
    cache.fill('digest-c', cacheRecord('c'), cache.epoch, 2);

    expect(cache.get('digest-a', 3)?.id).toBe('a');
    expect(cache.get('digest-b', 3)).toBeNull();
  });

  it('fill skips after an invalidation', () => {
    const cache = new RecordCache(60_000, 10);
    const epochAtRead = cache.epoch;

    cache.invalidate('unrelated');
    cache.fill('digest-a', cacheRecord('a'), epochAtRead, 0);

    expect(cache.get('digest-a', 1)).toBeNull();
  });

  it('entry expires at ttlMs', () => {
    const cache = new RecordCache(1_000, 10);
    cache.fill('digest-a', cacheRecord('a'), cache.epoch, 0);

    expect(cache.get('digest-a', 999)?.id).toBe('a');
    expect(cache.get('digest-a', 1_000)).toBeNull();
  });

  it('invalidate removes by token id', () => {
    const cache = new RecordCache(60_000, 10);
    cache.fill('digest-a', cacheRecord('a'), cache.epoch, 0);

    cache.invalidate('a');

    expect(cache.get('digest-a', 1)).toBeNull();
  });
});
