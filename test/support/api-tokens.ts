// Small factories for tests that need a working token API: one organization on the
// `business` plan with one member who may manage tokens.
import { createApiTokens, MemoryTokenStore, type ApiTokenEvent, type ApiTokens, type ApiTokensOptions } from '../../src/index.js';

export const ORG_ID = 'org_1';
export const USER_ID = 'user_1';
export const ACTOR = Object.freeze({ orgId: ORG_ID, userId: USER_ID });

/** Returns a directory with one `Admin` member of {@link ORG_ID} on the `business` plan. */
export function makeDirectory(): ApiTokensOptions['directory'] {
  return {
    getMember: async (orgId, userId) => (orgId === ORG_ID && userId === USER_ID ? { role: 'Admin', permissions: ['documents:read'] } : null),
    getOrganization: async (orgId) => (orgId === ORG_ID ? { plan: 'business' } : null),
  };
}

/** Creates a token API over a memory store, collecting its events in `events`. */
export function makeApiTokens(overrides: Partial<ApiTokensOptions> = {}): { apiTokens: ApiTokens; events: ApiTokenEvent[] } {
  const events: ApiTokenEvent[] = [];
  const apiTokens = createApiTokens({
    store: new MemoryTokenStore(),
    prefix: 'test',
    directory: makeDirectory(),
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { apiTokens, events };
}

/** Creates a token that never expires and returns its value and id. */
export async function issueToken(apiTokens: ApiTokens): Promise<{ token: string; id: string }> {
  const { token, info } = await apiTokens.create(ACTOR, { name: 'test token', expiresIn: 'never' });
  return { token, id: info.id };
}
