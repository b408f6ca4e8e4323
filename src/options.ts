import { z } from 'zod';
import type { CacheInvalidation } from './cache.js';
import type { DigestKey } from './digest.js';
import { EXPIRATION_PERIODS, type ExpirationPeriod } from './expiry.js';
import { MAX_PREFIX_LENGTH, PREFIX_PATTERN } from './format.js';
import { MemoryRateLimitStore, type RateLimitRule, type RateLimitStore } from './rate-limit.js';
import type { TokenStore } from './store.js';
import type { ApiTokenEvent, Directory } from './types.js';

/** Roles that may manage their own tokens when `managerRoles` is not set. */
export const DEFAULT_MANAGER_ROLES: readonly string[] = Object.freeze(['Security Manager', 'Editor', 'Admin', 'Maintainer']);

/** A server secret of the digest keyring. */
export interface SecretOption {
  /** A short, stable name stored with each digest, such as `'2026-12'`. */
  id: string;
  /** At least 32 bytes of secret material. */
  secret: string | Uint8Array;
}

/** Plan-based rate limits for requests made with tokens. */
export interface RateLimitOptions {
  /** A rule for each plan name. */
  plans: Readonly<Record<string, RateLimitRule>>;
  /** The rule for plans not named in `plans`; without it those plans are not limited. */
  default?: RateLimitRule | null;
  /** Count per token (default) or per organization. */
  by?: 'token' | 'organization';
  /** The counter storage. Default: a new {@link MemoryRateLimitStore}. */
  store?: RateLimitStore;
  /**
   * The behaviour when the store fails: `false` (default) rejects the request with 503,
   * `true` lets it through. Either way a `rate-limit.unavailable` event is emitted.
   */
  failOpen?: boolean;
}

/**
 * Options of the verification cache. A deactivation, reactivation or revocation evicts the
 * token from the cache of the instance that made it at once. Other instances keep using
 * their cached record for up to `ttlMs`, unless the `invalidation` option makes them drop it.
 */
export interface CacheOptions {
  /**
   * How long a looked-up token record may be reused, in milliseconds. Default 10,000. Without
   * `invalidation`, or while its channel is down, this is how long a change made on another
   * instance may go unnoticed here.
   */
  ttlMs?: number;
  /** The maximum number of records kept. The least recently used are evicted first. Default 10,000. */
  maxEntries?: number;
}

/** The cache options after defaults. */
export interface ResolvedCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

/** Options of `createApiTokens`. */
export interface ApiTokensOptions {
  /** The storage of token records. */
  store: TokenStore;
  /** The token prefix: lowercase letters and digits, in segments joined by `_`, such as `acme` or `acme_live`. */
  prefix: string;
  /** The host application's users and organizations. */
  directory: Directory;
  /** Roles that may create and manage their own tokens. Default: Security Manager, Editor, Admin, Maintainer. */
  managerRoles?: readonly string[];
  /** Roles that may also list, get, deactivate, reactivate and revoke any token of their organization. Default: none. */
  adminRoles?: readonly string[];
  /** Plans whose organizations may use API tokens. Default: every plan. */
  apiPlans?: readonly string[] | null;
  /** Whether `'never'` is an accepted expiration period. Default `true`. */
  allowNoExpiration?: boolean;
  /** The periods offered. Default: all four; `allowNoExpiration: false` removes `'never'`. */
  expirationPeriods?: readonly ExpirationPeriod[];
  /** The digest keyring: the first secret digests new tokens, the others still verify. Default: none (plain SHA-256). */
  secrets?: readonly SecretOption[];
  /** Plan-based rate limits. Default: none. */
  rateLimits?: RateLimitOptions;
  /**
   * The verification cache. Default: off. With several instances, a change made on one shows
   * on the others within `cache.ttlMs`, or at once with `invalidation`.
   */
  cache?: CacheOptions | false;
  /**
   * Tells every instance about deactivations, reactivations and revocations, so each evicts
   * the token from its cache at once: `RedisCacheInvalidation` from `api-tokens/redis`. An
   * instance publishes its changes even without a cache of its own (a management-only
   * service), and subscribes when it has a cache. Default: none, so other instances see a
   * change within their `cache.ttlMs`.
   */
  invalidation?: CacheInvalidation;
  /** The clock every rule reads. Default: `() => new Date()`. */
  clock?: () => Date;
  /** Receives events; failures thrown by it are ignored. */
  onEvent?: (event: ApiTokenEvent) => void;
  /** The minimum time between two `lastUsedAt` writes for one token, in milliseconds. Default 60,000. */
  lastUsedIntervalMs?: number;
}

/** Options after validation and defaults: a new frozen object, never the caller's. */
export interface ResolvedOptions {
  readonly store: TokenStore;
  readonly prefix: string;
  readonly directory: Directory;
  readonly managerRoles: ReadonlySet<string>;
  readonly adminRoles: ReadonlySet<string>;
  readonly apiPlans: ReadonlySet<string> | null;
  readonly expirationPeriods: readonly ExpirationPeriod[];
  readonly keys: readonly DigestKey[];
  readonly rateLimits: ResolvedRateLimits | null;
  readonly cache: ResolvedCacheOptions | null;
  readonly invalidation: CacheInvalidation | null;
  readonly clock: () => Date;
  readonly onEvent: ((event: ApiTokenEvent) => void) | null;
  readonly lastUsedIntervalMs: number;
}

export interface ResolvedRateLimits {
  readonly plans: ReadonlyMap<string, RateLimitRule>;
  readonly fallback: RateLimitRule | null;
  readonly by: 'token' | 'organization';
  readonly store: RateLimitStore;
  readonly failOpen: boolean;
}

const MIN_SECRET_BYTES = 32;

const fn = <T>(description: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `expected ${description}` });

const methods = (names: string[]) =>
  z.custom<object>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    { message: `expected an object with the methods ${names.join(', ')}` },
  );

const roleList = z.array(z.string().min(1, 'expected non-empty role names'));

const ruleSchema = z.strictObject({
  limit: z.number().int('expected an integer').min(1, 'expected at least 1').max(1e9),
  windowSeconds: z.number().int('expected an integer').min(1, 'expected at least 1').max(31_536_000),
});

const optionsSchema = z.strictObject({
  store: methods(['insert', 'findByDigest', 'findById', 'list', 'updateStatus', 'touchLastUsed', 'delete', 'listExpired']),
  prefix: z
    .string()
    .max(MAX_PREFIX_LENGTH, `expected at most ${MAX_PREFIX_LENGTH} characters`)
    .regex(PREFIX_PATTERN, 'expected lowercase letters and digits in segments joined by "_", starting with a letter, such as "acme" or "acme_live"'),
  directory: z.object({
    getMember: fn<Directory['getMember']>('a function (orgId, userId) => Promise<Member | null>'),
    getOrganization: fn<NonNullable<Directory['getOrganization']>>('a function (orgId) => Promise<Organization | null>').optional(),
  }),
  managerRoles: roleList.min(1, 'expected at least one role').readonly().optional(),
  adminRoles: roleList.readonly().optional(),
  apiPlans: z.array(z.string().min(1)).readonly().nullable().optional(),
  allowNoExpiration: z.boolean().optional(),
  expirationPeriods: z.array(z.enum(EXPIRATION_PERIODS as [ExpirationPeriod, ...ExpirationPeriod[]])).min(1).readonly().optional(),
  secrets: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1 to 64 letters, digits, ".", "_" or "-"'),
        secret: z.union([z.string(), z.instanceof(Uint8Array)], { error: 'expected a string or a Uint8Array of at least 32 bytes' }),
      }),
    )
    .readonly()
    .optional(),
  rateLimits: z
    .strictObject({
      plans: z.record(z.string(), ruleSchema),
      default: ruleSchema.nullable().optional(),
      by: z.enum(['token', 'organization']).optional(),
      store: methods(['hit']).optional(),
      failOpen: z.boolean().optional(),
    })
    .optional(),
  cache: z
    .union(
      [
        z.literal(false),
        z.strictObject({
          ttlMs: z.number().int().min(1).max(3_600_000).optional(),
          maxEntries: z.number().int().min(1).max(10_000_000).optional(),
        }),
      ],
      { error: 'expected false or an object { ttlMs?, maxEntries? }' },
    )
    .optional(),
  invalidation: methods(['publish', 'subscribe']).optional(),
  clock: fn<() => Date>('a function that returns a Date').optional(),
  onEvent: fn<(event: ApiTokenEvent) => void>('a function (event) => void').optional(),
  lastUsedIntervalMs: z.number().int().min(0).max(86_400_000).optional(),
});

/**
 * Validates `options` and returns a new frozen object with every default filled in.
 * Throws `TypeError` (wrong type or shape) or `RangeError` (value out of range) naming the option.
 */
export function resolveOptions(options: ApiTokensOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw toProgrammerError(parsed.error);
  // The caller's own objects are used from here on, because the store and the directory
  // may be class instances whose methods need their `this`.
  const input = options;

  const keys = (input.secrets ?? []).map(toDigestKey);
  assertUniqueKeyIds(keys);

  const expirationPeriods = resolvePeriods(input);

  const needsOrganization = (input.apiPlans ?? null) !== null || input.rateLimits !== undefined;
  if (needsOrganization && input.directory.getOrganization === undefined) {
    throw new TypeError(
      'createApiTokens: options.directory.getOrganization is missing; it is required when apiPlans or rateLimits is set, because both depend on the plan',
    );
  }

  return Object.freeze({
    store: input.store,
    prefix: input.prefix,
    directory: input.directory,
    managerRoles: new Set(input.managerRoles ?? DEFAULT_MANAGER_ROLES),
    adminRoles: new Set(input.adminRoles ?? []),
    apiPlans: input.apiPlans == null ? null : new Set(input.apiPlans),
    expirationPeriods,
    keys: Object.freeze(keys),
    rateLimits: resolveRateLimits(input.rateLimits),
    cache: resolveCache(input.cache),
    invalidation: input.invalidation ?? null,
    clock: input.clock ?? (() => new Date()),
    onEvent: input.onEvent ?? null,
    lastUsedIntervalMs: input.lastUsedIntervalMs ?? 60_000,
  });
}

function resolvePeriods(input: ApiTokensOptions): readonly ExpirationPeriod[] {
  const allowNever = input.allowNoExpiration ?? true;
  const offered = input.expirationPeriods ?? EXPIRATION_PERIODS;
  if (!allowNever && input.expirationPeriods?.includes('never')) {
    throw new TypeError('createApiTokens: options.expirationPeriods contains "never" while options.allowNoExpiration is false; remove one of them');
  }
  // Never empty: the schema requires one period, and an explicit "never" with
  // allowNoExpiration false was rejected above.
  const periods = allowNever ? offered : offered.filter((period) => period !== 'never');
  return Object.freeze([...new Set(periods)]);
}

function resolveRateLimits(options: RateLimitOptions | undefined): ResolvedRateLimits | null {
  if (options === undefined) return null;
  return Object.freeze({
    plans: new Map(Object.entries(options.plans).map(([plan, rule]) => [plan, Object.freeze({ ...rule })])),
    fallback: options.default == null ? null : Object.freeze({ ...options.default }),
    by: options.by ?? 'token',
    store: options.store ?? new MemoryRateLimitStore(),
    failOpen: options.failOpen ?? false,
  });
}

function resolveCache(options: CacheOptions | false | undefined): ResolvedCacheOptions | null {
  if (options === undefined || options === false) return null;
  return Object.freeze({
    ttlMs: options.ttlMs ?? 10_000,
    maxEntries: options.maxEntries ?? 10_000,
  });
}

function toDigestKey(option: SecretOption, index: number): DigestKey {
  const secret = typeof option.secret === 'string' ? new TextEncoder().encode(option.secret) : new Uint8Array(option.secret);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RangeError(
      `createApiTokens: options.secrets[${index}].secret is ${secret.length} bytes; use at least ${MIN_SECRET_BYTES} random bytes, for example crypto.randomBytes(32).toString('base64url')`,
    );
  }
  return Object.freeze({ id: option.id, secret });
}

function assertUniqueKeyIds(keys: readonly DigestKey[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key.id)) throw new TypeError(`createApiTokens: options.secrets has the id "${key.id}" twice; give each secret its own id`);
    seen.add(key.id);
  }
}

const RANGE_ISSUES = new Set(['too_small', 'too_big']);

function toProgrammerError(error: z.ZodError): TypeError | RangeError {
  const { issue, path } = innermostIssue(error.issues[0]!);
  const name = path.reduce<string>((prefix, key) => (typeof key === 'number' ? `${prefix}[${key}]` : `${prefix}.${String(key)}`), 'options');
  const message = `createApiTokens: ${name} is invalid: ${issue.message}`;
  return RANGE_ISSUES.has(issue.code) ? new RangeError(message) : new TypeError(message);
}

// A union (such as `cache: false | {...}`) reports the issues of every branch under its own
// path. The deepest one names the field the caller got wrong, such as options.cache.ttlMs.
function innermostIssue(issue: z.core.$ZodIssue): { issue: z.core.$ZodIssue; path: PropertyKey[] } {
  let innermost = { issue, path: issue.path };
  if (issue.code !== 'invalid_union') return innermost;
  for (const inner of issue.errors.flat()) {
    const candidate = innermostIssue(inner);
    const path = [...issue.path, ...candidate.path];
    if (path.length > innermost.path.length) innermost = { issue: candidate.issue, path };
  }
  return innermost;
}
