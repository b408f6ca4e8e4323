import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, type AuthContext, type RateLimitOptions } from '../../src/index.js';
import { decide, windowStart } from '../../src/rate-limit.js';
import { makeApiTokens } from '../support/setup.js';

/** Builds an API with rate limits and returns it with a verified token's auth context. */
async function limitedApiTokens(rateLimits: RateLimitOptions) {
  const setup = makeApiTokens({ rateLimits });
  const { token } = await setup.create();
  const result = await setup.apiTokens.verify(token);
  if (!result.valid) return expect.unreachable(`verify failed with ${result.code}`);
  return { ...setup, auth: result.auth };
}

/** Returns the auth context of a new token of the setup's owner. */
async function anotherAuth(setup: Awaited<ReturnType<typeof limitedApiTokens>>): Promise<AuthContext> {
  const { token } = await setup.create();
  const result = await setup.apiTokens.verify(token);
  if (!result.valid) return expect.unreachable(`verify failed with ${result.code}`);
  return result.auth;
}

const rule = fc.record({ limit: fc.integer({ min: 1, max: 1e9 }), windowSeconds: fc.integer({ min: 1, max: 31_536_000 }) });
const instant = fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) });

describe('rate limit decision', () => {
  it('header values are whole and bounded', () => {
    fc.assert(
      fc.property(rule, instant, fc.integer({ min: 1, max: 3e9 }), (limits, nowMs, count) => {
        const windowMs = limits.windowSeconds * 1000;
        const resetAtMs = windowStart(nowMs, windowMs) + windowMs;

        const decision = decide(limits, { count, resetAtMs }, nowMs);

        expect(decision.allowed).toBe(count <= limits.limit);
        expect(decision.limit).toBe(limits.limit);
        expect(Number.isInteger(decision.remaining)).toBe(true);
        expect(decision.remaining).toBeGreaterThanOrEqual(0);
        expect(decision.remaining).toBe(Math.max(0, limits.limit - count));
        expect(Number.isInteger(decision.reset)).toBe(true);
        expect(decision.reset * 1000).toBeGreaterThanOrEqual(resetAtMs);
        expect(decision.reset * 1000 - resetAtMs).toBeLessThan(1000);
        expect(Number.isInteger(decision.retryAfter)).toBe(true);
        expect(decision.retryAfter).toBeGreaterThanOrEqual(1);
        expect(decision.retryAfter).toBeLessThanOrEqual(limits.windowSeconds);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reset is UTC epoch seconds', () => {
    const nowMs = Date.parse('2026-03-15T10:30:00.000Z');

    const decision = decide({ limit: 10, windowSeconds: 3_600 }, { count: 1, resetAtMs: Date.parse('2026-03-15T11:00:00.000Z') }, nowMs);

    expect(decision.reset).toBe(Date.parse('2026-03-15T11:00:00.000Z') / 1000);
    expect(decision.retryAfter).toBe(1_800);
  });

  it('retryAfter is at least one', () => {
    const resetAtMs = Date.parse('2026-03-15T11:00:00.000Z');

    expect(decide({ limit: 1, windowSeconds: 60 }, { count: 2, resetAtMs }, resetAtMs - 1).retryAfter).toBe(1);
    expect(decide({ limit: 1, windowSeconds: 60 }, { count: 2, resetAtMs }, resetAtMs).retryAfter).toBe(1);
  });

  it('last allowed request has remaining 0', () => {
    const decision = decide({ limit: 5, windowSeconds: 60 }, { count: 5, resetAtMs: 60_000 }, 0);

    expect(decision.allowed).toBe(true);
    expect(decision.remaining).toBe(0);
  });
});

describe('MemoryRateLimitStore', () => {
  it('counts 1 to N concurrently', async () => {
    const store = new MemoryRateLimitStore();

    const hits = await Promise.all(Array.from({ length: 200 }, () => store.hit('token:a', 60_000, 1_000)));

    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
  });

  it('windows align to the epoch', async () => {
    const store = new MemoryRateLimitStore();

    const hit = await store.hit('token:a', 60_000, Date.parse('2026-03-15T10:30:42.500Z'));

    expect(hit.resetAtMs).toBe(Date.parse('2026-03-15T10:31:00.000Z'));
  });

  it('next window starts from one', async () => {
    const store = new MemoryRateLimitStore();
    await store.hit('token:a', 60_000, 59_999);
    await store.hit('token:a', 60_000, 59_999);

    const hit = await store.hit('token:a', 60_000, 60_000);

    expect(hit.count).toBe(1);
    expect(hit.resetAtMs).toBe(120_000);
  });

  it('keys count separately', async () => {
    const store = new MemoryRateLimitStore();
    await store.hit('token:a', 60_000, 0);

    expect((await store.hit('token:b', 60_000, 0)).count).toBe(1);
    expect((await store.hit('token:a', 60_000, 0)).count).toBe(2);
  });
});

describe('consumeRateLimit', () => {
  it('exactly the limit of 200 concurrent', async () => {
    const { apiTokens, auth } = await limitedApiTokens({ plans: { business: { limit: 50, windowSeconds: 3_600 } } });

    const decisions = await Promise.all(Array.from({ length: 200 }, () => apiTokens.consumeRateLimit(auth)));

    const allowed = decisions.filter((decision) => decision?.allowed);
    expect(allowed).toHaveLength(50);
    expect(allowed.map((decision) => decision?.remaining).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    for (const decision of decisions) expect(decision?.remaining).toBeGreaterThanOrEqual(0);
  });

  it('rejections emit exceeded events', async () => {
    const { apiTokens, auth, events } = await limitedApiTokens({ plans: { business: { limit: 1, windowSeconds: 60 } } });

    await apiTokens.consumeRateLimit(auth);
    const rejected = await apiTokens.consumeRateLimit(auth);

    expect(rejected?.allowed).toBe(false);
    expect(events.filter((event) => event.type === 'rate-limit.exceeded')).toEqual([
      expect.objectContaining({ tokenId: auth.tokenId, orgId: auth.orgId, plan: 'business', limit: 1 }),
    ]);
  });

  it('plan without rule is unlimited', async () => {
    const { apiTokens, auth } = await limitedApiTokens({ plans: { enterprise: { limit: 1, windowSeconds: 60 } } });

    expect(await apiTokens.consumeRateLimit(auth)).toBeNull();
  });

  it('default rule covers other plans', async () => {
    const { apiTokens, auth } = await limitedApiTokens({ plans: { enterprise: { limit: 100, windowSeconds: 60 } }, default: { limit: 2, windowSeconds: 60 } });

    const decision = await apiTokens.consumeRateLimit(auth);

    expect(decision?.limit).toBe(2);
  });

  it('per token counts each token', async () => {
    const setup = await limitedApiTokens({ plans: { business: { limit: 1, windowSeconds: 60 } } });
    const second = await anotherAuth(setup);

    expect((await setup.apiTokens.consumeRateLimit(setup.auth))?.allowed).toBe(true);
    expect((await setup.apiTokens.consumeRateLimit(second))?.allowed).toBe(true);
  });

  it('per organization shares one counter', async () => {
    const setup = await limitedApiTokens({ plans: { business: { limit: 1, windowSeconds: 60 } }, by: 'organization' });
    const second = await anotherAuth(setup);

    expect((await setup.apiTokens.consumeRateLimit(setup.auth))?.allowed).toBe(true);
    expect((await setup.apiTokens.consumeRateLimit(second))?.allowed).toBe(false);
  });

  it('window follows the injected clock', async () => {
    const { apiTokens, auth, clock } = await limitedApiTokens({ plans: { business: { limit: 1, windowSeconds: 60 } } });
    clock.set('2026-03-15T10:30:59.999Z');
    await apiTokens.consumeRateLimit(auth);

    clock.set('2026-03-15T10:31:00.000Z');
    const decision = await apiTokens.consumeRateLimit(auth);

    expect(decision?.allowed).toBe(true);
    expect(decision?.reset).toBe(Date.parse('2026-03-15T10:32:00.000Z') / 1000);
  });

  it('store failure is RATE_LIMIT_UNAVAILABLE', async () => {
    const failure = new Error('redis down');
    const { apiTokens, auth, events } = await limitedApiTokens({
      plans: { business: { limit: 1, windowSeconds: 60 } },
      store: { hit: () => Promise.reject(failure) },
    });

    const error = await apiTokens.consumeRateLimit(auth).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE', cause: failure });
    expect(events.filter((event) => event.type === 'rate-limit.unavailable')).toEqual([expect.objectContaining({ failOpen: false, error: failure })]);
  });

  it.each([
    ['a string count', { count: '3', resetAtMs: 60_000 }],
    ['a NaN count', { count: Number.NaN, resetAtMs: 60_000 }],
    ['a zero count', { count: 0, resetAtMs: 60_000 }],
    ['a fractional count', { count: 1.5, resetAtMs: 60_000 }],
    ['a missing reset', { count: 1 }],
  ])('store returning %s is unavailable', async (_case, hit) => {
    const { apiTokens, auth } = await limitedApiTokens({
      plans: { business: { limit: 10, windowSeconds: 60 } },
      store: { hit: async () => hit as never },
    });

    const error = await apiTokens.consumeRateLimit(auth).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('failOpen lets requests through', async () => {
    const { apiTokens, auth, events } = await limitedApiTokens({
      plans: { business: { limit: 1, windowSeconds: 60 } },
      store: { hit: () => Promise.reject(new Error('redis down')) },
      failOpen: true,
    });

    expect(await apiTokens.consumeRateLimit(auth)).toBeNull();
    expect(events.filter((event) => event.type === 'rate-limit.unavailable')).toEqual([expect.objectContaining({ failOpen: true })]);
  });

  it('no rateLimits means no limit', async () => {
    const { apiTokens, create } = makeApiTokens();
    const { token } = await create();
    const result = await apiTokens.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);

    expect(await apiTokens.consumeRateLimit(result.auth)).toBeNull();
  });
});
