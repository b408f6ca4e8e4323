import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type Actor, type ApiTokens } from '../../src/index.js';
import { generateToken } from '../../src/format.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';
import { failingStore, storeWith } from '../support/stores.js';

const STORE_DOWN = new Error('connect ECONNREFUSED 127.0.0.1:5432');
const DIRECTORY_DOWN = new Error('user service timed out');

/** Lists every management call and verify, each with arguments that reach the store. */
function everyCall(apiTokens: ApiTokens, actor: Actor, tokenId: string, token: string): [string, () => Promise<unknown>][] {
  return [
    ['create', () => apiTokens.create(actor, { name: 'CI deploys', expiresIn: '1-month' })],
    ['list', () => apiTokens.list(actor)],
    ['get', () => apiTokens.get(actor, tokenId)],
    ['deactivate', () => apiTokens.deactivate(actor, tokenId)],
    ['reactivate', () => apiTokens.reactivate(actor, tokenId)],
    ['revoke', () => apiTokens.revoke(actor, tokenId)],
    ['verify', () => apiTokens.verify(token)],
    ['deactivateExpired', () => apiTokens.deactivateExpired()],
  ];
}

describe('dependency failures', () => {
  it('store down gives STORE_UNAVAILABLE everywhere', async () => {
    const { apiTokens, owner } = makeApiTokens({ store: failingStore(STORE_DOWN) });

    for (const [name, call] of everyCall(apiTokens, owner, crypto.randomUUID(), generateToken('acme'))) {
      const error = await expectApiTokenError(call(), 'STORE_UNAVAILABLE');
      expect(error.cause, name).toBe(STORE_DOWN);
      expect(error.message, name).toContain('Token store failed');
    }
  });

  it('store failure mid-operation is STORE_UNAVAILABLE', async () => {
    const inner = new MemoryTokenStore();
    const store = storeWith(inner, { updateStatus: () => Promise.reject(STORE_DOWN) });
    const { apiTokens, create, owner } = makeApiTokens({ store });
    const { info } = await create();

    const error = await expectApiTokenError(apiTokens.deactivate(owner, info.id), 'STORE_UNAVAILABLE');

    expect(error.cause).toBe(STORE_DOWN);
    expect(error.message).toContain('updateStatus');
  });

  it('directory down gives DIRECTORY_UNAVAILABLE', async () => {
    const { apiTokens, create, directory, owner } = makeApiTokens();
    const { token, info } = await create();
    directory.getMember = () => Promise.reject(DIRECTORY_DOWN);

    const calls = everyCall(apiTokens, owner, info.id, token).filter(([name]) => name !== 'deactivateExpired');
    for (const [name, call] of calls) {
      const error = await expectApiTokenError(call(), 'DIRECTORY_UNAVAILABLE');
      expect(error.cause, name).toBe(DIRECTORY_DOWN);
      expect(error.message, name).toContain('directory.getMember');
    }
  });

  it('organization lookup down is DIRECTORY_UNAVAILABLE', async () => {
    const { apiTokens, create, directory } = makeApiTokens({ apiPlans: ['business'] });
    const { token } = await create();
    directory.getOrganization = () => Promise.reject(DIRECTORY_DOWN);

    const verifyError = await expectApiTokenError(apiTokens.verify(token), 'DIRECTORY_UNAVAILABLE');
    const createError = await expectApiTokenError(create(), 'DIRECTORY_UNAVAILABLE');

    expect(verifyError.cause).toBe(DIRECTORY_DOWN);
    expect(createError.message).toContain('directory.getOrganization');
  });

  it('malformed member is DIRECTORY_UNAVAILABLE', async () => {
    const { apiTokens, create, directory } = makeApiTokens();
    const { token } = await create();
    directory.getMember = async () => ({ role: 'Editor', permissions: 'documents:read' }) as never;

    const error = await expectApiTokenError(apiTokens.verify(token), 'DIRECTORY_UNAVAILABLE');

    expect(error.message).toContain('invalid member');
  });

  it('malformed organization is DIRECTORY_UNAVAILABLE', async () => {
    const { apiTokens, create, directory } = makeApiTokens();
    const { token } = await create();
    directory.getOrganization = async () => ({ tier: 'business' }) as never;

    await expectApiTokenError(apiTokens.verify(token), 'DIRECTORY_UNAVAILABLE');
  });

  it('undefined member means not a member', async () => {
    const { apiTokens, create, directory } = makeApiTokens();
    const { token } = await create();
    directory.getMember = async () => undefined as never;

    expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'MEMBER_NOT_FOUND' });
  });

  it('synchronous directory throw is mapped', async () => {
    const { apiTokens, create, directory } = makeApiTokens();
    const { token } = await create();
    directory.getMember = () => {
      throw DIRECTORY_DOWN;
    };

    const error = await expectApiTokenError(apiTokens.verify(token), 'DIRECTORY_UNAVAILABLE');

    expect(error.cause).toBe(DIRECTORY_DOWN);
  });
});
