import { describe, expect, it } from 'vitest';
import { createApiTokens, MemoryTokenStore, type BackgroundFailedEvent } from '../../src/index.js';
import { makeApiTokens } from '../support/setup.js';
import { countCalls, deferred, storeWith } from '../support/stores.js';

const INTERVAL_MS = 60_000;

/** Resolves to `'timed out'` after `ms` of real time, to race a call that must not hang. */
function timeout(ms: number): Promise<'timed out'> {
  return new Promise((resolve) => setTimeout(() => resolve('timed out'), ms));
}

describe('lastUsedAt writes', () => {
  it('verify records lastUsedAt', async () => {
    const { apiTokens, clock, create, owner } = makeApiTokens();
    const { token, info } = await create();
    clock.advance(5_000);
    const usedAt = clock.now();

    await apiTokens.verify(token);
    await apiTokens.flush();

    expect((await apiTokens.get(owner, info.id)).lastUsedAt).toEqual(usedAt);
  });

  it('at most once per interval', async () => {
    const counted = countCalls(new MemoryTokenStore());
    const { apiTokens, clock, create, store } = makeApiTokens({ store: counted.store, lastUsedIntervalMs: INTERVAL_MS });
    const { token, info } = await create();

    await apiTokens.verify(token);
    clock.advance(INTERVAL_MS - 1);
    await apiTokens.verify(token);
    await apiTokens.flush();
    expect(counted.calls.touchLastUsed).toBe(1);

    clock.advance(1);
    await apiTokens.verify(token);
    await apiTokens.flush();
    expect(counted.calls.touchLastUsed).toBe(2);
    expect((await store.findById(info.id))?.lastUsedAt).toEqual(clock.now());
  });

  it('throttle is per token', async () => {
    const counted = countCalls(new MemoryTokenStore());
    const { apiTokens, create } = makeApiTokens({ store: counted.store, lastUsedIntervalMs: INTERVAL_MS });
    const first = await create();
    const second = await create();

    await apiTokens.verify(first.token);
    await apiTokens.verify(second.token);
    await apiTokens.verify(first.token);
    await apiTokens.flush();

    expect(counted.calls.touchLastUsed).toBe(2);
  });

  it('stored lastUsedAt also throttles', async () => {
    const counted = countCalls(new MemoryTokenStore());
    const setup = makeApiTokens({ store: counted.store, lastUsedIntervalMs: INTERVAL_MS });
    const { token } = await setup.create();
    await setup.apiTokens.verify(token);
    await setup.apiTokens.flush();

    // A second instance over the same store has no throttle entry but reads lastUsedAt.
    const secondInstance = createApiTokens(setup.options);
    await secondInstance.verify(token);
    await secondInstance.flush();

    expect(counted.calls.touchLastUsed).toBe(1);
  });

  it('zero interval writes every time', async () => {
    const counted = countCalls(new MemoryTokenStore());
    const { apiTokens, clock, create } = makeApiTokens({ store: counted.store, lastUsedIntervalMs: 0 });
    const { token } = await create();

    for (let i = 0; i < 3; i++) {
      await apiTokens.verify(token);
      clock.advance(1);
    }
    await apiTokens.flush();

    expect(counted.calls.touchLastUsed).toBe(3);
  });

  it('hanging touch never delays verify', async () => {
    const store = storeWith(new MemoryTokenStore(), { touchLastUsed: () => new Promise<void>(() => undefined) });
    const { apiTokens, create } = makeApiTokens({ store });
    const { token } = await create();

    const outcome = await Promise.race([apiTokens.verify(token), timeout(1_000)]);

    expect(outcome).not.toBe('timed out');
    expect(outcome).toMatchObject({ valid: true });
  });

  it('rejecting touch keeps verify valid', async () => {
    const failure = new Error('database is read-only');
    const store = storeWith(new MemoryTokenStore(), { touchLastUsed: () => Promise.reject(failure) });
    const { apiTokens, create, events } = makeApiTokens({ store });
    const { token, info } = await create();

    const result = await apiTokens.verify(token);
    await apiTokens.flush();

    expect(result.valid).toBe(true);
    const failed = events.filter((event): event is BackgroundFailedEvent => event.type === 'background.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.operation).toBe('touch-last-used');
    expect(failed[0]?.tokenId).toBe(info.id);
    expect(failed[0]?.error).toBe(failure);
  });

  it('throwing touch keeps verify valid', async () => {
    const failure = new Error('driver bug');
    const store = storeWith(new MemoryTokenStore(), {
      touchLastUsed: () => {
        throw failure;
      },
    });
    const { apiTokens, create, events } = makeApiTokens({ store });
    const { token } = await create();

    const result = await apiTokens.verify(token);
    await apiTokens.flush();

    expect(result.valid).toBe(true);
    expect(events.filter((event) => event.type === 'background.failed')).toHaveLength(1);
  });

  it('flush waits for pending writes', async () => {
    const inner = new MemoryTokenStore();
    const release = deferred();
    const store = storeWith(inner, {
      async touchLastUsed(id, at) {
        await release.promise;
        await inner.touchLastUsed(id, at);
      },
    });
    const { apiTokens, create } = makeApiTokens({ store });
    const { token, info } = await create();
    await apiTokens.verify(token);
    let flushed = false;

    const flushing = apiTokens.flush().then(() => {
      flushed = true;
    });
    await timeout(20);
    expect(flushed).toBe(false);
    release.resolve();
    await flushing;

    expect(flushed).toBe(true);
    expect((await inner.findById(info.id))?.lastUsedAt).not.toBeNull();
  });

  it('flush with nothing pending resolves', async () => {
    const { apiTokens } = makeApiTokens();

    await expect(apiTokens.flush()).resolves.toBeUndefined();
  });
});
