import { describe, expect, it } from 'vitest';
import type { ApiTokenEvent, VerifyFailureCode } from '../../src/index.js';
import { generateToken } from '../../src/format.js';
import { makeApiTokens } from '../support/setup.js';

/** Returns the events of `type`, narrowed to that member of the union. */
function eventsOf<T extends ApiTokenEvent['type']>(events: ApiTokenEvent[], type: T): Extract<ApiTokenEvent, { type: T }>[] {
  return events.filter((event): event is Extract<ApiTokenEvent, { type: T }> => event.type === type);
}

describe('events', () => {
  it('created names actor and ids', async () => {
    const { create, events, owner, clock } = makeApiTokens();

    const { info } = await create();

    expect(eventsOf(events, 'token.created')).toEqual([
      { type: 'token.created', at: clock.now(), tokenId: info.id, orgId: owner.orgId, userId: owner.userId, actor: owner },
    ]);
  });

  it.each(['deactivate', 'reactivate', 'revoke'] as const)('%s event names the admin', async (operation) => {
    const { apiTokens, create, directory, orgId, owner, events } = makeApiTokens({ adminRoles: ['Admin'] });
    const admin = directory.addMember(orgId, { role: 'Admin' });
    const { info } = await create();
    if (operation === 'reactivate') await apiTokens.deactivate(owner, info.id);

    await apiTokens[operation](admin, info.id);

    const type = `token.${operation}d` as 'token.deactivated' | 'token.reactivated' | 'token.revoked';
    const emitted = eventsOf(events, type);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ tokenId: info.id, orgId, userId: owner.userId, actor: admin });
  });

  it('expired event on first touch', async () => {
    const { apiTokens, clock, create, events, owner } = makeApiTokens();
    const { token, info } = await create(undefined, { expiresIn: '1-month' });
    clock.set(info.expiresAt!);

    await apiTokens.verify(token);
    await apiTokens.flush();

    expect(eventsOf(events, 'token.expired')).toEqual([
      { type: 'token.expired', at: info.expiresAt, tokenId: info.id, orgId: owner.orgId, userId: owner.userId },
    ]);
  });

  it('sweep emits expired events', async () => {
    const { apiTokens, clock, create, events } = makeApiTokens();
    const { info } = await create(undefined, { expiresIn: '1-month' });
    clock.set(info.expiresAt!);

    await apiTokens.deactivateExpired();

    expect(eventsOf(events, 'token.expired').map((event) => event.tokenId)).toEqual([info.id]);
  });

  it('failed verification carries its code', async () => {
    const { apiTokens, clock, create, directory, orgId, owner, events } = makeApiTokens({ apiPlans: ['business'] });
    const inactive = await create();
    await apiTokens.deactivate(owner, inactive.info.id);
    const expiring = await create(undefined, { expiresIn: '1-month' });
    const orphaned = await create();
    const otherOrgId = directory.addOrganization('business');
    const otherMember = directory.addMember(otherOrgId);
    const downgraded = await create(otherMember);
    directory.setPlan(otherOrgId, 'free');

    const cases: [string, VerifyFailureCode, string | null][] = [
      ['not a token', 'MALFORMED', null],
      [generateToken('acme'), 'NOT_FOUND', null],
      [inactive.token, 'INACTIVE', inactive.info.id],
      [downgraded.token, 'PLAN_NOT_ALLOWED', downgraded.info.id],
    ];
    for (const [token, code, tokenId] of cases) {
      events.length = 0;
      await apiTokens.verify(token);
      expect(eventsOf(events, 'verification.failed'), code).toEqual([
        { type: 'verification.failed', at: clock.now(), code, tokenId, orgId: tokenId === null ? null : expect.any(String), userId: tokenId === null ? null : expect.any(String) },
      ]);
    }

    directory.removeMember(owner);
    events.length = 0;
    await apiTokens.verify(orphaned.token);
    expect(eventsOf(events, 'verification.failed')[0]).toMatchObject({ code: 'MEMBER_NOT_FOUND', tokenId: orphaned.info.id, orgId, userId: owner.userId });

    clock.set(expiring.info.expiresAt!);
    events.length = 0;
    await apiTokens.verify(expiring.token);
    expect(eventsOf(events, 'verification.failed')[0]).toMatchObject({ code: 'EXPIRED', tokenId: expiring.info.id });
  });

  it('successful verify emits nothing', async () => {
    const { apiTokens, create, events } = makeApiTokens();
    const { token } = await create();
    events.length = 0;

    await apiTokens.verify(token);
    await apiTokens.flush();

    expect(events).toEqual([]);
  });

  it('throwing onEvent breaks nothing', async () => {
    const { apiTokens, create, owner } = makeApiTokens({
      onEvent: () => {
        throw new Error('audit log is down');
      },
    });

    const { token, info } = await create();
    await apiTokens.deactivate(owner, info.id);
    await apiTokens.reactivate(owner, info.id);

    expect((await apiTokens.verify(token)).valid).toBe(true);
    expect(await apiTokens.verify('not a token')).toEqual({ valid: false, code: 'MALFORMED' });
    await apiTokens.revoke(owner, info.id);
  });

  it('rejecting onEvent breaks nothing', async () => {
    let delivered = 0;
    const { apiTokens, create, owner } = makeApiTokens({
      onEvent: async () => {
        delivered += 1;
        throw new Error('audit log is down');
      },
    });

    const { info } = await create();
    await apiTokens.deactivate(owner, info.id);
    await apiTokens.revoke(owner, info.id);
    // Lets the rejections settle, so an unhandled one would fail this test.
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(delivered).toBe(3);
  });
});
