import { it } from 'vitest';
import { makeApiTokens, } from '../support/setup.js';
it('keys', async () => {
  const { apiTokens, create, owner } = makeApiTokens();
  const { token } = await create(owner);
  for (const p of [apiTokens.create(owner, { name: 'x', expiresIn: '1-month', [token]: 1 } as never), apiTokens.list(owner, { [token]: 1 } as never), apiTokens.get({ orgId: token, userId: 'u' }, 'x'), apiTokens.get({ orgId: 'o', userId: 'u', [token]: 1 } as never, 'x')]) {
    try { await p; console.log('ok'); } catch (e) { console.log(String(e).includes(token) ? 'LEAK ' : 'fine ', (e as Error).message.replace(token, '<T>'), (e as {field?: string}).field?.replace(token, '<T>')); }
  }
});
