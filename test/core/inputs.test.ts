import { describe, expect, it } from 'vitest';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

describe('management input validation', () => {
  it.each([
    ['empty orgId', { orgId: '', userId: 'user_1' }, 'actor.orgId'],
    ['orgId with a space', { orgId: 'org 1', userId: 'user_1' }, 'actor.orgId'],
    ['missing userId', { orgId: 'org_1' }, 'actor.userId'],
    ['numeric userId', { orgId: 'org_1', userId: 7 }, 'actor.userId'],
    ['over-long userId', { orgId: 'org_1', userId: 'u'.repeat(129) }, 'actor.userId'],
  ])('actor with %s', async (_case, actor, field) => {
    const { apiTokens } = makeApiTokens();

    const error = await expectApiTokenError(apiTokens.list(actor as never), 'INVALID_INPUT');

    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it.each([
    ['that is empty', ''],
    ['with a space', 'a b'],
    ['with non-ASCII', 'tökén'],
    ['over 128 characters', 'i'.repeat(129)],
    ['not a string', 42],
  ])('tokenId %s', async (_case, tokenId) => {
    const { apiTokens, owner } = makeApiTokens();

    const calls = [
      () => apiTokens.get(owner, tokenId as never),
      () => apiTokens.deactivate(owner, tokenId as never),
      () => apiTokens.reactivate(owner, tokenId as never),
      () => apiTokens.revoke(owner, tokenId as never),
    ];
    for (const call of calls) {
      const error = await expectApiTokenError(call(), 'INVALID_INPUT');
      expect(error.field).toBe('tokenId');
      expect(error.message).toContain('tokenId');
    }
  });

  it.each([
    ['a whole token', (token: string) => token],
    ['a truncated token', (token: string) => token.slice(0, -5)],
  ])('tokenId that is %s', async (_case, toTokenId) => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token } = await create();
    const tokenId = toTokenId(token);

    const error = await expectApiTokenError(apiTokens.get(owner, tokenId), 'INVALID_INPUT');

    expect(error.field).toBe('tokenId');
    expect(error.message).toContain('TokenInfo.id');
    expect(error.message).not.toContain(tokenId.slice(5, 20));
  });

  it('unknown period names expiresIn', async () => {
    const { create } = makeApiTokens();

    const error = await expectApiTokenError(create(undefined, { expiresIn: '2-weeks' as never }), 'INVALID_INPUT');

    expect(error.field).toBe('expiresIn');
    expect(error.message).toContain('"1-month", "3-months", "1-year", "never"');
  });

  it.each([
    ['not an array', 'documents:read'],
    ['an empty name', ['']],
    ['a spaced name', ['documents read']],
    ['101 scopes', Array.from({ length: 101 }, (_, index) => `scope:${index}`)],
  ])('scopes with %s', async (_case, scopes) => {
    const { create } = makeApiTokens();

    const error = await expectApiTokenError(create(undefined, { scopes: scopes as never }), 'INVALID_INPUT');

    expect(error.field).toMatch(/^scopes/);
  });

  it('misspelled scopes key is rejected', async () => {
    const { apiTokens, owner } = makeApiTokens();

    const input = { name: 'narrow', expiresIn: '1-month', scope: ['documents:read'] };
    const error = await expectApiTokenError(apiTokens.create(owner, input as never), 'INVALID_INPUT');

    expect(error.message).toContain('"scope"');
    expect((await apiTokens.list(owner)).items).toEqual([]);
  });

  it('duplicate scopes are merged', async () => {
    const { create } = makeApiTokens();

    const { info } = await create(undefined, { scopes: ['documents:read', 'documents:read'] });

    expect(info.scopes).toEqual(['documents:read']);
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit 101', { limit: 101 }, 'limit'],
    ['fractional limit', { limit: 2.5 }, 'limit'],
    ['unknown scope', { scope: 'everyone' }, 'scope'],
  ])('list with %s', async (_case, options, field) => {
    const { apiTokens, owner } = makeApiTokens();

    const error = await expectApiTokenError(apiTokens.list(owner, options as never), 'INVALID_INPUT');

    expect(error.field).toBe(field);
  });

  it('input errors precede store access', async () => {
    const { apiTokens, owner, store } = makeApiTokens();
    const before = await store.list({ orgId: owner.orgId, after: null, limit: 10 });

    await expectApiTokenError(apiTokens.create(owner, { name: '', expiresIn: '1-month' }), 'INVALID_INPUT');

    expect(await store.list({ orgId: owner.orgId, after: null, limit: 10 })).toEqual(before);
  });
});
