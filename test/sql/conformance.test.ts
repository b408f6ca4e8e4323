import { afterAll, beforeAll, describe, it } from 'vitest';
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
  });
}
