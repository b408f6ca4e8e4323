import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTokenStore } from '../../src/testing/index.js';
import { SQL_TARGETS, type TestDatabase } from '../support/sql.js';

for (const target of SQL_TARGETS) {
  describe.skipIf(!target.available)(`SqlTokenStore on ${target.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await target.open();
    });
    afterAll(async () => {
      await database?.close();
    });

    testTokenStore({ name: target.dialect, describe, it, createStore: () => database.store });

    it('non-ASCII lookup keys return null', async () => {
      for (const key of ['é'.repeat(64), '🔑', 'ключ']) {
        expect(await database.store.findByDigest(key)).toBeNull();
        expect(await database.store.findById(key)).toBeNull();
      }
    });
  });
}
