import Fastify from 'fastify';
import { it } from 'vitest';
import { apiTokenAuth } from '../../src/fastify.js';
import { createFixture } from '../http/support/fixture.js';
import { listenFastify } from '../http/support/apps.js';
it('thenable', async () => {
  const fixture = createFixture();
  const app = Fastify();
  await app.register(apiTokenAuth, { apiTokens: fixture.apiTokens, onRejection: (_r, _req, reply) => reply.header('x-custom', '1') as never });
  app.get('/d', async () => ({ ok: true }));
  const server = await listenFastify(app);
  const controller = AbortSignal.timeout(3000);
  try {
    const r = await fetch(`http://127.0.0.1:${server.port}/d`, { signal: controller });
    console.log('status', r.status, r.headers.get('x-custom'));
  } catch (e) { console.log('ERR', String(e)); }
  await server.close();
}, 10000);
