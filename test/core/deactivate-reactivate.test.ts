import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenStore } from '../../src/index.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';
import { storeWith } from '../support/stores.js';

/** Builds a setup with `Admin` as an admin role, one admin and one token of the owner. */
async function ownerTokenWithAdmin() {
  const setup = makeApiTokens({ adminRoles: ['Admin'] });
  const admin = setup.directory.addMember(setup.orgId, { role: 'Admin' });
  const created = await setup.create();
  return { ...setup, ...created, admin };
}

describe('deactivate and reactivate', () => {
  it('deactivated token fails verification', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token, info } = await create();

    const deactivated = await apiTokens.deactivate(owner, info.id);

    expect(deactivated.status).toBe('inactive');
    expect(deactivated.inactiveReason).toBe('deactivated');
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });

  it('reactivated token verifies again', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token, info } = await create();
    await apiTokens.deactivate(owner, info.id);

    const reactivated = await apiTokens.reactivate(owner, info.id);

    expect(reactivated.status).toBe('active');
    expect(reactivated.inactiveReason).toBeNull();
    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('store records who deactivated', async () => {
    const { apiTokens, create, owner, store } = makeApiTokens();
    const { info } = await create();

    await apiTokens.deactivate(owner, info.id);

    const record = await store.findById(info.id);
    expect(record?.status).toBe('inactive');
    expect(record?.inactiveReason).toBe('deactivated');
    expect(record?.deactivatedBy).toBe(owner.userId);
  });

  it('deactivating twice changes nothing more', async () => {
    const { apiTokens, create, owner, events } = makeApiTokens();
    const { info } = await create();

    await apiTokens.deactivate(owner, info.id);
    const again = await apiTokens.deactivate(owner, info.id);

    expect(again.status).toBe('inactive');
    expect(events.filter((event) => event.type === 'token.deactivated')).toHaveLength(1);
  });

  it('concurrent deactivations change once', async () => {
    const { apiTokens, create, owner, events } = makeApiTokens();
    const { info } = await create();

    const results = await Promise.all([apiTokens.deactivate(owner, info.id), apiTokens.deactivate(owner, info.id)]);

    expect(results.map((result) => result.status)).toEqual(['inactive', 'inactive']);
    expect(events.filter((event) => event.type === 'token.deactivated')).toHaveLength(1);
  });

  it('reactivating an active token changes nothing', async () => {
    const { apiTokens, create, owner, events } = makeApiTokens();
    const { info } = await create();

    const result = await apiTokens.reactivate(owner, info.id);

    expect(result.status).toBe('active');
    expect(events.filter((event) => event.type === 'token.reactivated')).toHaveLength(0);
  });

  it('admin deactivation needs admin reactivation', async () => {
    const { apiTokens, admin, owner, info, token } = await ownerTokenWithAdmin();
    await apiTokens.deactivate(admin, info.id);

    const error = await expectApiTokenError(apiTokens.reactivate(owner, info.id), 'FORBIDDEN');

    expect(error.message).toContain('administrator');
    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
    expect((await apiTokens.reactivate(admin, info.id)).status).toBe('active');
    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('another admin may reactivate', async () => {
    const { apiTokens, admin, directory, orgId, info } = await ownerTokenWithAdmin();
    const secondAdmin = directory.addMember(orgId, { role: 'Admin' });
    await apiTokens.deactivate(admin, info.id);

    const result = await apiTokens.reactivate(secondAdmin, info.id);

    expect(result.status).toBe('active');
  });

  it('owner deactivation allows admin reactivation', async () => {
    const { apiTokens, admin, owner, info } = await ownerTokenWithAdmin();
    await apiTokens.deactivate(owner, info.id);

    const result = await apiTokens.reactivate(admin, info.id);

    expect(result.status).toBe('active');
  });

  it('demoted admin keeps own deactivation reversible', async () => {
    const { apiTokens, admin, directory } = await ownerTokenWithAdmin();
    const { info } = await apiTokens.create(admin, { name: 'admin token', expiresIn: '1-month' });
    await apiTokens.deactivate(admin, info.id);
    directory.setRole(admin, 'Editor');

    const result = await apiTokens.reactivate(admin, info.id);

    expect(result.status).toBe('active');
  });

  it('reactivation race keeps an admin deactivation', async () => {
    const inner = new MemoryTokenStore();
    let interleave: (() => Promise<void>) | null = null;
    // Runs the admin's changes between the owner's read of the record and the owner's write.
    const store: TokenStore = storeWith(inner, {
      async updateStatus(id, expected, change) {
        const before = interleave;
        interleave = null;
        if (before !== null) await before();
        return inner.updateStatus(id, expected, change);
      },
    });
    const setup = makeApiTokens({ store, adminRoles: ['Admin'] });
    const admin = setup.directory.addMember(setup.orgId, { role: 'Admin' });
    const { token, info } = await setup.create();
    await setup.apiTokens.deactivate(setup.owner, info.id);

    interleave = async () => {
      await setup.apiTokens.reactivate(admin, info.id);
      await setup.apiTokens.deactivate(admin, info.id);
    };
    const result = await setup.apiTokens.reactivate(setup.owner, info.id);

    expect(result.status).toBe('inactive');
    expect((await inner.findById(info.id))?.deactivatedBy).toBe(admin.userId);
    expect(await setup.apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
  });
});
