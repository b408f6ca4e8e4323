import { describe, expect, it } from 'vitest';
import { authenticateRequest, ietfRateLimitHeaders, resolveHttpOptions, type HttpRejection } from '../src/index.js';
import type { RateLimitDecision } from '../src/rate-limit.js';
import { issueToken, makeApiTokens } from './support/api-tokens.js';

function makeDecision(overrides: Partial<RateLimitDecision> = {}): RateLimitDecision {
  return { allowed: true, limit: 100, remaining: 42, reset: 1_800_000_030, retryAfter: 30, windowSeconds: 60, ...overrides };
}

// Windows of one minute that start at a whole minute, so a clock 30 seconds into one leaves
// exactly 30 seconds to its end.
const WINDOW_START = Date.UTC(2026, 11, 4, 12, 0, 0);

function rateLimitedApiTokens(limit: number) {
  return makeApiTokens({
    rateLimits: { plans: { business: { limit, windowSeconds: 60 } } },
    clock: () => new Date(WINDOW_START + 30_000),
  });
}

describe('ietfRateLimitHeaders', () => {
  it('formats policy and remaining quota', () => {
    expect(ietfRateLimitHeaders(makeDecision())).toEqual({
      'ratelimit-policy': '"default";q=100;w=60',
      ratelimit: '"default";r=42;t=30',
    });
  });

  it('uses the given policy name', () => {
    expect(ietfRateLimitHeaders(makeDecision({ limit: 1000, windowSeconds: 3600 }), 'hourly')).toEqual({
      'ratelimit-policy': '"hourly";q=1000;w=3600',
      ratelimit: '"hourly";r=42;t=30',
    });
  });

  it('exhausted quota reports r=0', () => {
    const headers = ietfRateLimitHeaders(makeDecision({ allowed: false, remaining: 0, retryAfter: 7 }));
    expect(headers.ratelimit).toBe('"default";r=0;t=7');
  });

  it('escapes quotes and backslashes', () => {
    const headers = ietfRateLimitHeaders(makeDecision(), 'a "b" \\c');
    expect(headers['ratelimit-policy']).toBe('"a \\"b\\" \\\\c";q=100;w=60');
  });

  it.each([[''], ['x'.repeat(65)], ['tab\there'], ['ünïcode']])('rejects policy name %j', (policy) => {
    expect(() => ietfRateLimitHeaders(makeDecision(), policy)).toThrow(TypeError);
  });
});

describe('authenticateRequest ietfHeaders option', () => {
  it('off by default', async () => {
    const { apiTokens } = rateLimitedApiTokens(10);
    const { token } = await issueToken(apiTokens);
    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token });

    expect(outcome.headers).toEqual({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': String((WINDOW_START + 60_000) / 1000) });
  });

  it('true adds both fields', async () => {
    const { apiTokens } = rateLimitedApiTokens(10);
    const { token } = await issueToken(apiTokens);
    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token }, { ietfHeaders: true });

    expect(outcome.ok).toBe(true);
    expect(outcome.headers['ratelimit-policy']).toBe('"default";q=10;w=60');
    expect(outcome.headers.ratelimit).toBe('"default";r=9;t=30');
    expect(outcome.headers['x-ratelimit-remaining']).toBe('9');
  });

  it('policy option names the policy', async () => {
    const { apiTokens } = rateLimitedApiTokens(10);
    const { token } = await issueToken(apiTokens);
    const options = resolveHttpOptions({ ietfHeaders: { policy: 'per-token' } });
    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token }, options);

    expect(outcome.headers['ratelimit-policy']).toBe('"per-token";q=10;w=60');
    expect(outcome.headers.ratelimit).toBe('"per-token";r=9;t=30');
  });

  it('429 carries r=0 and Retry-After', async () => {
    const { apiTokens } = rateLimitedApiTokens(1);
    const { token } = await issueToken(apiTokens);
    await authenticateRequest(apiTokens, { 'x-api-key': token }, { ietfHeaders: true });
    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token }, { ietfHeaders: true });

    expect(outcome.ok).toBe(false);
    expect((outcome as HttpRejection).status).toBe(429);
    expect(outcome.headers.ratelimit).toBe('"default";r=0;t=30');
    expect(outcome.headers['retry-after']).toBe('30');
  });

  it('no fields without a rate limit', async () => {
    const { apiTokens } = makeApiTokens();
    const { token } = await issueToken(apiTokens);
    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token }, { ietfHeaders: true });

    expect(outcome.ok).toBe(true);
    expect(outcome.headers).toEqual({});
  });

  it.each([[{ policy: '' }], [{ policy: 42 }], ['yes'], [null]])('rejects ietfHeaders %j', (value) => {
    expect(() => resolveHttpOptions({ ietfHeaders: value as never })).toThrow(TypeError);
  });
});
