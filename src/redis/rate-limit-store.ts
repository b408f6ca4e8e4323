import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { assertKnownOptions } from '../known-options.js';
import { windowStart, type RateLimitHit, type RateLimitStore } from '../rate-limit.js';

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** The prefix of every counter key. Default `api-tokens:rl:`. */
  prefix?: string;
}

const DEFAULT_PREFIX = 'api-tokens:rl:';
const MAX_PREFIX_LENGTH = 256;

// One round trip that counts the request and, on the first request of a window, sets the
// counter's expiry. Redis runs a script atomically, so concurrent requests from any number
// of instances get the counts 1, 2, 3, ... each once.
const HIT_SCRIPT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count`;

const HIT_SCRIPT_SHA1 = createHash('sha1').update(HIT_SCRIPT).digest('hex');

/**
 * A {@link RateLimitStore} in Redis, shared by every instance of an API. Each request is one
 * `EVALSHA` of a short Lua script (`INCR`, then `PEXPIRE` on the first request of a window),
 * so N instances together never let more than the limit through.
 *
 * Counters are keyed by `prefix + key + ":" + windowMs + ":" + windowStart`. Each one expires
 * one window length after its window ends, so an instance whose clock runs behind the
 * others by less than a window still finds it.
 *
 * The store does not time out on its own: give the client a `commandTimeout`, and a small
 * `maxRetriesPerRequest`, so a slow or unreachable Redis fails requests quickly (503, or a
 * pass with `failOpen`) instead of holding them.
 *
 * @throws TypeError when `client` is not an ioredis client or `options.prefix` is invalid.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisRateLimitStore } from 'api-tokens/redis';
 *
 * const redis = new Redis({ host: '127.0.0.1', commandTimeout: 250, maxRetriesPerRequest: 1 });
 * const apiTokens = createApiTokens({
 *   ...,
 *   rateLimits: {
 *     plans: { business: { limit: 1000, windowSeconds: 3600 } },
 *     store: new RedisRateLimitStore(redis),
 *   },
 * });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  /** The prefix of every counter key this store writes. */
  readonly prefix: string;
  readonly #client: Redis | Cluster;

  constructor(client: Redis | Cluster, options: RedisRateLimitStoreOptions = {}) {
    if (typeof client !== 'object' || client === null || typeof client.evalsha !== 'function' || typeof client.eval !== 'function') {
      throw new TypeError('RedisRateLimitStore: client is invalid: expected an ioredis Redis or Cluster instance');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('RedisRateLimitStore: options is invalid: expected an object such as { prefix }');
    assertKnownOptions(options, ['prefix'], 'RedisRateLimitStore: options');
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > MAX_PREFIX_LENGTH) {
      throw new TypeError(`RedisRateLimitStore: options.prefix is invalid: expected 1 to ${MAX_PREFIX_LENGTH} characters, such as "${DEFAULT_PREFIX}"`);
    }
    this.#client = client;
    this.prefix = prefix;
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    const start = windowStart(nowMs, windowMs);
    const resetAtMs = start + windowMs;
    const counterKey = `${this.prefix}${key}:${windowMs}:${start}`;
    const ttlMs = resetAtMs - nowMs + windowMs;

    const reply = await this.#runHitScript(counterKey, ttlMs);
    if (typeof reply !== 'number' || !Number.isSafeInteger(reply) || reply < 1) {
      throw new Error(`RedisRateLimitStore: unexpected reply ${JSON.stringify(reply)} from the rate-limit script; expected a positive integer`);
    }
    return { count: reply, resetAtMs };
  }

  // EVALSHA sends only the script's SHA-1. A server that has not seen the script yet (a new
  // or restarted Redis, or after SCRIPT FLUSH) replies with a NOSCRIPT error. EVAL then runs
  // the script and caches it for the next EVALSHA.
  async #runHitScript(counterKey: string, ttlMs: number): Promise<unknown> {
    try {
      return await this.#client.evalsha(HIT_SCRIPT_SHA1, 1, counterKey, ttlMs);
    } catch (error) {
      if (!isNoScriptError(error)) throw error;
      return this.#client.eval(HIT_SCRIPT, 1, counterKey, ttlMs);
    }
  }
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
