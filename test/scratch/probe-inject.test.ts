import Fastify from 'fastify';
import { it } from 'vitest';
import { apiTokenAuth } from '../../src/fastify.js';
import { createFixture } from '../http/support/fixture.js';
it('inject', async () => {
  const fixture = createFixture();
  const { token } = await fixture.createToken();
  const app = Fastify();
  await app.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
  app.get('/d', async (request) => ({ org: request.apiToken!.orgId }));
  const r = await app.inject({ method: 'GET', url: '/d', headers: { 'x-api-key': token } });
  console.log('inject', r.statusCode, r.body);
  const r2 = await app.inject({ method: 'GET', url: '/d' });
  console.log('inject missing', r2.statusCode, r2.body);
});
