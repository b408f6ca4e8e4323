import { describe, expect, it } from 'vitest';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

const MONTH_AND_A_DAY_MS = 32 * 24 * 60 * 60 * 1000;

/** Creates a one-month token and moves the clock past its expiry. */
async function expiredToken(options: Parameters<typeof makeApiTokens>[0] = {}) {
  const setup = makeApiTokens(options);
  const created = await setup.create(undefined, { expiresIn: '1-month' });
  setup.clock.advance(MONTH_AND_A_DAY_MS);
  return { ...setup, ...created };
}

describe('expired means inactive', () => {
  it('verify reports EXPIRED', async () => {
    const { apiTokens, token } = await expiredToken();

    const result = await apiTokens.verify(token);

    expect(result).toEqual({ valid: false, code: 'EXPIRED' });
  });

  it('verify records expiry in store', async () => {
    const { apiTokens, store, token, info, events } = await expiredToken();

    await apiTokens.verify(token);
    await apiTokens.flush();

    const record = await store.findById(info.id);
    expect(record?.status).toBe('inactive');
    expect(record?.inactiveReason).toBe('expired');
    expect(events.filter((event) => event.type === 'token.expired')).toHaveLength(1);
  });

  it('get reports and records expiry', async () => {
    const { apiTokens, store, owner, info } = await expiredToken();

    const found = await apiTokens.get(owner, info.id);
    await apiTokens.flush();

    expect(found.status).toBe('inactive');
    expect(found.inactiveReason).toBe('expired');
    expect((await store.findById(info.id))?.status).toBe('inactive');
  });

  it('list reports and records expiry', async () => {
    const { apiTokens, store, owner, info } = await expiredToken();

    const { items } = await apiTokens.list(owner);
    await apiTokens.flush();

    expect(items[0]?.status).toBe('inactive');
    expect(items[0]?.inactiveReason).toBe('expired');
    expect((await store.findById(info.id))?.inactiveReason).toBe('expired');
  });

  it('expiry is reported once only', async () => {
    const { apiTokens, owner, info, token, events } = await expiredToken();

    await apiTokens.verify(token);
    await apiTokens.get(owner, info.id);
    await apiTokens.list(owner);
    await apiTokens.flush();
    await apiTokens.verify(token);
    await apiTokens.flush();

    expect(events.filter((event) => event.type === 'token.expired')).toHaveLength(1);
  });

  it('deactivateExpired sweeps expired tokens', async () => {
    const { apiTokens, clock, create, store, owner } = makeApiTokens();
    const expiring = [await create(undefined, { expiresIn: '1-month' }), await create(undefined, { expiresIn: '1-month' })];
    const lasting = await create(undefined, { expiresIn: '1-year' });
    clock.advance(MONTH_AND_A_DAY_MS);

    const swept = await apiTokens.deactivateExpired();

    expect(swept).toBe(2);
    for (const { info } of expiring) {
      const record = await store.findById(info.id);
      expect(record?.status).toBe('inactive');
      expect(record?.inactiveReason).toBe('expired');
    }
    expect((await apiTokens.get(owner, lasting.info.id)).status).toBe('active');
    expect(await apiTokens.deactivateExpired()).toBe(0);
  });

  it('sweep continues past one batch', async () => {
    const { apiTokens, clock, create, store } = makeApiTokens();
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await create(undefined, { expiresIn: '1-month' }));
    clock.advance(MONTH_AND_A_DAY_MS);

    const swept = await apiTokens.deactivateExpired({ batchSize: 2 });

    expect(swept).toBe(5);
    for (const { info } of created) expect((await store.findById(info.id))?.status).toBe('inactive');
  });

  it('sweep rejects a bad batchSize', async () => {
    const { apiTokens } = makeApiTokens();

    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      await expect(apiTokens.deactivateExpired({ batchSize })).rejects.toThrow(RangeError);
    }
    await expect(apiTokens.deactivateExpired({ batchSize: 0 })).rejects.toThrow('batchSize');
  });

  it('sweep rejects an unknown option', async () => {
    const { apiTokens } = makeApiTokens();

    await expect(apiTokens.deactivateExpired({ batchsize: 10 } as never)).rejects.toThrow(new TypeError('deactivateExpired: options.batchsize is not an option; expected batchSize'));
  });

  it('expired token cannot be reactivated', async () => {
    const { apiTokens, owner, info } = await expiredToken();

    const error = await expectApiTokenError(apiTokens.reactivate(owner, info.id), 'TOKEN_EXPIRED');

    expect(error.message).toContain(info.id);
    expect((await apiTokens.get(owner, info.id)).inactiveReason).toBe('expired');
  });

  it('swept token cannot be reactivated', async () => {
    const { apiTokens, owner, info } = await expiredToken();
    await apiTokens.deactivateExpired();

    await expectApiTokenError(apiTokens.reactivate(owner, info.id), 'TOKEN_EXPIRED');
  });

  it('admin cannot reactivate expired token', async () => {
    const setup = await expiredToken({ adminRoles: ['Admin'] });
    const admin = setup.directory.addMember(setup.orgId, { role: 'Admin' });

    await expectApiTokenError(setup.apiTokens.reactivate(admin, setup.info.id), 'TOKEN_EXPIRED');
  });

  it('deactivated then expired stays expired', async () => {
    const { apiTokens, clock, create, owner } = makeApiTokens();
    const { token, info } = await create(undefined, { expiresIn: '1-month' });
    await apiTokens.deactivate(owner, info.id);
    clock.advance(MONTH_AND_A_DAY_MS);

    expect((await apiTokens.get(owner, info.id)).inactiveReason).toBe('expired');
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'EXPIRED' });
    await expectApiTokenError(apiTokens.reactivate(owner, info.id), 'TOKEN_EXPIRED');
  });
});
