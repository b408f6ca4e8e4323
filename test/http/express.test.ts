// Express-specific behaviour; the request table in authentication.test.ts covers the rest.
import express, { type ErrorRequestHandler } from 'express';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { apiTokenAuth, requirePermission, tokenManagement } from '../../src/express.js';
import type { ApiTokens, AuthContext } from '../../src/index.js';
import { listenNode, MANAGEMENT_PREFIX, type RunningApp } from './support/apps.js';
import { ADMIN, createFixture } from './support/fixture.js';

async function withServer(app: express.Express, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server: RunningApp = await listenNode(app.listen(0, '127.0.0.1'));
  try {
    await run(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

const reportError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
  res.status(500).json({ handled: error.message });
};

describe('express adapter', () => {
  it('req.apiToken is typed', () => {
    expectTypeOf<express.Request['apiToken']>().toEqualTypeOf<AuthContext | undefined>();
  });

  it('async failure reaches next', async () => {
    const broken: ApiTokens = Object.assign(Object.create(createFixture().apiTokens) as ApiTokens, {
      verify: () => Promise.reject(new TypeError('verify crashed')),
    });
    const app = express();
    app.get('/documents', apiTokenAuth(broken), (_req, res) => res.json({ reached: true }));
    app.use(reportError);

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': 'acme_anything' } });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ handled: 'verify crashed' });
    });
  });

  it('onRejection writes its own response', async () => {
    const fixture = createFixture();
    const app = express();
    const auth = apiTokenAuth(fixture.apiTokens, {
      onRejection: (rejection, _req, res) => {
        res.status(rejection.status).json({ error: rejection.body.code });
      },
    });
    app.get('/documents', auth, (_req, res) => res.json({ reached: true }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'MISSING_API_KEY' });
    });
  });

  it('silent onRejection falls back to default', async () => {
    const fixture = createFixture();
    const seen: number[] = [];
    const app = express();
    app.get('/documents', apiTokenAuth(fixture.apiTokens, { onRejection: (rejection) => void seen.push(rejection.status) }), (_req, res) => res.json({}));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': 'acme_wrong' } });
      expect(seen).toEqual([401]);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_API_KEY');
    });
  });

  it('throwing onRejection reaches next', async () => {
    const fixture = createFixture();
    const app = express();
    const auth = apiTokenAuth(fixture.apiTokens, { onRejection: async () => Promise.reject(new Error('responder failed')) });
    app.get('/documents', auth, (_req, res) => res.json({}));
    app.use(reportError);

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ handled: 'responder failed' });
    });
  });

  it('request counted once when mounted twice', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = express();
    app.use(apiTokenAuth(fixture.apiTokens));
    app.get('/documents', apiTokenAuth(fixture.apiTokens), (req, res) => res.json({ orgId: req.apiToken?.orgId }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': token } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-remaining')).toBe('99');
      expect(await response.json()).toEqual({ orgId: ADMIN.orgId });
    });
  });

  it('other instance token is not trusted', async () => {
    const publicApi = createFixture();
    const adminApi = createFixture();
    const { token } = await publicApi.createToken();
    const app = express();
    app.use(apiTokenAuth(publicApi.apiTokens));
    app.get('/admin', apiTokenAuth(adminApi.apiTokens), (req, res) => res.json({ orgId: req.apiToken?.orgId }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/admin`, { headers: { 'x-api-key': token } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_API_KEY');
    });
  });

  it('requirePermission uses the auth options', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken(ADMIN, { scopes: ['documents:write'] });
    const app = express();
    const auth = apiTokenAuth(fixture.apiTokens, {
      header: 'X-Acme-Token',
      realm: 'acme',
      onRejection: (rejection, _req, res) => {
        res.status(rejection.status).json({ error: rejection.body.detail });
      },
    });
    app.get('/documents', auth, requirePermission('documents:read'), (_req, res) => res.json({}));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-acme-token': token } });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: 'This API key lacks the permission "documents:read"' });
    });
  });

  it('management uses a body parsed by the host', async () => {
    const fixture = createFixture();
    const app = express();
    app.use(express.json());
    app.use(MANAGEMENT_PREFIX, tokenManagement(fixture.apiTokens, { getActor: () => ADMIN }));

    await withServer(app, async (baseUrl) => {
      const created = await fetch(`${baseUrl}${MANAGEMENT_PREFIX}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'parsed by express.json', expiresIn: 'never' }),
      });
      expect(created.status).toBe(201);
      expect(((await created.json()) as { info: { name: string } }).info.name).toBe('parsed by express.json');

      const extra = await fetch(`${baseUrl}${MANAGEMENT_PREFIX}/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CI', expiresIn: 'never', admin: true }),
      });
      expect(extra.status).toBe(400);
      expect(((await extra.json()) as { field: string }).field).toBe('admin');
    });
  });

  it('form body parsed by host gets 415', async () => {
    const fixture = createFixture();
    const { id } = await fixture.createToken();
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use(MANAGEMENT_PREFIX, tokenManagement(fixture.apiTokens, { getActor: () => ADMIN }));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    await withServer(app, async (baseUrl) => {
      const created = await fetch(`${baseUrl}${MANAGEMENT_PREFIX}/tokens`, { method: 'POST', headers: form, body: 'name=CI&expiresIn=never' });
      const emptyCreate = await fetch(`${baseUrl}${MANAGEMENT_PREFIX}/tokens`, { method: 'POST', headers: form, body: '' });
      const deactivated = await fetch(`${baseUrl}${MANAGEMENT_PREFIX}/tokens/${id}/deactivate`, { method: 'POST', headers: form, body: '' });

      expect(created.status).toBe(415);
      expect(((await created.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(emptyCreate.status).toBe(400);
      expect(((await emptyCreate.json()) as { field: string }).field).toBe('body');
      expect(deactivated.status).toBe(200);
      expect((await fixture.apiTokens.list(ADMIN)).items).toHaveLength(1);
    });
  });

  it('unknown option throws TypeError', () => {
    const { apiTokens } = createFixture();
    expect(() => apiTokenAuth(apiTokens, { bearr: true } as never)).toThrow(new TypeError('apiTokenAuth: options.bearr is not an option; expected header, bearer, realm, ietfHeaders or onRejection'));
    expect(() => apiTokenAuth(apiTokens, { headers: 'X-Token' } as never)).toThrow(/options\.headers is not an option/);
  });

  it('invalid arguments throw TypeError', () => {
    const { apiTokens } = createFixture();
    expect(() => apiTokenAuth(undefined as unknown as ApiTokens)).toThrow(new TypeError('apiTokenAuth: apiTokens is invalid: expected the object returned by createApiTokens()'));
    expect(() => apiTokenAuth(apiTokens, { header: 'Authorization' })).toThrow(TypeError);
    expect(() => apiTokenAuth(apiTokens, { header: 'X API Key' })).toThrow(/options\.header/);
    expect(() => apiTokenAuth(apiTokens, { realm: 'a"b' })).toThrow(/options\.realm/);
    expect(() => apiTokenAuth(apiTokens, { onRejection: 'json' as never })).toThrow(/options\.onRejection/);
    expect(() => requirePermission()).toThrow(/at least one permission/);
    expect(() => requirePermission('documents:read', '')).toThrow(/permission 2 is invalid/);
    expect(() => tokenManagement(apiTokens, {} as never)).toThrow(/options\.getActor/);
  });
});
