import { describe, expect, it } from 'vitest';
import type { AuthContext, VerifyResult } from '../../src/index.js';
import { makeApiTokens } from '../support/setup.js';

/** Returns the auth context of a valid result and fails the test otherwise. */
function authOf(result: VerifyResult): AuthContext {
  if (!result.valid) return expect.unreachable(`verify failed with ${result.code}`);
  return result.auth;
}

describe('permission inheritance', () => {
  it('token carries creator role and permissions', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setMember(owner, { role: 'Maintainer', permissions: ['documents:read', 'billing:read'] });
    const { token, info } = await create();

    const auth = authOf(await apiTokens.verify(token));

    expect(auth.tokenId).toBe(info.id);
    expect(auth.userId).toBe(owner.userId);
    expect(auth.role).toBe('Maintainer');
    expect([...auth.permissions].sort()).toEqual(['billing:read', 'documents:read']);
  });

  it('role change shows next verification', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    const { token } = await create();
    expect(authOf(await apiTokens.verify(token)).role).toBe('Editor');

    directory.setRole(owner, 'Security Manager');

    expect(authOf(await apiTokens.verify(token)).role).toBe('Security Manager');
  });

  it('lost permission is lost immediately', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:read', 'documents:write']);
    const { token } = await create();
    expect(authOf(await apiTokens.verify(token)).can('documents:write')).toBe(true);

    directory.setPermissions(owner, ['documents:read']);

    const auth = authOf(await apiTokens.verify(token));
    expect(auth.can('documents:write')).toBe(false);
    expect(auth.permissions).toEqual(['documents:read']);
  });

  it('cached record still reads live permissions', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens({ cache: { ttlMs: 60_000 } });
    directory.setPermissions(owner, ['documents:read', 'documents:write']);
    const { token } = await create();
    await apiTokens.verify(token);

    directory.setPermissions(owner, ['documents:read']);

    expect(authOf(await apiTokens.verify(token)).can('documents:write')).toBe(false);
  });

  it('removed member gives MEMBER_NOT_FOUND', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    const { token } = await create();

    directory.removeMember(owner);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'MEMBER_NOT_FOUND' });
  });

  it('restored member restores the token', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    const { token } = await create();
    const membership = directory.removeMember(owner);
    expect((await apiTokens.verify(token)).valid).toBe(false);

    directory.setMember(owner, membership);

    expect(authOf(await apiTokens.verify(token)).userId).toBe(owner.userId);
  });

  it('deleted organization rejects its tokens', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens();
    const { token } = await create();

    directory.removeOrganization(orgId);

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'MEMBER_NOT_FOUND' });
  });

  it('scopes narrow the permissions', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:read', 'documents:write', 'billing:read']);
    const { token, info } = await create(owner, { scopes: ['documents:read'] });

    const auth = authOf(await apiTokens.verify(token));

    expect(info.scopes).toEqual(['documents:read']);
    expect(auth.permissions).toEqual(['documents:read']);
    expect(auth.can('documents:read')).toBe(true);
    expect(auth.can('documents:write')).toBe(false);
    expect(auth.can('billing:read')).toBe(false);
  });

  it('scopes are not checked at creation', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:read']);

    const { token } = await create(owner, { scopes: ['documents:read', 'admin:delete'] });

    expect(authOf(await apiTokens.verify(token)).can('admin:delete')).toBe(false);
    directory.setPermissions(owner, ['documents:read', 'admin:delete']);
    expect(authOf(await apiTokens.verify(token)).can('admin:delete')).toBe(true);
  });

  it('scopes cap a later grant', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:read']);
    const { token } = await create(owner, { scopes: ['documents:read'] });

    directory.setPermissions(owner, ['*']);

    const auth = authOf(await apiTokens.verify(token));
    expect(auth.permissions).toEqual(['documents:read']);
    expect(auth.can('documents:write')).toBe(false);
  });

  it('can matches exact names', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:read']);
    const { token } = await create();

    const auth = authOf(await apiTokens.verify(token));

    expect(auth.can('documents:read')).toBe(true);
    expect(auth.can('documents:rea')).toBe(false);
    expect(auth.can('documents:read:all')).toBe(false);
    expect(auth.can('Documents:read')).toBe(false);
    expect(auth.can('documents:*')).toBe(false);
  });

  it('can matches resource wildcard', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['documents:*']);
    const { token } = await create();

    const auth = authOf(await apiTokens.verify(token));

    expect(auth.can('documents:read')).toBe(true);
    expect(auth.can('documents:write')).toBe(true);
    expect(auth.can('billing:read')).toBe(false);
    expect(auth.can('documentsx:read')).toBe(false);
  });

  it('can matches full wildcard', async () => {
    const { apiTokens, create, owner, directory } = makeApiTokens();
    directory.setPermissions(owner, ['*']);
    const { token } = await create();

    const auth = authOf(await apiTokens.verify(token));

    expect(auth.can('documents:read')).toBe(true);
    expect(auth.can('billing:write')).toBe(true);
  });

  it('auth context is frozen', async () => {
    const { apiTokens, create } = makeApiTokens();
    const { token } = await create();

    const auth = authOf(await apiTokens.verify(token));

    expect(Object.isFrozen(auth)).toBe(true);
    expect(Object.isFrozen(auth.permissions)).toBe(true);
  });
});
