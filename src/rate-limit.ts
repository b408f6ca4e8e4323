/** A limit of `limit` requests per fixed window of `windowSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

/** The counter state after one request was counted. */
export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window ends, in epoch milliseconds. */
  resetAtMs: number;
}

/**
 * Counters for rate limiting. `hit` must be atomic: N concurrent calls for one key return
 * the counts 1 to N, each once, also across processes for a shared store.
 *
 * Run `testRateLimitStore()` from `api-tokens/testing` against an implementation to check it.
 */
export interface RateLimitStore {
  /**
   * Counts one request for `key` in the fixed window of `windowMs` that contains `nowMs`.
   * Windows are aligned to the Unix epoch: the window starts at `floor(nowMs / windowMs) * windowMs`.
   */
  hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitHit>;
}

/** The outcome of counting one request, with the values the response headers report. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in this window, never negative. */
  remaining: number;
  /** When the window ends, in UTC epoch seconds (rounded up). */
  reset: number;
  /** Whole seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfter: number;
  windowSeconds: number;
}

/** Returns the start of the fixed window that contains `nowMs`. */
export function windowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/** Turns a counter state into the decision and header values for one request. */
export function decide(rule: RateLimitRule, hit: RateLimitHit, nowMs: number): RateLimitDecision {
  return {
    allowed: hit.count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - hit.count),
    reset: Math.ceil(hit.resetAtMs / 1000),
    retryAfter: Math.max(1, Math.ceil((hit.resetAtMs - nowMs) / 1000)),
    windowSeconds: rule.windowSeconds,
  };
}

/**
 * A {@link RateLimitStore} in process memory. Counts are exact within one process; use
 * `RedisRateLimitStore` from `api-tokens/redis` when several instances serve one API.
 *
 * @example
 * ```ts
 * createApiTokens({ ..., rateLimits: { plans: { business: { limit: 1000, windowSeconds: 3600 } }, store: new MemoryRateLimitStore() } });
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counters = new Map<string, RateLimitHit>();
  #nextPruneMs = 0;

  async hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitHit> {
    this.#prune(nowMs);

    const start = windowStart(nowMs, windowMs);
    const counterKey = `${key}\u0000${windowMs}\u0000${start}`;
    const counter = this.#counters.get(counterKey) ?? { count: 0, resetAtMs: start + windowMs };
    counter.count += 1;
    this.#counters.set(counterKey, counter);
    return { count: counter.count, resetAtMs: counter.resetAtMs };
  }

  // Drops the counters of windows that have ended, at most once a second, so memory stays
  // proportional to the keys seen in the current windows.
  #prune(nowMs: number): void {
    if (nowMs < this.#nextPruneMs) return;
    this.#nextPruneMs = nowMs + 1000;
    for (const [key, counter] of this.#counters) {
      if (counter.resetAtMs <= nowMs) this.#counters.delete(key);
    }
  }
}
