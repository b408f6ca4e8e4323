import Database from 'better-sqlite3';
import { it } from 'vitest';
import { SqlTokenStore } from '../../src/sql/index.js';
import { makeApiTokens } from '../support/setup.js';
it('surrogate', async () => {
  const store = SqlTokenStore.sqlite(new Database(':memory:'));
  await store.migrate();
  const { apiTokens, create, owner } = makeApiTokens({ store });
  const { info } = await create(owner, { name: 'key \uD83D end' });
  const got = await apiTokens.get(owner, info.id);
  console.log(JSON.stringify(info.name), JSON.stringify(got.name), info.name === got.name);
});
