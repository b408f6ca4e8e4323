// Hono-specific behaviour; the request table in authentication.test.ts covers the rest.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { apiTokenAuth, requirePermission, type Variables } from '../../src/hono.js';
import type { AuthContext } from '../../src/index.js';
import { listenHono } from './support/apps.js';
import { ADMIN, createFixture } from './support/fixture.js';

async function withServer(app: Hono<{ Variables: Variables }>, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = await listenHono(app);
  try {
    await run(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
  }
}

describe('hono adapter', () => {
  it('c.var.apiToken is typed', () => {
    const app = new Hono<{ Variables: Variables }>();
    app.get('/', (c) => {
      expectTypeOf(c.var.apiToken).toEqualTypeOf<AuthContext>();
      return c.text('typed');
    });
    expectTypeOf<Variables>().toEqualTypeOf<{ apiToken: AuthContext }>();
  });

  it('rejection keeps its headers', async () => {
    const fixture = createFixture({ rateLimit: { limit: 1, windowSeconds: 60 } });
    const { token } = await fixture.createToken();
    const app = new Hono<{ Variables: Variables }>();
    app.use('*', async (c, next) => {
      c.header('x-request-id', 'req-1');
      await next();
    });
    app.get('/documents', apiTokenAuth(fixture.apiTokens), (c) => c.json({ ok: true }));

    await withServer(app, async (baseUrl) => {
      const headers = { 'x-api-key': token };
      expect((await fetch(`${baseUrl}/documents`, { headers })).status).toBe(200);
      const limited = await fetch(`${baseUrl}/documents`, { headers });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toBe('application/problem+json');
      expect(limited.headers.get('retry-after')).toBe('60');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('x-request-id')).toBe('req-1');
    });
  });

  it('onRejection returns its own response', async () => {
    const fixture = createFixture();
    const app = new Hono<{ Variables: Variables }>();
    const auth = apiTokenAuth(fixture.apiTokens, { onRejection: (rejection, c) => c.json({ error: rejection.body.code }, 401) });
    app.get('/documents', auth, (c) => c.json({ reached: true }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'MISSING_API_KEY' });
    });
  });

  it('request counted once when mounted twice', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = new Hono<{ Variables: Variables }>();
    app.use('*', apiTokenAuth(fixture.apiTokens));
    app.get('/documents', apiTokenAuth(fixture.apiTokens), requirePermission('documents:read'), (c) => c.json({ orgId: c.var.apiToken.orgId }));

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
    const app = new Hono<{ Variables: Variables }>();
    app.use('*', apiTokenAuth(publicApi.apiTokens));
    app.get('/admin', apiTokenAuth(adminApi.apiTokens), (c) => c.json({ orgId: c.var.apiToken.orgId }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/admin`, { headers: { 'x-api-key': token } });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_API_KEY');
    });
  });

  it('Response from handler keeps rate-limit headers', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = new Hono<{ Variables: Variables }>();
    app.get('/documents', apiTokenAuth(fixture.apiTokens), () => new Response('documents', { headers: { 'x-handler': 'yes' } }));
    app.get('/failing', apiTokenAuth(fixture.apiTokens), () => {
      throw new Error('handler failed');
    });
    app.onError(() => new Response('failed', { status: 500 }));

    await withServer(app, async (baseUrl) => {
      const response = await fetch(`${baseUrl}/documents`, { headers: { 'x-api-key': token } });
      const failed = await fetch(`${baseUrl}/failing`, { headers: { 'x-api-key': token } });

      expect(response.status).toBe(200);
      expect(response.headers.get('x-handler')).toBe('yes');
      expect(response.headers.get('x-ratelimit-limit')).toBe('100');
      expect(response.headers.get('x-ratelimit-remaining')).toBe('99');
      expect(failed.status).toBe(500);
      expect(failed.headers.get('x-ratelimit-remaining')).toBe('98');
    });
  });

  it('unknown option throws TypeError', () => {
    const { apiTokens } = createFixture();
    expect(() => apiTokenAuth(apiTokens, { bearr: true } as never)).toThrow(new TypeError('apiTokenAuth: options.bearr is not an option; expected header, bearer, realm, ietfHeaders or onRejection'));
  });

  it('adapter imports no node module', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/hono.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      // Hono and zod are dependencies with their own runtime support; this checks the library's code.
      packages: 'external',
      logLevel: 'silent',
    });
    const builtins = new Set(builtinModules);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    expect(imports.length).toBeGreaterThan(0);
    const nodeImports = imports.filter((path) => path.startsWith('node:') || builtins.has(path.split('/')[0]!));
    expect(nodeImports).toEqual([]);
  });
});
