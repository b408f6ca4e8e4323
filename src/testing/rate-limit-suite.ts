import assert from 'node:assert/strict';
import { rateLimitHeaders } from '../http.js';
import { decide, type RateLimitDecision, type RateLimitRule, type RateLimitStore } from '../rate-limit.js';
import { resolveRunner, type SuiteRunner } from './runner.js';

/** Options of {@link testRateLimitStore}. */
export interface RateLimitStoreSuiteOptions extends SuiteRunner {
  /** A name for the `describe` block, such as `'Redis'`. */
  name?: string;
  /** Returns the store under test. Called once per test. Tests use fresh keys, so one shared store is fine. */
  createStore(): RateLimitStore | Promise<RateLimitStore>;
}

/**
 * Registers the `RateLimitStore` conformance tests with the test runner: atomic counts under
 * concurrency, fixed windows aligned to the epoch, and the header values derived from them.
 * Every store shipped with this library passes them. Run them against your own store the
 * same way.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { testRateLimitStore } from 'api-tokens/testing';
 *
 * testRateLimitStore({ name: 'my store', describe, it, createStore: () => new MyRateLimitStore(client) });
 * ```
 */
export function testRateLimitStore(options: RateLimitStoreSuiteOptions): void {
  const { describe, it } = resolveRunner(options);
  const createStore = () => Promise.resolve(options.createStore());

  describe(`RateLimitStore conformance: ${options.name ?? 'store'}`, () => {
    it('concurrent hits let exactly the limit through', async () => {
      const store = await createStore();
      const key = uniqueKey();
      const rule = { limit: 50, windowSeconds: 60 };
      const nowMs = windowStartOf(rule) + 1_000;

      const hits = await Promise.all(Array.from({ length: 200 }, () => store.hit(key, rule.windowSeconds * 1000, nowMs)));
      const decisions = hits.map((hit) => decide(rule, hit, nowMs));

      assert.equal(decisions.filter((decision) => decision.allowed).length, 50);
      assert.deepEqual(
        hits.map((hit) => hit.count).sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, index) => index + 1),
      );
    });

    it('hit counts one request at a time', async () => {
      const store = await createStore();
      const key = uniqueKey();
      const nowMs = windowStartOf({ windowSeconds: 60 }) + 5_000;
      for (let expected = 1; expected <= 5; expected++) {
        const hit = await store.hit(key, 60_000, nowMs + expected);
        assert.equal(hit.count, expected);
      }
    });

    it('window end is aligned to the epoch', async () => {
      const store = await createStore();
      const start = windowStartOf({ windowSeconds: 3600 });
      const hit = await store.hit(uniqueKey(), 3_600_000, start + 1_234_567);
      assert.equal(hit.resetAtMs, start + 3_600_000);
      assert.equal(hit.resetAtMs % 3_600_000, 0);
    });

    it('window rollover resets the count', async () => {
      const store = await createStore();
      const key = uniqueKey();
      const start = windowStartOf({ windowSeconds: 10 });
      for (let i = 0; i < 3; i++) await store.hit(key, 10_000, start + 1_000);

      const lastMoment = await store.hit(key, 10_000, start + 9_999);
      assert.equal(lastMoment.count, 4);
      assert.equal(lastMoment.resetAtMs, start + 10_000);

      const nextWindow = await store.hit(key, 10_000, start + 10_000);
      assert.equal(nextWindow.count, 1);
      assert.equal(nextWindow.resetAtMs, start + 20_000);
    });

    it('keys are counted separately', async () => {
      const store = await createStore();
      const nowMs = windowStartOf({ windowSeconds: 60 }) + 1_000;
      const first = uniqueKey();
      await store.hit(first, 60_000, nowMs);
      await store.hit(first, 60_000, nowMs);
      assert.equal((await store.hit(uniqueKey(), 60_000, nowMs)).count, 1);
      assert.equal((await store.hit(first, 60_000, nowMs)).count, 3);
    });

    it('window lengths are counted separately', async () => {
      const store = await createStore();
      const key = uniqueKey();
      const nowMs = windowStartOf({ windowSeconds: 3600 }) + 1_000;
      await store.hit(key, 60_000, nowMs);
      await store.hit(key, 60_000, nowMs);
      assert.equal((await store.hit(key, 3_600_000, nowMs)).count, 1);
    });

    it('headers of the first request', async () => {
      const rule = { limit: 3, windowSeconds: 60 };
      const nowMs = windowStartOf(rule) + 20_500;
      const [first] = await hitTimes(await createStore(), rule, nowMs, 1);

      assert.equal(first!.allowed, true);
      assertHeaderValues(first!, rule, nowMs);
      assert.deepEqual(rateLimitHeaders(first!), {
        'x-ratelimit-limit': '3',
        'x-ratelimit-remaining': '2',
        'x-ratelimit-reset': String((windowStartOf(rule) + 60_000) / 1000),
      });
    });

    it('headers of the request at the limit', async () => {
      const rule = { limit: 3, windowSeconds: 60 };
      const nowMs = windowStartOf(rule) + 20_500;
      const atLimit = (await hitTimes(await createStore(), rule, nowMs, 3)).at(-1)!;

      assert.equal(atLimit.allowed, true);
      assertHeaderValues(atLimit, rule, nowMs);
      assert.equal(rateLimitHeaders(atLimit)['x-ratelimit-remaining'], '0');
      // 39.5 seconds are left in the window. Retry-After rounds up, so a client never retries early.
      assert.equal(atLimit.retryAfter, 40);
    });

    it('headers of requests past the limit', async () => {
      const rule = { limit: 3, windowSeconds: 60 };
      const nowMs = windowStartOf(rule) + 20_500;
      const past = (await hitTimes(await createStore(), rule, nowMs, 6)).slice(3);

      for (const decision of past) {
        assert.equal(decision.allowed, false);
        assertHeaderValues(decision, rule, nowMs);
        assert.equal(rateLimitHeaders(decision)['x-ratelimit-remaining'], '0');
        assert.equal(decision.retryAfter, 40);
      }
    });

    it('retryAfter rounds the last millisecond up', async () => {
      const rule = { limit: 1, windowSeconds: 60 };
      const nowMs = windowStartOf(rule) + 59_999;
      const rejected = (await hitTimes(await createStore(), rule, nowMs, 2)).at(-1)!;

      assert.equal(rejected.allowed, false);
      assertHeaderValues(rejected, rule, nowMs);
      assert.equal(rejected.retryAfter, 1);
    });
  });
}

async function hitTimes(store: RateLimitStore, rule: RateLimitRule, nowMs: number, times: number): Promise<RateLimitDecision[]> {
  const key = uniqueKey();
  const decisions: RateLimitDecision[] = [];
  for (let i = 0; i < times; i++) {
    decisions.push(decide(rule, await store.hit(key, rule.windowSeconds * 1000, nowMs), nowMs));
  }
  return decisions;
}

function assertHeaderValues(decision: RateLimitDecision, rule: RateLimitRule, nowMs: number): void {
  const windowEndMs = windowStartOf(rule, nowMs) + rule.windowSeconds * 1000;
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) {
    assert.match(value, /^(0|[1-9][0-9]*)$/, `${name} must be a non-negative integer, got ${value}`);
  }
  assert.ok(decision.remaining >= 0, `remaining must not be negative, got ${decision.remaining}`);
  assert.equal(decision.limit, rule.limit);
  assert.equal(decision.reset, Math.ceil(windowEndMs / 1000), 'reset must be the window end in epoch seconds');
  assert.ok(Number.isInteger(decision.retryAfter), `retryAfter must be whole seconds, got ${decision.retryAfter}`);
  assert.ok(decision.retryAfter >= 1, `retryAfter must be at least 1, got ${decision.retryAfter}`);
  assert.equal(decision.retryAfter, Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000)), 'retryAfter must round the time to the window end up');
}

// A fixed instant, aligned to every window length used above. Tests pass times relative to it,
// so results do not depend on when the suite runs.
const BASE_MS = Date.UTC(2031, 0, 1);

function windowStartOf(rule: Pick<RateLimitRule, 'windowSeconds'>, nowMs: number = BASE_MS): number {
  const windowMs = rule.windowSeconds * 1000;
  return Math.floor(nowMs / windowMs) * windowMs;
}

function uniqueKey(): string {
  return `conformance:${crypto.randomUUID()}`;
}
