import { createApiTokens, MemoryTokenStore, type Actor, type ApiTokens, type Member, type Organization, type TokenStore } from '../../../src/index.js';
import type { RateLimitRule } from '../../../src/rate-limit.js';

export const ORG_ID = 'org_acme';
export const ADMIN: Actor = Object.freeze({ orgId: ORG_ID, userId: 'user_admin' });
export const EDITOR: Actor = Object.freeze({ orgId: ORG_ID, userId: 'user_editor' });
export const VIEWER: Actor = Object.freeze({ orgId: ORG_ID, userId: 'user_viewer' });
export const OUTSIDER: Actor = Object.freeze({ orgId: 'org_other', userId: 'user_outsider' });

/** The instant every fixture's clock starts at. */
export const START = new Date('2026-03-01T12:00:00.000Z');

export interface FixtureOptions {
  /** The business plan's rate limit. Default: 100 requests per hour. */
  rateLimit?: RateLimitRule;
}

/**
 * An `ApiTokens` over a memory store and an in-memory directory that a test can change. The
 * directory has an organization on the business plan with an Admin, an Editor and a Viewer.
 * The clock is frozen, and two switches make the store or the directory fail.
 */
export interface Fixture {
  apiTokens: ApiTokens;
  clock: { now: Date };
  failures: { store: boolean; directory: boolean };
  members: Map<string, Member>;
  organizations: Map<string, Organization>;
  /** Every token value this fixture produced, to check that none leaks into a response. */
  tokens: string[];
  createToken(actor?: Actor, input?: { expiresIn?: '1-month' | 'never'; scopes?: string[] }): Promise<{ token: string; id: string }>;
  /** Returns a well-formed token with a valid checksum that the store has never seen. */
  unknownToken(): Promise<string>;
}

export function memberKey(orgId: string, userId: string): string {
  return `${orgId}/${userId}`;
}

export function createFixture(options: FixtureOptions = {}): Fixture {
  const clock = { now: START };
  const failures = { store: false, directory: false };
  const members = new Map<string, Member>([
    [memberKey(ADMIN.orgId, ADMIN.userId), { role: 'Admin', permissions: ['documents:read', 'documents:write', 'tokens:admin'] }],
    [memberKey(EDITOR.orgId, EDITOR.userId), { role: 'Editor', permissions: ['documents:read', 'documents:write'] }],
    [memberKey(VIEWER.orgId, VIEWER.userId), { role: 'Viewer', permissions: [] }],
    [memberKey(OUTSIDER.orgId, OUTSIDER.userId), { role: 'Admin', permissions: ['documents:read'] }],
  ]);
  const organizations = new Map<string, Organization>([
    [ORG_ID, { plan: 'business' }],
    ['org_other', { plan: 'business' }],
  ]);
  const tokens: string[] = [];

  const directory = {
    getMember: async (orgId: string, userId: string) => {
      if (failures.directory) throw new Error('directory offline');
      return members.get(memberKey(orgId, userId)) ?? null;
    },
    getOrganization: async (orgId: string) => {
      if (failures.directory) throw new Error('directory offline');
      return organizations.get(orgId) ?? null;
    },
  };
  const apiTokens = createApiTokens({
    store: failingStore(new MemoryTokenStore(), () => failures.store),
    prefix: 'acme',
    directory,
    adminRoles: ['Admin'],
    apiPlans: ['business', 'enterprise'],
    rateLimits: { plans: { business: options.rateLimit ?? { limit: 100, windowSeconds: 3600 } } },
    clock: () => clock.now,
  });

  return {
    apiTokens,
    clock,
    failures,
    members,
    organizations,
    tokens,
    async createToken(actor = ADMIN, input = {}) {
      const created = await apiTokens.create(actor, { name: 'test token', expiresIn: input.expiresIn ?? '1-month', scopes: input.scopes ?? null });
      tokens.push(created.token);
      return { token: created.token, id: created.info.id };
    },
    async unknownToken() {
      const other = createApiTokens({ store: new MemoryTokenStore(), prefix: 'acme', directory });
      const { token } = await other.create(ADMIN, { name: 'never stored here', expiresIn: '1-month' });
      tokens.push(token);
      return token;
    },
  };
}

// Wraps a store so that every call rejects while `failing()` is true, as a database that
// went offline would.
function failingStore(store: TokenStore, failing: () => boolean): TokenStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (failing()) return Promise.reject(new Error('store offline'));
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
