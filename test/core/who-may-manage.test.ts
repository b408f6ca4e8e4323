import { describe, expect, it } from 'vitest';
import { DEFAULT_MANAGER_ROLES, type Actor, type ApiTokens } from '../../src/index.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

/** Binds every management call that takes a token id to `apiTokens`. */
function idCalls(apiTokens: ApiTokens) {
  return {
    get: (actor: Actor, id: string) => apiTokens.get(actor, id),
    deactivate: (actor: Actor, id: string) => apiTokens.deactivate(actor, id),
    reactivate: (actor: Actor, id: string) => apiTokens.reactivate(actor, id),
    revoke: (actor: Actor, id: string) => apiTokens.revoke(actor, id),
  };
}

/** Builds a setup with `Admin` as an admin role, one admin and one token of the owner. */
async function organizationWithAdmin() {
  const setup = makeApiTokens({ adminRoles: ['Admin'] });
  const admin = setup.directory.addMember(setup.orgId, { role: 'Admin' });
  const created = await setup.create();
  return { ...setup, ...created, admin };
}

describe('who may manage tokens', () => {
  it.each(DEFAULT_MANAGER_ROLES.map((role) => [role]))('%s may create tokens', async (role) => {
    const { apiTokens, directory, orgId } = makeApiTokens();
    const manager = directory.addMember(orgId, { role });

    const { info } = await apiTokens.create(manager, { name: 'mine', expiresIn: '1-month' });

    expect(info.userId).toBe(manager.userId);
    expect((await apiTokens.list(manager)).items.map((item) => item.id)).toEqual([info.id]);
  });

  it('default manager roles are documented', () => {
    expect(DEFAULT_MANAGER_ROLES).toEqual(['Security Manager', 'Editor', 'Admin', 'Maintainer']);
  });

  it('other roles get FORBIDDEN', async () => {
    const { apiTokens, create, directory, owner } = makeApiTokens();
    const { info } = await create();
    directory.setRole(owner, 'Viewer');

    const error = await expectApiTokenError(apiTokens.create(owner, { name: 'x', expiresIn: '1-month' }), 'FORBIDDEN');
    expect(error.message).toContain('Viewer');
    await expectApiTokenError(apiTokens.list(owner), 'FORBIDDEN');
    for (const call of Object.values(idCalls(apiTokens))) await expectApiTokenError(call(owner, info.id), 'FORBIDDEN');
  });

  it('non-member gets FORBIDDEN', async () => {
    const { apiTokens, create, orgId } = makeApiTokens();
    const { info } = await create();
    const stranger = { orgId, userId: 'user_stranger' };

    const error = await expectApiTokenError(apiTokens.create(stranger, { name: 'x', expiresIn: '1-month' }), 'FORBIDDEN');
    expect(error.message).toContain('not a member');
    await expectApiTokenError(apiTokens.list(stranger), 'FORBIDDEN');
    for (const call of Object.values(idCalls(apiTokens))) await expectApiTokenError(call(stranger, info.id), 'FORBIDDEN');
  });

  it('managerRoles option replaces defaults', async () => {
    const { apiTokens, directory, orgId } = makeApiTokens({ managerRoles: ['Developer'] });
    const developer = directory.addMember(orgId, { role: 'Developer' });
    const editor = directory.addMember(orgId, { role: 'Editor' });

    await apiTokens.create(developer, { name: 'x', expiresIn: '1-month' });
    await expectApiTokenError(apiTokens.create(editor, { name: 'x', expiresIn: '1-month' }), 'FORBIDDEN');
  });

  it('members see only own tokens', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens();
    const colleague = directory.addMember(orgId);
    await create();

    const { items } = await apiTokens.list(colleague);

    expect(items).toEqual([]);
  });

  it('non-admin gets NOT_FOUND for others', async () => {
    const { apiTokens, directory, orgId, info, token } = await organizationWithAdmin();
    const colleague = directory.addMember(orgId, { role: 'Maintainer' });

    for (const [name, call] of Object.entries(idCalls(apiTokens))) {
      const error = await expectApiTokenError(call(colleague, info.id), 'NOT_FOUND');
      expect(error.message, name).toContain(info.id);
    }
    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('non-admin cannot list organization', async () => {
    const { apiTokens, owner } = await organizationWithAdmin();

    const error = await expectApiTokenError(apiTokens.list(owner, { scope: 'organization' }), 'FORBIDDEN');

    expect(error.message).toContain('admin');
  });

  it('admin lists the whole organization', async () => {
    const { apiTokens, admin, info } = await organizationWithAdmin();
    const own = await apiTokens.create(admin, { name: 'admin token', expiresIn: '1-month' });

    const { items } = await apiTokens.list(admin, { scope: 'organization' });

    expect(new Set(items.map((item) => item.id))).toEqual(new Set([info.id, own.info.id]));
  });

  it('admin manages any member token', async () => {
    const { apiTokens, admin, info, token } = await organizationWithAdmin();

    expect((await apiTokens.get(admin, info.id)).id).toBe(info.id);
    expect((await apiTokens.deactivate(admin, info.id)).status).toBe('inactive');
    expect((await apiTokens.verify(token)).valid).toBe(false);
    await apiTokens.revoke(admin, info.id);
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('admin role needs no manager role', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens({ managerRoles: ['Editor'], adminRoles: ['Owner'] });
    const { info } = await create();
    const admin = directory.addMember(orgId, { role: 'Owner' });

    expect((await apiTokens.get(admin, info.id)).id).toBe(info.id);
    expect((await apiTokens.create(admin, { name: 'x', expiresIn: '1-month' })).info.userId).toBe(admin.userId);
  });

  it('demotion removes management at once', async () => {
    const { apiTokens, admin, directory, info } = await organizationWithAdmin();
    await apiTokens.get(admin, info.id);

    directory.setRole(admin, 'Editor');

    await expectApiTokenError(apiTokens.get(admin, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.list(admin, { scope: 'organization' }), 'FORBIDDEN');
  });
});
