import { describe, expect, it } from 'vitest';
import { createApiTokens } from '../../src/index.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

const API_PLANS = ['business', 'enterprise'];

describe('plans with API access', () => {
  it('allowed plan may create tokens', async () => {
    const { create } = makeApiTokens({ apiPlans: API_PLANS });

    const { info } = await create();

    expect(info.status).toBe('active');
  });

  it('other plan gets PLAN_NOT_ALLOWED', async () => {
    const { create, directory, orgId } = makeApiTokens({ apiPlans: API_PLANS });
    directory.setPlan(orgId, 'free');

    const error = await expectApiTokenError(create(), 'PLAN_NOT_ALLOWED');

    expect(error.message).toContain('"free"');
    expect(error.message).toContain('business, enterprise');
  });

  it('missing organization cannot create', async () => {
    const { create, directory, orgId } = makeApiTokens({ apiPlans: API_PLANS });
    directory.removeOrganization(orgId);

    await expectApiTokenError(create(), 'PLAN_NOT_ALLOWED');
  });

  it('downgrade makes verify PLAN_NOT_ALLOWED', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens({ apiPlans: API_PLANS });
    const { token } = await create();

    directory.setPlan(orgId, 'free');

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'PLAN_NOT_ALLOWED' });
  });

  it('upgrade restores the token', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens({ apiPlans: API_PLANS });
    const { token } = await create();
    directory.setPlan(orgId, 'free');
    expect((await apiTokens.verify(token)).valid).toBe(false);

    directory.setPlan(orgId, 'enterprise');

    const result = await apiTokens.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.plan).toBe('enterprise');
  });

  it('downgrade does not delete tokens', async () => {
    const { apiTokens, create, directory, orgId, store } = makeApiTokens({ apiPlans: API_PLANS });
    const { info, token } = await create();

    directory.setPlan(orgId, 'free');
    await apiTokens.verify(token);

    expect((await store.findById(info.id))?.status).toBe('active');
  });

  it('without apiPlans every plan works', async () => {
    const { apiTokens, create, directory, orgId } = makeApiTokens();
    directory.setPlan(orgId, 'free');

    const { token } = await create();

    const result = await apiTokens.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.plan).toBe('free');
  });

  it('plan is null without getOrganization', async () => {
    const { directory, options, owner } = makeApiTokens();
    const apiTokens = createApiTokens({ ...options, directory: { getMember: (orgId, userId) => directory.getMember(orgId, userId) } });
    const { token } = await apiTokens.create(owner, { name: 'x', expiresIn: '1-month' });

    const result = await apiTokens.verify(token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.plan).toBeNull();
  });
});
