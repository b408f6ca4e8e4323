import type { InactiveReason, TokenRecord, TokenStatus } from './store.js';

/** The meaning of a token's record at one instant. */
export type TokenState =
  | { status: 'active'; inactiveReason: null }
  | { status: 'inactive'; inactiveReason: InactiveReason };

/**
 * Decides whether a token is usable at `now`. This is the only place that compares
 * against `expiresAt`, and every read path (verify, cache hit, list, get, reactivate)
 * calls it.
 *
 * The validity interval is half-open: a token is usable while `now < expiresAt`, so at
 * `now == expiresAt` it is expired. Expiry wins over deactivation, because an expired
 * token can never become usable again.
 */
export function evaluate(
  record: Pick<TokenRecord, 'status' | 'inactiveReason' | 'expiresAt'>,
  now: Date,
): TokenState {
  if (record.expiresAt !== null && now.getTime() >= record.expiresAt.getTime()) {
    return { status: 'inactive', inactiveReason: 'expired' };
  }

  if (record.status === 'inactive') {
    return { status: 'inactive', inactiveReason: record.inactiveReason ?? 'deactivated' };
  }

  return { status: 'active', inactiveReason: null };
}

/** Tells whether the stored status still has to be changed to record an expiry. */
export function needsExpiryWrite(record: Pick<TokenRecord, 'status'>, state: TokenState): boolean {
  const stored: TokenStatus = record.status;
  return stored === 'active' && state.inactiveReason === 'expired';
}
