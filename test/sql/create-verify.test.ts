import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokens } from '../../src/index.js';
import { SQL_TARGETS, type TestDatabase } from '../support/sql.js';

const ACTOR = { orgId: 'org_sql', userId: 'user_sql' };
// The last millisecond of a 31-day month: one month later is clamped to April 30.
const NOW = new Date('2026-03-31T23:59:59.999Z');

function apiTokensOn(database: TestDatabase) {
  return createApiTokens({
    store: database.store,
    prefix: 'acme',
    clock: () => NOW,
    directory: { getMember: async () => ({ role: 'Admin', permissions: ['documents:read'] }) },
  });
}

for (const target of SQL_TARGETS) {
  describe.skipIf(!target.available)(`createApiTokens on ${target.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(async () => {
      await database?.close();
    });

    it('create then verify at once', async () => {
      const apiTokens = apiTokensOn(database);
      for (const expiresIn of ['1-month', '3-months', '1-year', 'never'] as const) {
        const { token, info } = await apiTokens.create(ACTOR, { name: `verify ${expiresIn}`, expiresIn, scopes: ['documents:read'] });
        const result = await apiTokens.verify(token);
        if (!result.valid) throw new Error(`verify rejected a new ${expiresIn} token with ${result.code}`);
        expect(result.auth.tokenId).toBe(info.id);
        expect(result.auth.permissions).toEqual(['documents:read']);
        await apiTokens.flush();
        expect(await apiTokens.get(ACTOR, info.id)).toEqual({ ...info, lastUsedAt: NOW });
      }
    });

    it('calendar expiry survives the round trip', async () => {
      const apiTokens = apiTokensOn(database);
      const { info } = await apiTokens.create(ACTOR, { name: 'one month', expiresIn: '1-month' });
      const stored = await apiTokens.get(ACTOR, info.id);
      expect(stored.createdAt.toISOString()).toBe('2026-03-31T23:59:59.999Z');
      expect(stored.expiresAt?.toISOString()).toBe('2026-04-30T23:59:59.999Z');
    });

    it('deactivated token fails verification', async () => {
      const apiTokens = apiTokensOn(database);
      const { token, info } = await apiTokens.create(ACTOR, { name: 'to deactivate', expiresIn: '1-month' });
      await apiTokens.deactivate(ACTOR, info.id);
      expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'INACTIVE' });
      await apiTokens.reactivate(ACTOR, info.id);
      expect((await apiTokens.verify(token)).valid).toBe(true);
      await apiTokens.revoke(ACTOR, info.id);
      expect(await apiTokens.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
    });

    it('table scan finds no token value', async () => {
      const apiTokens = apiTokensOn(database);
      const { token } = await apiTokens.create(ACTOR, { name: 'scanned', expiresIn: 'never' });
      await apiTokens.verify(token);
      await apiTokens.flush();

      const lines = await database.scanAsText();
      const digest = createHash('sha256').update(token).digest('hex');
      const body = token.slice('acme_'.length);
      // The digest is found, which shows that the scan reads the token's row.
      expect(lines.some((line) => line.includes(digest))).toBe(true);
      expect(lines.filter((line) => line.includes(token))).toEqual([]);
      expect(lines.filter((line) => line.includes(body))).toEqual([]);
    });
  });
}
