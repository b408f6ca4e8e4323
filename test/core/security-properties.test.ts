import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenRecord } from '../../src/index.js';
import { generateToken, tokenSuffix } from '../../src/format.js';
import { tokenFragmentsIn, textOf } from '../support/leaks.js';
import { caught, makeApiTokens } from '../support/setup.js';
import { failingStore, storeWith } from '../support/stores.js';

const SECRETS = [{ id: 'key-1', secret: 'security-test-secret-of-at-least-32-bytes' }];

/** Builds a record of the setup's owner that no token of this test matches. */
function lookalikeRecord(owner: { orgId: string; userId: string }, suffix: string, overrides: Partial<TokenRecord>): TokenRecord {
  return {
    id: crypto.randomUUID(),
    orgId: owner.orgId,
    userId: owner.userId,
    name: 'same suffix',
    suffix,
    digest: [...crypto.getRandomValues(new Uint8Array(32))].map((byte) => byte.toString(16).padStart(2, '0')).join(''),
    digestScheme: 'sha256',
    digestKeyId: null,
    status: 'active',
    inactiveReason: null,
    deactivatedBy: null,
    scopes: null,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    expiresAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

describe('security properties', () => {
  it('no token value in the store', async () => {
    const inserted: TokenRecord[] = [];
    const inner = new MemoryTokenStore();
    const store = storeWith(inner, {
      insert: (record) => {
        inserted.push(structuredClone(record));
        return inner.insert(record);
      },
    });
    const { apiTokens, clock, create, owner } = makeApiTokens({ store, secrets: SECRETS, lastUsedIntervalMs: 0 });
    const tokens = [];
    for (const expiresIn of ['1-month', '3-months', '1-year', 'never'] as const) {
      const { token, info } = await create(owner, { expiresIn, name: `token ${expiresIn}`, scopes: ['documents:read'] });
      tokens.push(token);
      await apiTokens.verify(token);
      await apiTokens.deactivate(owner, info.id);
      await apiTokens.reactivate(owner, info.id);
    }
    clock.advance(40 * 24 * 60 * 60 * 1000);
    await apiTokens.deactivateExpired();
    await apiTokens.flush();

    const stored = await inner.list({ orgId: owner.orgId, after: null, limit: 1_000 });
    expect(stored).toHaveLength(4);
    for (const token of tokens) {
      expect(tokenFragmentsIn(textOf(stored), token)).toEqual([]);
      expect(tokenFragmentsIn(textOf(inserted), token)).toEqual([]);
    }
  });

  it('no token value in events', async () => {
    const { apiTokens, clock, create, directory, owner, events } = makeApiTokens({ apiPlans: ['business'], lastUsedIntervalMs: 0 });
    const { token, info } = await create(owner, { expiresIn: '1-month' });
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

    await apiTokens.verify(token);
    await apiTokens.verify(flipped);
    await apiTokens.verify(` ${token}`);
    await apiTokens.deactivate(owner, info.id);
    await apiTokens.verify(token);
    await apiTokens.reactivate(owner, info.id);
    directory.setPlan(owner.orgId, 'free');
    await apiTokens.verify(token);
    directory.setPlan(owner.orgId, 'business');
    const membership = directory.removeMember(owner);
    await apiTokens.verify(token);
    directory.setMember(owner, membership);
    clock.set(info.expiresAt!);
    await apiTokens.verify(token);
    await apiTokens.flush();
    await apiTokens.revoke(owner, info.id);
    await apiTokens.verify(token);

    const types = new Set(events.map((event) => event.type));
    expect(types).toEqual(new Set(['token.created', 'token.deactivated', 'token.reactivated', 'token.revoked', 'token.expired', 'verification.failed']));
    for (const event of events) expect(tokenFragmentsIn(textOf(event), token), event.type).toEqual([]);
  });

  it('no token value in error messages', async () => {
    const { apiTokens, clock, create, directory, orgId, owner } = makeApiTokens({ apiPlans: ['business'], adminRoles: ['Admin'] });
    const { token, info } = await create(owner, { expiresIn: '1-month' });
    const other = await create(owner, { expiresIn: '1-year' });
    const colleague = directory.addMember(orgId);
    const admin = directory.addMember(orgId, { role: 'Admin' });
    const errors: unknown[] = [];

    // The token value passed where an id or a cursor belongs, by every call that takes one.
    errors.push(await caught(apiTokens.get(owner, token)));
    errors.push(await caught(apiTokens.deactivate(owner, token)));
    errors.push(await caught(apiTokens.reactivate(owner, token)));
    errors.push(await caught(apiTokens.revoke(owner, token)));
    errors.push(await caught(apiTokens.list(owner, { cursor: token })));
    errors.push(await caught(create(owner, { scopes: [token, ''] })));
    errors.push(await caught(create(owner, { name: `${token}\u0000` })));
    errors.push(await caught(create(owner, { expiresIn: token as never })));

    // Every management error on the real token id.
    errors.push(await caught(apiTokens.get(colleague, info.id)));
    errors.push(await caught(apiTokens.list(owner, { scope: 'organization' })));
    await apiTokens.deactivate(admin, info.id);
    errors.push(await caught(apiTokens.reactivate(owner, info.id)));
    directory.setPlan(orgId, 'free');
    errors.push(await caught(create(owner)));
    directory.setPlan(orgId, 'business');
    directory.setRole(colleague, 'Viewer');
    errors.push(await caught(apiTokens.get(colleague, info.id)));
    errors.push(await caught(apiTokens.get({ orgId, userId: 'user_stranger' }, info.id)));
    clock.set(info.expiresAt!);
    errors.push(await caught(apiTokens.reactivate(admin, info.id)));

    // Dependencies down.
    directory.getMember = () => Promise.reject(new Error('directory timed out'));
    errors.push(await caught(apiTokens.verify(other.token)));
    const storeDown = makeApiTokens({ store: failingStore(new Error('connection refused')) });
    errors.push(await caught(storeDown.apiTokens.verify(token)));
    errors.push(await caught(storeDown.apiTokens.get(storeDown.owner, info.id)));
    const limited = makeApiTokens({ rateLimits: { plans: { business: { limit: 1, windowSeconds: 60 } }, store: { hit: () => Promise.reject(new Error('redis down')) } } });
    const { token: limitedToken } = await limited.create();
    const verified = await limited.apiTokens.verify(limitedToken);
    if (!verified.valid) expect.unreachable(`verify failed with ${verified.code}`);
    errors.push(await caught(limited.apiTokens.consumeRateLimit(verified.auth)));

    expect(errors).toHaveLength(19);
    for (const error of errors) {
      for (const value of [token, other.token, limitedToken]) expect(tokenFragmentsIn(textOf(error), value), String(error)).toEqual([]);
    }
  });

  it('token inside an id stays out of errors', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token } = await create(owner);
    const secretPart = token.slice('acme_'.length);
    // A token copied with a trailing character, in quotes, or without its public prefix.
    const ids = [`${token}!`, `${token}.`, `"${token}"`, `(${token})`, secretPart, `${secretPart}!`];

    for (const id of ids) {
      for (const operation of ['get', 'deactivate', 'reactivate', 'revoke'] as const) {
        const error = await caught(apiTokens[operation](owner, id));
        expect(tokenFragmentsIn(textOf(error), token), `${operation} with an id of ${id.length} characters`).toEqual([]);
      }
    }
  });

  it('token as a field name stays out of errors', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const { token } = await create(owner);

    const createError = await caught(apiTokens.create(owner, { name: 'CI', expiresIn: '1-month', [token]: true } as never));
    const listError = await caught(apiTokens.list(owner, { [token]: true } as never));

    expect(tokenFragmentsIn(textOf(createError), token)).toEqual([]);
    expect(tokenFragmentsIn(textOf(listError), token)).toEqual([]);
  });

  it('digest is matched before any status is revealed', async () => {
    const { apiTokens, owner, store, directory } = makeApiTokens();
    const unknown = generateToken('acme');
    const suffix = tokenSuffix(unknown);
    await store.insert(lookalikeRecord(owner, suffix, { status: 'inactive', inactiveReason: 'deactivated' }));
    await store.insert(lookalikeRecord(owner, suffix, { expiresAt: new Date('2000-01-01T00:00:00.000Z') }));
    await store.insert(lookalikeRecord(owner, suffix, { orgId: 'org_removed' }));
    let directoryCalls = 0;
    directory.getMember = async () => {
      directoryCalls += 1;
      return null;
    };

    const result = await apiTokens.verify(unknown);

    expect(result).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect(directoryCalls).toBe(0);
  });

  it('other organizations token ids answer NOT_FOUND', async () => {
    const victim = makeApiTokens({ adminRoles: ['Admin'] });
    const { info } = await victim.create();
    const attackerOrgId = victim.directory.addOrganization('enterprise');
    const attacker = victim.directory.addMember(attackerOrgId, { role: 'Admin' });
    const unknownId = crypto.randomUUID();

    for (const operation of ['get', 'deactivate', 'reactivate', 'revoke'] as const) {
      const foreign = (await caught(victim.apiTokens[operation](attacker, info.id))) as Error & { code: string };
      const missing = (await caught(victim.apiTokens[operation](attacker, unknownId))) as Error & { code: string };

      expect(foreign.code, operation).toBe('NOT_FOUND');
      expect(foreign.message.replace(info.id, '<id>'), operation).toBe(missing.message.replace(unknownId, '<id>'));
    }
  });
});

