import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenFragmentsIn, textOf } from '../support/leaks.js';
import { makeApiTokens } from '../support/setup.js';

const TOKEN_INFO_KEYS = ['createdAt', 'expiresAt', 'id', 'inactiveReason', 'lastUsedAt', 'name', 'orgId', 'scopes', 'status', 'suffix', 'userId'];
const AUTH_CONTEXT_KEYS = ['can', 'orgId', 'permissions', 'plan', 'role', 'tokenId', 'userId'];

describe('token shown once', () => {
  it('create returns a usable token', async () => {
    const { apiTokens, create } = makeApiTokens();

    const { token, info } = await create();

    expect(token).toMatch(apiTokens.tokenPattern);
    const result = await apiTokens.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.tokenId).toBe(info.id);
  });

  it('store holds only the digest', async () => {
    const { create, store } = makeApiTokens();
    const { token, info } = await create();

    const record = await store.findById(info.id);

    expect(record?.digest).toBe(createHash('sha256').update(token).digest('hex'));
    expect(record?.digestScheme).toBe('sha256');
    expect(tokenFragmentsIn(textOf(record), token)).toEqual([]);
  });

  it('TokenInfo has no digest or value', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token, info: created } = await create();

    const infos = [
      created,
      await apiTokens.get(owner, created.id),
      ...(await apiTokens.list(owner)).items,
      await apiTokens.deactivate(owner, created.id),
      await apiTokens.reactivate(owner, created.id),
    ];

    for (const info of infos) {
      expect(Object.keys(info).sort()).toEqual(TOKEN_INFO_KEYS);
      expect(tokenFragmentsIn(textOf(info), token)).toEqual([]);
    }
  });

  it('AuthContext has no digest or value', async () => {
    const { apiTokens, create } = makeApiTokens();
    const { token } = await create();

    const result = await apiTokens.verify(token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(Object.keys(result.auth).sort()).toEqual(AUTH_CONTEXT_KEYS);
    expect(tokenFragmentsIn(textOf(result.auth), token)).toEqual([]);
  });

  it('no API call returns the value', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token, info } = await create();
    await apiTokens.verify(token);
    await apiTokens.flush();

    const outputs = [
      await apiTokens.list(owner, { limit: 100 }),
      await apiTokens.get(owner, info.id),
      await apiTokens.deactivate(owner, info.id),
      await apiTokens.verify(token),
      await apiTokens.reactivate(owner, info.id),
    ];

    expect(tokenFragmentsIn(textOf(outputs), token)).toEqual([]);
  });
});
