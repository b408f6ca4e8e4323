import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/status.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

// Probes around `expiresAt`: the interval of validity is half-open, so the token is usable
// until the millisecond before and expired at the instant itself.
const PROBES = [
  { offsetMs: -1, usable: true },
  { offsetMs: 0, usable: false },
  { offsetMs: 1, usable: false },
] as const;

/** Creates a one-month token and returns the setup with the token's expiry instant. */
async function tokenNearExpiry(options: Parameters<typeof makeApiTokens>[0] = {}) {
  const setup = makeApiTokens(options);
  const created = await setup.create(undefined, { expiresIn: '1-month' });
  const expiresAtMs = created.info.expiresAt!.getTime();
  return { ...setup, ...created, expiresAtMs };
}

describe('expiry boundary', () => {
  it.each(PROBES)('verify at offset $offsetMs ms', async ({ offsetMs, usable }) => {
    const { apiTokens, clock, token, expiresAtMs } = await tokenNearExpiry();
    clock.set(new Date(expiresAtMs + offsetMs));

    const result = await apiTokens.verify(token);

    expect(result.valid ? 'valid' : result.code).toBe(usable ? 'valid' : 'EXPIRED');
  });

  it.each(PROBES)('cached verify at offset $offsetMs ms', async ({ offsetMs, usable }) => {
    const { apiTokens, clock, token, expiresAtMs } = await tokenNearExpiry({ cache: { ttlMs: 60_000 } });
    clock.set(new Date(expiresAtMs - 1_000));
    expect((await apiTokens.verify(token)).valid).toBe(true);
    clock.set(new Date(expiresAtMs + offsetMs));

    const result = await apiTokens.verify(token);

    expect(result.valid ? 'valid' : result.code).toBe(usable ? 'valid' : 'EXPIRED');
  });

  it.each(PROBES)('get at offset $offsetMs ms', async ({ offsetMs, usable }) => {
    const { apiTokens, clock, owner, info, expiresAtMs } = await tokenNearExpiry();
    clock.set(new Date(expiresAtMs + offsetMs));

    const found = await apiTokens.get(owner, info.id);

    expect(found.status).toBe(usable ? 'active' : 'inactive');
    expect(found.inactiveReason).toBe(usable ? null : 'expired');
  });

  it.each(PROBES)('list at offset $offsetMs ms', async ({ offsetMs, usable }) => {
    const { apiTokens, clock, owner, info, expiresAtMs } = await tokenNearExpiry();
    clock.set(new Date(expiresAtMs + offsetMs));

    const { items } = await apiTokens.list(owner);

    expect(items.map((item) => item.id)).toEqual([info.id]);
    expect(items[0]?.status).toBe(usable ? 'active' : 'inactive');
    expect(items[0]?.inactiveReason).toBe(usable ? null : 'expired');
  });

  it.each(PROBES)('reactivate at offset $offsetMs ms', async ({ offsetMs, usable }) => {
    const { apiTokens, clock, owner, info, expiresAtMs } = await tokenNearExpiry();
    await apiTokens.deactivate(owner, info.id);
    clock.set(new Date(expiresAtMs + offsetMs));

    const reactivation = apiTokens.reactivate(owner, info.id);

    if (usable) expect((await reactivation).status).toBe('active');
    else await expectApiTokenError(reactivation, 'TOKEN_EXPIRED');
  });

  it.each(PROBES)('evaluate at offset $offsetMs ms', ({ offsetMs, usable }) => {
    const expiresAt = new Date('2026-04-15T10:30:00.000Z');
    const record = { status: 'active', inactiveReason: null, expiresAt } as const;

    const state = evaluate(record, new Date(expiresAt.getTime() + offsetMs));

    expect(state).toEqual(usable ? { status: 'active', inactiveReason: null } : { status: 'inactive', inactiveReason: 'expired' });
  });

  it('expiry wins over deactivation', () => {
    const record = { status: 'inactive', inactiveReason: 'deactivated', expiresAt: new Date('2026-04-15T10:30:00.000Z') } as const;

    expect(evaluate(record, new Date('2026-04-15T10:29:59.999Z')).inactiveReason).toBe('deactivated');
    expect(evaluate(record, new Date('2026-04-15T10:30:00.000Z')).inactiveReason).toBe('expired');
  });
});
