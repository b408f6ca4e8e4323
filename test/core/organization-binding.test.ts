import { describe, expect, it } from 'vitest';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

/** Adds the owner to a second organization as an admin and creates a token in the first. */
async function memberOfTwoOrganizations() {
  const setup = makeApiTokens({ adminRoles: ['Admin'] });
  const otherOrgId = setup.directory.addOrganization('enterprise');
  const sameUserElsewhere = { orgId: otherOrgId, userId: setup.owner.userId };
  setup.directory.setMember(setup.owner, { role: 'Editor', permissions: ['documents:read'] });
  setup.directory.setMember(sameUserElsewhere, { role: 'Admin', permissions: ['*'] });
  const created = await setup.create();
  return { ...setup, ...created, otherOrgId, sameUserElsewhere };
}

describe('organization binding', () => {
  it('verify yields the creation organization', async () => {
    const { apiTokens, token, orgId } = await memberOfTwoOrganizations();

    const result = await apiTokens.verify(token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.orgId).toBe(orgId);
    expect(result.auth.plan).toBe('business');
  });

  it('token uses that organization membership', async () => {
    const { apiTokens, token } = await memberOfTwoOrganizations();

    const result = await apiTokens.verify(token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.role).toBe('Editor');
    expect(result.auth.permissions).toEqual(['documents:read']);
    expect(result.auth.can('billing:read')).toBe(false);
  });

  it('other organization gets NOT_FOUND everywhere', async () => {
    const { apiTokens, info, sameUserElsewhere } = await memberOfTwoOrganizations();

    await expectApiTokenError(apiTokens.get(sameUserElsewhere, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.deactivate(sameUserElsewhere, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.reactivate(sameUserElsewhere, info.id), 'NOT_FOUND');
    await expectApiTokenError(apiTokens.revoke(sameUserElsewhere, info.id), 'NOT_FOUND');
  });

  it('foreign calls leave the token unchanged', async () => {
    const { apiTokens, info, token, sameUserElsewhere } = await memberOfTwoOrganizations();

    await apiTokens.deactivate(sameUserElsewhere, info.id).catch(() => undefined);
    await apiTokens.revoke(sameUserElsewhere, info.id).catch(() => undefined);

    expect((await apiTokens.verify(token)).valid).toBe(true);
  });

  it('other organization lists exclude it', async () => {
    const { apiTokens, sameUserElsewhere } = await memberOfTwoOrganizations();

    const own = await apiTokens.list(sameUserElsewhere);
    const whole = await apiTokens.list(sameUserElsewhere, { scope: 'organization' });

    expect(own.items).toEqual([]);
    expect(whole.items).toEqual([]);
  });

  it('leaving one organization keeps the other', async () => {
    const { apiTokens, token, directory, sameUserElsewhere } = await memberOfTwoOrganizations();

    directory.removeMember(sameUserElsewhere);

    expect((await apiTokens.verify(token)).valid).toBe(true);
  });
});
