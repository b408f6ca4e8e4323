import { ApiTokenError } from './errors.js';
import type { ResolvedRateLimits } from './options.js';
import { decide, type RateLimitDecision, type RateLimitHit } from './rate-limit.js';
import type { ApiTokenEvent, AuthContext } from './types.js';

/**
 * Counts one request of a verified token against its plan's rule and returns the decision,
 * or `null` when no rule applies. A failing store emits `rate-limit.unavailable`, then either
 * lets the request through (`failOpen`) or throws `RATE_LIMIT_UNAVAILABLE`.
 */
export async function countRequest(
  limits: ResolvedRateLimits,
  auth: AuthContext,
  nowMs: number,
  emit: (event: ApiTokenEvent) => void,
): Promise<RateLimitDecision | null> {
  const rule = (auth.plan === null ? undefined : limits.plans.get(auth.plan)) ?? limits.fallback;
  if (rule === null) return null;

  const key = limits.by === 'organization' ? `org:${auth.orgId}` : `token:${auth.tokenId}`;
  let hit;
  try {
    hit = checkRateLimitHit(await limits.store.hit(key, rule.windowSeconds * 1000, nowMs));
  } catch (error) {
    emit({ type: 'rate-limit.unavailable', at: new Date(nowMs), failOpen: limits.failOpen, error });
    if (limits.failOpen) return null;
    throw new ApiTokenError('RATE_LIMIT_UNAVAILABLE', 'Rate limit store failed; check that it is reachable, or set rateLimits.failOpen', { cause: error });
  }

  const decision = decide(rule, hit, nowMs);
  if (!decision.allowed) {
    emit({ type: 'rate-limit.exceeded', at: new Date(nowMs), tokenId: auth.tokenId, orgId: auth.orgId, plan: auth.plan, limit: rule.limit });
  }
  return decision;
}

// A store's reply becomes header values, so a reply that would make them NaN, negative or
// fractional counts as a store failure.
function checkRateLimitHit(hit: unknown): RateLimitHit {
  const { count, resetAtMs } = (hit ?? {}) as Record<string, unknown>;
  const validCount = typeof count === 'number' && Number.isSafeInteger(count) && count >= 1;
  const validReset = typeof resetAtMs === 'number' && Number.isSafeInteger(resetAtMs);
  if (validCount && validReset) return { count, resetAtMs };
  throw new TypeError(`RateLimitStore.hit returned count ${String(count)} and resetAtMs ${String(resetAtMs)}; expected a positive integer count and an integer resetAtMs`);
}
