import { describe, expect, it } from 'vitest';
import { expiresAtFor } from '../../src/expiry.js';
import { evaluate } from '../../src/status.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

describe('never expiring tokens', () => {
  it('never is null, not 1970', async () => {
    const { create, store } = makeApiTokens();

    const { info } = await create(undefined, { expiresIn: 'never' });

    expect(info.expiresAt).toBeNull();
    const record = await store.findById(info.id);
    expect(record).not.toBeNull();
    expect(record?.expiresAt).toBeNull();
    expect(expiresAtFor(new Date(), 'never')).toBeNull();
  });

  it('stays valid centuries later', async () => {
    const { apiTokens, clock, create } = makeApiTokens();
    const { token } = await create(undefined, { expiresIn: 'never' });
    clock.set('2999-12-31T23:59:59.999Z');

    const result = await apiTokens.verify(token);

    expect(result.valid).toBe(true);
  });

  it('sweep leaves them active', async () => {
    const { apiTokens, clock, create, owner } = makeApiTokens();
    const { info } = await create(undefined, { expiresIn: 'never' });
    clock.set('2999-12-31T23:59:59.999Z');

    const swept = await apiTokens.deactivateExpired();

    expect(swept).toBe(0);
    expect((await apiTokens.get(owner, info.id)).status).toBe('active');
  });

  it('evaluate treats null as never', () => {
    const record = { status: 'active', inactiveReason: null, expiresAt: null } as const;

    expect(evaluate(record, new Date(0)).status).toBe('active');
    expect(evaluate(record, new Date(8.64e15)).status).toBe('active');
  });

  it('policy can forbid never', async () => {
    const { create } = makeApiTokens({ allowNoExpiration: false });

    const error = await expectApiTokenError(create(undefined, { expiresIn: 'never' }), 'INVALID_INPUT');

    expect(error.field).toBe('expiresIn');
    expect(error.message).toContain('expiresIn');
    expect(error.message).toContain('"1-month", "3-months", "1-year"');
    expect(error.message).not.toContain('"never"');
  });

  it('forbidden never leaves other periods', async () => {
    const { create } = makeApiTokens({ allowNoExpiration: false });

    const { info } = await create(undefined, { expiresIn: '1-year' });

    expect(info.expiresAt).not.toBeNull();
  });

  it('expirationPeriods limits the offer', async () => {
    const { create } = makeApiTokens({ expirationPeriods: ['1-month', '3-months'] });

    const error = await expectApiTokenError(create(undefined, { expiresIn: '1-year' }), 'INVALID_INPUT');

    expect(error.field).toBe('expiresIn');
    expect((await create(undefined, { expiresIn: '1-month' })).info.expiresAt).not.toBeNull();
  });
});
