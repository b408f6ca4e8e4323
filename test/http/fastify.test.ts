// Fastify-specific behaviour; the request table in authentication.test.ts covers the rest.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import fastifyPlugin, { apiTokenAuth, requirePermission, tokenManagement } from '../../src/fastify.js';
import type { ApiTokens, AuthContext } from '../../src/index.js';
import { listenFastify } from './support/apps.js';
import { ADMIN, createFixture } from './support/fixture.js';

async function withServer(app: FastifyInstance, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = await listenFastify(app);
  try {
    await run(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

describe('fastify adapter', () => {
  it('request.apiToken is typed', () => {
    expectTypeOf<FastifyRequest['apiToken']>().toEqualTypeOf<AuthContext | null>();
  });

  it('plugin is default and named export', () => {
    expect(fastifyPlugin).toBe(apiTokenAuth);
    expect((apiTokenAuth as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')]).toBe(true);
  });

  it('route outside child context stays open', async () => {
    const fixture = createFixture();
    const app = Fastify();
    app.get('/health', async () => ({ ok: true, apiToken: null }));
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
      api.get('/documents', async (request) => ({ orgId: request.apiToken?.orgId }));
    });

    await withServer(app, async (baseUrl) => {
      const open = await fetch(`${baseUrl}/health`);
      expect(open.status).toBe(200);
      expect(await open.json()).toEqual({ ok: true, apiToken: null });
      expect(open.headers.get('x-ratelimit-limit')).toBeNull();
    });
  });

  it('route inside child context is protected', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
      api.get('/documents', async (request) => ({ orgId: request.apiToken?.orgId }));
    });

    await withServer(app, async (baseUrl) => {
      const rejected = await fetch(`${baseUrl}/documents`);
      expect(rejected.status).toBe(401);
      const accepted = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': token } });
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ orgId: ADMIN.orgId });
    });
  });

  it('root registration protects every route', async () => {
    const fixture = createFixture();
    const app = Fastify();
    await app.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
    app.get('/health', async () => ({ ok: true }));

    await withServer(app, async (baseUrl) => {
      expect((await fetch(`${baseUrl}/health`)).status).toBe(401);
    });
  });

  it('handler never runs after rejection', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken(ADMIN, { scopes: ['documents:write'] });
    let handlerRuns = 0;
    const app = Fastify();
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
      api.get('/documents', { onRequest: requirePermission('documents:read') }, async () => {
        handlerRuns += 1;
        return {};
      });
    });

    await withServer(app, async (baseUrl) => {
      expect((await fetch(`${baseUrl}/documents`)).status).toBe(401);
      expect((await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': token } })).status).toBe(403);
      expect(handlerRuns).toBe(0);
    });
  });

  it('requirePermission works as preHandler', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = Fastify();
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
      api.get('/read', { preHandler: requirePermission('documents:read') }, async () => ({ ok: true }));
      api.get('/billing', { preHandler: [requirePermission('billing:read')] }, async () => ({ ok: true }));
    });

    await withServer(app, async (baseUrl) => {
      const headers = { 'x-api-key': token };
      expect((await fetch(`${baseUrl}/read`, { headers })).status).toBe(200);
      const denied = await fetch(`${baseUrl}/billing`, { headers });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { code: string }).code).toBe('INSUFFICIENT_PERMISSION');
    });
  });

  it('request counted once when registered twice', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = Fastify();
    await app.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
      api.get('/documents', async (request) => ({ orgId: request.apiToken?.orgId }));
    });

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': token } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('99');
    });
  });

  it('other instance token is not trusted', async () => {
    const publicApi = createFixture();
    const adminApi = createFixture();
    const { token } = await publicApi.createToken();
    const app = Fastify();
    await app.register(apiTokenAuth, { apiTokens: publicApi.apiTokens });
    app.register(async (admin) => {
      await admin.register(apiTokenAuth, { apiTokens: adminApi.apiTokens });
      admin.get('/admin', async (request) => ({ orgId: request.apiToken?.orgId }));
    });

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/admin`, { headers: { 'x-api-key': token } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_API_KEY');
    });
  });

  it('onRejection sends its own reply', async () => {
    const fixture = createFixture();
    const app = Fastify();
    app.register(async (api) => {
      await api.register(apiTokenAuth, {
        apiTokens: fixture.apiTokens,
        onRejection: (rejection, _request, reply) => {
          reply.code(rejection.status).send({ error: rejection.body.code });
        },
      });
      api.get('/documents', async () => ({ reached: true }));
    });

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'MISSING_API_KEY' });
    });
  });

  it('onRejection returning the reply', async () => {
    const fixture = createFixture();
    const app = Fastify();
    await app.register(apiTokenAuth, {
      apiTokens: fixture.apiTokens,
      // A chained call returns the reply, which Fastify makes thenable; nothing was sent yet.
      onRejection: (_rejection, _request, reply) => reply.header('x-custom', 'yes'),
    });
    app.get('/documents', async () => ({ reached: true }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { signal: AbortSignal.timeout(5_000) });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-custom')).toBe('yes');
      expect(((await response.json()) as { code: string }).code).toBe('MISSING_API_KEY');
    });
  });

  it('async failure becomes a 500', async () => {
    const broken: ApiTokens = Object.assign(Object.create(createFixture().apiTokens) as ApiTokens, {
      verify: () => Promise.reject(new TypeError('verify crashed')),
    });
    const app = Fastify();
    app.setErrorHandler(async (error: Error, _request, reply) => reply.code(500).send({ handled: error.message }));
    app.register(async (api) => {
      await api.register(apiTokenAuth, { apiTokens: broken });
      api.get('/documents', async () => ({ reached: true }));
    });

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': 'acme_anything' } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ handled: 'verify crashed' });
    });
  });

  it('invalid options fail at startup', async () => {
    const app = Fastify();
    app.register(apiTokenAuth, { apiTokens: undefined as unknown as ApiTokens });
    await expect(app.ready()).rejects.toThrow('api-tokens/fastify: apiTokens is invalid: expected the object returned by createApiTokens()');

    const management = Fastify();
    management.register(tokenManagement, { apiTokens: createFixture().apiTokens, getActor: undefined as never });
    await expect(management.ready()).rejects.toThrow(/options\.getActor/);
  });

  it('unknown option fails at startup', async () => {
    const { apiTokens } = createFixture();
    const app = Fastify();
    app.register(apiTokenAuth, { apiTokens, bearr: true } as never);
    await expect(app.ready()).rejects.toThrow('api-tokens/fastify: options.bearr is not an option; expected apiTokens, header, bearer, realm, ietfHeaders or onRejection');

    const withRegisterOptions = Fastify();
    withRegisterOptions.register(apiTokenAuth, { apiTokens, prefix: '/v1', logLevel: 'warn' } as never);
    await expect(withRegisterOptions.ready()).resolves.toBeDefined();
  });

  it('inject requests are authenticated', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = Fastify();
    await app.register(apiTokenAuth, { apiTokens: fixture.apiTokens });
    app.get('/documents', async (request) => ({ orgId: request.apiToken!.orgId }));

    const valid = await app.inject({ url: '/documents', headers: { 'x-api-key': token } });
    const missing = await app.inject({ url: '/documents' });
    const repeated = await app.inject({ url: '/documents', headers: { 'x-api-key': [token, token] } });

    expect(valid.statusCode).toBe(200);
    expect(valid.json()).toEqual({ orgId: ADMIN.orgId });
    expect(missing.statusCode).toBe(401);
    expect(repeated.statusCode).toBe(400);
    await app.close();
  });

  it('management leaves host body parsing alone', async () => {
    const fixture = createFixture();
    const app = Fastify();
    app.register(tokenManagement, { prefix: '/account', apiTokens: fixture.apiTokens, getActor: () => ADMIN });
    app.post('/echo', async (request) => request.body);

    await withServer(app, async (baseUrl) => {
      const echoed = await fetch(`${baseUrl}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(await echoed.json()).toEqual({ a: 1 });
      const created = await fetch(`${baseUrl}/account/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CI', expiresIn: 'never' }),
      });
      expect(created.status).toBe(201);
    });
  });
});
