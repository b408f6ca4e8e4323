import { describe, expect, it } from 'vitest';
import { createApiTokens, MemoryRateLimitStore, MemoryTokenStore, type ApiTokensOptions } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';
import { TestDirectory } from '../support/directory.js';
import { expectApiTokenError } from '../support/setup.js';

const SECRET = 'option-test-secret-with-at-least-32-bytes';

/** Returns valid options with every optional field set, so each case can break one. */
function validOptions(): ApiTokensOptions {
  return {
    store: new MemoryTokenStore(),
    prefix: 'acme',
    directory: new TestDirectory(),
    managerRoles: ['Editor'],
    adminRoles: ['Admin'],
    apiPlans: ['business'],
    allowNoExpiration: true,
    expirationPeriods: ['1-month', 'never'],
    secrets: [{ id: 'key-1', secret: SECRET }],
    rateLimits: { plans: { business: { limit: 10, windowSeconds: 60 } }, default: null, by: 'token', store: new MemoryRateLimitStore(), failOpen: false },
    cache: { ttlMs: 1_000, maxEntries: 10 },
    clock: () => new Date(),
    onEvent: () => undefined,
    lastUsedIntervalMs: 1_000,
  };
}

/** Returns what `createApiTokens` throws for `options`, or fails the test. */
function constructionError(options: unknown): Error {
  try {
    createApiTokens(options as ApiTokensOptions);
  } catch (error) {
    return error as Error;
  }
  return expect.unreachable('expected createApiTokens to throw');
}

// Each row: what is wrong, the options patch, the error class, and the option the message names.
const INVALID_OPTIONS: [string, Record<string, unknown>, typeof TypeError | typeof RangeError, string][] = [
  ['missing store', { store: undefined }, TypeError, 'options.store'],
  ['store without methods', { store: {} }, TypeError, 'options.store'],
  ['uppercase prefix', { prefix: 'Acme' }, TypeError, 'options.prefix'],
  ['empty prefix', { prefix: '' }, TypeError, 'options.prefix'],
  ['prefix starting with digit', { prefix: '1acme' }, TypeError, 'options.prefix'],
  ['prefix with double underscore', { prefix: 'acme__live' }, TypeError, 'options.prefix'],
  ['prefix ending with underscore', { prefix: 'acme_' }, TypeError, 'options.prefix'],
  ['prefix with a hyphen', { prefix: 'acme-live' }, TypeError, 'options.prefix'],
  ['prefix over 32 characters', { prefix: 'a'.repeat(33) }, RangeError, 'options.prefix'],
  ['missing directory', { directory: undefined }, TypeError, 'options.directory'],
  ['directory without getMember', { directory: {} }, TypeError, 'options.directory.getMember'],
  ['getOrganization not a function', { directory: { getMember: async () => null, getOrganization: 'x' } }, TypeError, 'options.directory.getOrganization'],
  ['apiPlans without getOrganization', { directory: { getMember: async () => null }, rateLimits: undefined }, TypeError, 'options.directory.getOrganization'],
  ['rateLimits without getOrganization', { directory: { getMember: async () => null }, apiPlans: null }, TypeError, 'options.directory.getOrganization'],
  ['empty managerRoles', { managerRoles: [] }, RangeError, 'options.managerRoles'],
  ['empty role name', { managerRoles: [''] }, RangeError, 'options.managerRoles[0]'],
  ['managerRoles as string', { managerRoles: 'Editor' }, TypeError, 'options.managerRoles'],
  ['non-string admin role', { adminRoles: [1] }, TypeError, 'options.adminRoles[0]'],
  ['apiPlans as string', { apiPlans: 'business' }, TypeError, 'options.apiPlans'],
  ['empty plan name', { apiPlans: [''] }, RangeError, 'options.apiPlans[0]'],
  ['allowNoExpiration as string', { allowNoExpiration: 'no' }, TypeError, 'options.allowNoExpiration'],
  ['no expiration periods', { expirationPeriods: [] }, RangeError, 'options.expirationPeriods'],
  ['unknown period', { expirationPeriods: ['2-weeks'] }, TypeError, 'options.expirationPeriods[0]'],
  ['never while forbidden', { allowNoExpiration: false, expirationPeriods: ['never'] }, TypeError, 'options.expirationPeriods'],
  ['short secret', { secrets: [{ id: 'key-1', secret: 'too short' }] }, RangeError, 'options.secrets[0].secret'],
  ['short byte secret', { secrets: [{ id: 'key-1', secret: new Uint8Array(31) }] }, RangeError, 'options.secrets[0].secret'],
  ['numeric secret', { secrets: [{ id: 'key-1', secret: 123 }] }, TypeError, 'options.secrets[0].secret'],
  ['secret id with space', { secrets: [{ id: 'key 1', secret: SECRET }] }, TypeError, 'options.secrets[0].id'],
  ['duplicate secret ids', { secrets: [{ id: 'k', secret: SECRET }, { id: 'k', secret: SECRET }] }, TypeError, 'options.secrets'],
  ['secrets as string', { secrets: SECRET }, TypeError, 'options.secrets'],
  ['zero rate limit', { rateLimits: { plans: { business: { limit: 0, windowSeconds: 60 } } } }, RangeError, 'options.rateLimits.plans.business.limit'],
  ['fractional window', { rateLimits: { plans: { business: { limit: 1, windowSeconds: 1.5 } } } }, TypeError, 'options.rateLimits.plans.business.windowSeconds'],
  ['window over a year', { rateLimits: { plans: { business: { limit: 1, windowSeconds: 31_536_001 } } } }, RangeError, 'options.rateLimits.plans.business.windowSeconds'],
  ['default rule without window', { rateLimits: { plans: {}, default: { limit: 1 } } }, TypeError, 'options.rateLimits.default.windowSeconds'],
  ['unknown rate limit key', { rateLimits: { plans: {}, by: 'user' } }, TypeError, 'options.rateLimits.by'],
  ['rate limit store without hit', { rateLimits: { plans: {}, store: {} } }, TypeError, 'options.rateLimits.store'],
  ['failOpen as string', { rateLimits: { plans: {}, failOpen: 'yes' } }, TypeError, 'options.rateLimits.failOpen'],
  ['cache as true', { cache: true }, TypeError, 'options.cache'],
  ['zero cache ttlMs', { cache: { ttlMs: 0 } }, RangeError, 'options.cache.ttlMs'],
  ['cache ttlMs over an hour', { cache: { ttlMs: 3_600_001 } }, RangeError, 'options.cache.ttlMs'],
  ['negative maxEntries', { cache: { maxEntries: -1 } }, RangeError, 'options.cache.maxEntries'],
  ['string maxEntries', { cache: { maxEntries: 'many' } }, TypeError, 'options.cache.maxEntries'],
  ['misspelled cache key', { cache: { ttl: 5 } }, TypeError, 'options.cache'],
  ['invalidation without methods', { invalidation: {} }, TypeError, 'options.invalidation'],
  ['clock not a function', { clock: new Date() }, TypeError, 'options.clock'],
  ['onEvent not a function', { onEvent: 'log' }, TypeError, 'options.onEvent'],
  ['negative lastUsedIntervalMs', { lastUsedIntervalMs: -1 }, RangeError, 'options.lastUsedIntervalMs'],
  ['NaN lastUsedIntervalMs', { lastUsedIntervalMs: Number.NaN }, TypeError, 'options.lastUsedIntervalMs'],
  ['lastUsedIntervalMs over a day', { lastUsedIntervalMs: 86_400_001 }, RangeError, 'options.lastUsedIntervalMs'],
  ['unknown option', { cacheTtl: 5 }, TypeError, 'cacheTtl'],
];

describe('createApiTokens options', () => {
  it('valid options construct', () => {
    const apiTokens = createApiTokens(validOptions());

    expect(apiTokens.prefix).toBe('acme');
  });

  it.each(INVALID_OPTIONS)('rejects %s', (_case, patch, errorClass, option) => {
    const error = constructionError({ ...validOptions(), ...patch });

    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toContain(option);
    expect(error.message).toMatch(/^createApiTokens: /);
  });

  it('rejects missing options object', () => {
    expect(constructionError(undefined)).toBeInstanceOf(TypeError);
    expect(constructionError(null)).toBeInstanceOf(TypeError);
  });

  it('errors never show the secret', () => {
    const short = 'short-secret-value';

    const error = constructionError({ ...validOptions(), secrets: [{ id: 'key-1', secret: short }] });

    expect(error.message).not.toContain(short);
    expect(constructionError({ ...validOptions(), secrets: [{ id: 'k', secret: SECRET }, { id: 'k', secret: SECRET }] }).message).not.toContain(SECRET);
  });

  it('caller options stay unmodified', () => {
    const options = validOptions();
    const snapshot = JSON.stringify(options);
    const nested = [options.managerRoles, options.secrets, options.rateLimits, options.cache];

    createApiTokens(deepFreeze(options));

    expect(JSON.stringify(options)).toBe(snapshot);
    expect([options.managerRoles, options.secrets, options.rateLimits, options.cache]).toEqual(nested);
  });

  it('minimal options are not extended', () => {
    const options = { store: new MemoryTokenStore(), prefix: 'acme', directory: new TestDirectory() };

    createApiTokens(options);

    expect(Object.keys(options)).toEqual(['store', 'prefix', 'directory']);
  });

  it('resolved options are frozen', () => {
    const resolved = resolveOptions(validOptions());

    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.keys)).toBe(true);
    expect(Object.isFrozen(resolved.expirationPeriods)).toBe(true);
    expect(Object.isFrozen(resolved.rateLimits)).toBe(true);
    expect(Object.isFrozen(resolved.cache)).toBe(true);
  });

  it('defaults fill a new object', () => {
    const resolved = resolveOptions({ store: new MemoryTokenStore(), prefix: 'acme', directory: new TestDirectory() });

    expect([...resolved.managerRoles]).toEqual(['Security Manager', 'Editor', 'Admin', 'Maintainer']);
    expect([...resolved.adminRoles]).toEqual([]);
    expect(resolved.apiPlans).toBeNull();
    expect(resolved.expirationPeriods).toEqual(['1-month', '3-months', '1-year', 'never']);
    expect(resolved.keys).toEqual([]);
    expect(resolved.cache).toBeNull();
    expect(resolved.rateLimits).toBeNull();
    expect(resolved.lastUsedIntervalMs).toBe(60_000);
  });

  it('later caller changes have no effect', async () => {
    const directory = new TestDirectory();
    const orgId = directory.addOrganization();
    const viewer = directory.addMember(orgId, { role: 'Viewer' });
    const managerRoles = ['Editor'];
    const apiTokens = createApiTokens({ store: new MemoryTokenStore(), prefix: 'acme', directory, managerRoles });

    managerRoles.push('Viewer');

    await expectApiTokenError(apiTokens.create(viewer, { name: 'x', expiresIn: '1-month' }), 'FORBIDDEN');
  });

  it('clock must return a valid Date', async () => {
    const directory = new TestDirectory();
    const apiTokens = createApiTokens({ store: new MemoryTokenStore(), prefix: 'acme', directory, clock: () => new Date(Number.NaN) });

    await expect(apiTokens.verify('acme_x')).rejects.toThrow(TypeError);
    await expect(apiTokens.verify('acme_x')).rejects.toThrow('options.clock');
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (value instanceof MemoryTokenStore || value instanceof MemoryRateLimitStore || value instanceof TestDirectory || ArrayBuffer.isView(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
