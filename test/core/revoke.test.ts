import { describe, expect, it } from 'vitest';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

describe('revoke', () => {
  it('revoked token is not found', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token, info } = await create();

    await apiTokens.revoke(owner, info.id);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
    const error = await expectApiTokenError(apiTokens.get(owner, info.id), 'NOT_FOUND');
    expect(error.field).toBe('tokenId');
  });

  it('revoke deletes the stored record', async () => {
    const { apiTokens, create, owner, store } = makeApiTokens();
    const { info } = await create();

    await apiTokens.revoke(owner, info.id);

    expect(await store.findById(info.id)).toBeNull();
  });

  it('every later call answers NOT_FOUND', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { info } = await create();
    await apiTokens.revoke(owner, info.id);

    await expectApiTokenError(apiTokens.revoke(owner, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.deactivate(owner, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.reactivate(owner, info.id), 'NOT_FOUND');
  });

  it('revoked token leaves the list', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const remaining = await create();
    const revoked = await create();

    await apiTokens.revoke(owner, revoked.info.id);

    const { items } = await apiTokens.list(owner);
    expect(items.map((item) => item.id)).toEqual([remaining.info.id]);
  });

  it('inactive token can be revoked', async () => {
    const { apiTokens, create, owner, store } = makeApiTokens();
    const { info } = await create();
    await apiTokens.deactivate(owner, info.id);

    await apiTokens.revoke(owner, info.id);

    expect(await store.findById(info.id)).toBeNull();
  });
});
