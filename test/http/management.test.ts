// The token management endpoints, on every adapter over real HTTP.
import { describe, expect, it } from 'vitest';
import { MAX_MANAGEMENT_BODY_BYTES } from '../../src/management-http.js';
import type { Actor } from '../../src/index.js';
import { ADAPTERS, MANAGEMENT_PREFIX, startManagementApp, type AdapterName } from './support/apps.js';
import { sendRaw, type RawHeader } from './support/raw-http.js';
import { ADMIN, createFixture, EDITOR, OUTSIDER, START, VIEWER, type Fixture } from './support/fixture.js';

interface CallOptions {
  /** The signed-in actor, or `null` for a signed-out request. Default: the Admin. */
  actor?: Actor | null;
  /** A value to send as JSON. */
  json?: unknown;
  /** A raw body, sent with `contentType`. */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Response bodies are checked field by field, so an untyped value keeps the tests short.
  json: any;
}

type Call = (method: string, path: string, options?: CallOptions) => Promise<CallResult>;

async function withApp(adapter: AdapterName, fixture: Fixture, run: (call: Call) => Promise<void>): Promise<void> {
  const app = await startManagementApp(adapter, fixture.apiTokens);
  const call: Call = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const actor = options.actor === undefined ? ADMIN : options.actor;
    if (actor !== null) Object.assign(headers, { 'x-org-id': actor.orgId, 'x-user-id': actor.userId });
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    if (options.body !== undefined) {
      body = options.body;
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    }
    const response = await fetch(`http://127.0.0.1:${app.port}${MANAGEMENT_PREFIX}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return { status: response.status, headers: response.headers, text, json: isJson ? JSON.parse(text) : null };
  };
  try {
    await run(call);
  } finally {
    await app.close();
  }
}

function expectProblem(result: CallResult, status: number, code: string, field?: string): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toBe('application/problem+json');
  expect(result.json.status).toBe(status);
  expect(result.json.code).toBe(code);
  expect(result.json.field).toBe(field);
}

describe.each(ADAPTERS)('token management on %s', (adapter) => {
  it('create returns the token once', async () => {
    const fixture = createFixture();
    await withApp(adapter, fixture, async (call) => {
      const created = await call('POST', '/tokens', { json: { name: ' CI deploys ', expiresIn: '3-months', scopes: ['documents:read'] } });

      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.headers.get('content-type')).toBe('application/json');
      expect(created.json.token).toMatch(fixture.apiTokens.tokenPattern);
      expect(created.json.info).toEqual({
        id: expect.any(String),
        orgId: ADMIN.orgId,
        userId: ADMIN.userId,
        name: 'CI deploys',
        suffix: created.json.token.slice(-4),
        createdAt: START.toISOString(),
        expiresAt: '2026-06-01T12:00:00.000Z',
        status: 'active',
        inactiveReason: null,
        lastUsedAt: null,
        scopes: ['documents:read'],
      });
      const verified = await fixture.apiTokens.verify(created.json.token);
      expect(verified.valid).toBe(true);

      const read = await call('GET', `/tokens/${created.json.info.id}`);
      expect(read.text).not.toContain(created.json.token);
    });
  });

  it('create without scopes or expiry', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const created = await call('POST', '/tokens', { json: { name: 'forever', expiresIn: 'never' } });
      expect(created.status).toBe(201);
      expect(created.json.info.expiresAt).toBeNull();
      expect(created.json.info.scopes).toBeNull();
    });
  });

  it('signed-out request gets 401', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      for (const [method, path] of [['POST', '/tokens'], ['GET', '/tokens'], ['GET', '/tokens/abc'], ['POST', '/tokens/abc/deactivate'], ['POST', '/tokens/abc/reactivate'], ['DELETE', '/tokens/abc']] as const) {
        const json = method === 'POST' ? { name: 'x', expiresIn: 'never' } : undefined;
        expectProblem(await call(method, path, { actor: null, json }), 401, 'UNAUTHENTICATED');
      }
    });
  });

  it('create rejects unknown fields', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const result = await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never', color: 'red' } });
      expectProblem(result, 400, 'INVALID_INPUT', 'color');
      expect(result.json.detail).toContain('"color"');
    });
  });

  it('create names the invalid field', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      expectProblem(await call('POST', '/tokens', { json: { name: '   ', expiresIn: 'never' } }), 400, 'INVALID_INPUT', 'name');
      expectProblem(await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'forever' } }), 400, 'INVALID_INPUT', 'expiresIn');
      expectProblem(await call('POST', '/tokens', { json: { name: 42, expiresIn: 'never' } }), 400, 'INVALID_INPUT', 'name');
      expectProblem(await call('POST', '/tokens', { json: { expiresIn: 'never' } }), 400, 'INVALID_INPUT', 'name');
      expectProblem(await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never', scopes: 'all' } }), 400, 'INVALID_INPUT', 'scopes');
      expectProblem(await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never', scopes: ['has space'] } }), 400, 'INVALID_INPUT', 'scopes.0');
      expectProblem(await call('POST', '/tokens', { json: ['CI'] }), 400, 'INVALID_INPUT', 'body');
    });
  });

  it('create rejects malformed JSON', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      expectProblem(await call('POST', '/tokens', { body: '{"name":', contentType: 'application/json' }), 400, 'INVALID_INPUT', 'body');
      expectProblem(await call('POST', '/tokens', { body: '', contentType: 'application/json' }), 400, 'INVALID_INPUT', 'body');
    });
  });

  it('create requires JSON content type', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const result = await call('POST', '/tokens', { body: 'name=CI&expiresIn=never', contentType: 'application/x-www-form-urlencoded' });
      expectProblem(result, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const vendorJson = await call('POST', '/tokens', { body: '{"name":"CI","expiresIn":"never"}', contentType: 'application/vnd.api+json; charset=utf-8' });
      expect(vendorJson.status).toBe(201);
    });
  });

  it('create rejects oversized body', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const name = 'a'.repeat(MAX_MANAGEMENT_BODY_BYTES);
      expectProblem(await call('POST', '/tokens', { json: { name, expiresIn: 'never' } }), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  it('oversized DELETE body answers 413', async () => {
    const fixture = createFixture();
    const { id } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const result = await call('DELETE', `/tokens/${id}`, { body: 'a'.repeat(MAX_MANAGEMENT_BODY_BYTES + 1), contentType: 'application/json' });
      expectProblem(result, 413, 'PAYLOAD_TOO_LARGE');
      expect((await call('GET', `/tokens/${id}`)).status).toBe(200);
    });
  });

  it('token in Content-Type is not echoed', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const result = await call('POST', '/tokens', { body: '{}', contentType: `text/${token}` });
      expectProblem(result, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(result.text).not.toContain(token.slice(-20));
    });
  });

  it('create on free plan answers 403', async () => {
    const fixture = createFixture();
    fixture.organizations.set(ADMIN.orgId, { plan: 'free' });
    await withApp(adapter, fixture, async (call) => {
      expectProblem(await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never' } }), 403, 'PLAN_NOT_ALLOWED');
    });
  });

  it('viewer may not create tokens', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      expectProblem(await call('POST', '/tokens', { actor: VIEWER, json: { name: 'CI', expiresIn: 'never' } }), 403, 'FORBIDDEN');
    });
  });

  it('list paginates with a cursor', async () => {
    const fixture = createFixture();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push((await fixture.createToken()).id);
      fixture.clock.now = new Date(fixture.clock.now.getTime() + 1000);
    }
    await withApp(adapter, fixture, async (call) => {
      const first = await call('GET', '/tokens?limit=2');
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.json.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
      expect(first.json.nextCursor).toEqual(expect.any(String));

      const second = await call('GET', `/tokens?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
      expect(second.json.items.map((item: { id: string }) => item.id)).toEqual([ids[0]]);
      expect(second.json.nextCursor).toBeNull();
    });
  });

  it('list shows own tokens by default', async () => {
    const fixture = createFixture();
    await fixture.createToken(ADMIN);
    const editorToken = await fixture.createToken(EDITOR);
    await withApp(adapter, fixture, async (call) => {
      const own = await call('GET', '/tokens', { actor: EDITOR });
      expect(own.json.items.map((item: { id: string }) => item.id)).toEqual([editorToken.id]);
      const organization = await call('GET', '/tokens?scope=organization');
      expect(organization.json.items).toHaveLength(2);
      expectProblem(await call('GET', '/tokens?scope=organization', { actor: EDITOR }), 403, 'FORBIDDEN');
    });
  });

  it('list rejects bad query parameters', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      expectProblem(await call('GET', '/tokens?page=2'), 400, 'INVALID_INPUT', 'page');
      expectProblem(await call('GET', '/tokens?limit=ten'), 400, 'INVALID_INPUT', 'limit');
      expectProblem(await call('GET', '/tokens?limit=0'), 400, 'INVALID_INPUT', 'limit');
      expectProblem(await call('GET', '/tokens?limit=1&limit=2'), 400, 'INVALID_INPUT', 'limit');
      expectProblem(await call('GET', '/tokens?scope=everyone'), 400, 'INVALID_INPUT', 'scope');
      expectProblem(await call('GET', '/tokens?cursor=garbage'), 400, 'INVALID_INPUT', 'cursor');
    });
  });

  it('token in a name is not echoed', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const query = await call('GET', `/tokens?${token}=1`);
      const body = await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never', [token]: true } });

      expectProblem(query, 400, 'INVALID_INPUT', 'query');
      expectProblem(body, 400, 'INVALID_INPUT', 'body');
      expect(query.text).not.toContain(token.slice(-20));
      expect(body.text).not.toContain(token.slice(-20));
    });
  });

  it('get returns one token', async () => {
    const fixture = createFixture();
    const { token, id } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const result = await call('GET', `/tokens/${id}`);
      expect(result.status).toBe(200);
      expect(result.json).toMatchObject({ id, suffix: token.slice(-4), createdAt: START.toISOString(), status: 'active' });
    });
  });

  it('other organization token answers 404', async () => {
    const fixture = createFixture();
    const { id } = await fixture.createToken(OUTSIDER);
    await withApp(adapter, fixture, async (call) => {
      expectProblem(await call('GET', `/tokens/${id}`), 404, 'NOT_FOUND', 'tokenId');
      expectProblem(await call('POST', `/tokens/${id}/deactivate`), 404, 'NOT_FOUND', 'tokenId');
      expectProblem(await call('POST', `/tokens/${id}/reactivate`), 404, 'NOT_FOUND', 'tokenId');
      expectProblem(await call('DELETE', `/tokens/${id}`), 404, 'NOT_FOUND', 'tokenId');
    });
  });

  it('deactivate then reactivate', async () => {
    const fixture = createFixture();
    const { token, id } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const deactivated = await call('POST', `/tokens/${id}/deactivate`);
      expect(deactivated.status).toBe(200);
      expect(deactivated.json).toMatchObject({ id, status: 'inactive', inactiveReason: 'deactivated' });
      expect((await fixture.apiTokens.verify(token)).valid).toBe(false);

      const reactivated = await call('POST', `/tokens/${id}/reactivate`, { json: {} });
      expect(reactivated.status).toBe(200);
      expect(reactivated.json).toMatchObject({ id, status: 'active', inactiveReason: null });
      expect((await fixture.apiTokens.verify(token)).valid).toBe(true);
    });
  });

  it('deactivate rejects a body with fields', async () => {
    const fixture = createFixture();
    const { id } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      expectProblem(await call('POST', `/tokens/${id}/deactivate`, { json: { reason: 'leak' } }), 400, 'INVALID_INPUT', 'reason');
      expect((await call('GET', `/tokens/${id}`)).json.status).toBe('active');
    });
  });

  it('reactivate expired token answers 409', async () => {
    const fixture = createFixture();
    const { id } = await fixture.createToken();
    fixture.clock.now = new Date('2026-05-01T00:00:00.000Z');
    await withApp(adapter, fixture, async (call) => {
      expect((await call('GET', `/tokens/${id}`)).json).toMatchObject({ status: 'inactive', inactiveReason: 'expired' });
      expectProblem(await call('POST', `/tokens/${id}/reactivate`), 409, 'TOKEN_EXPIRED');
    });
  });

  it('revoke answers 204 then 404', async () => {
    const fixture = createFixture();
    const { token, id } = await fixture.createToken();
    await withApp(adapter, fixture, async (call) => {
      const revoked = await call('DELETE', `/tokens/${id}`);
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expectProblem(await call('GET', `/tokens/${id}`), 404, 'NOT_FOUND', 'tokenId');
      expect((await fixture.apiTokens.verify(token)).valid).toBe(false);
    });
  });

  it('store down answers 503', async () => {
    const fixture = createFixture();
    fixture.failures.store = true;
    await withApp(adapter, fixture, async (call) => {
      const result = await call('GET', '/tokens');
      expectProblem(result, 503, 'STORE_UNAVAILABLE');
      expect(result.json.detail).toBe('Token management is temporarily unavailable; retry later');
    });
  });

  it('directory down answers 503', async () => {
    const fixture = createFixture();
    fixture.failures.directory = true;
    await withApp(adapter, fixture, async (call) => {
      expectProblem(await call('POST', '/tokens', { json: { name: 'CI', expiresIn: 'never' } }), 503, 'DIRECTORY_UNAVAILABLE');
    });
  });

  it('getActor invalid actor reaches the framework', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const result = await call('GET', '/tokens', { actor: { orgId: '', userId: '' } });
      expect(result.status).toBe(500);
      expect(result.text).not.toContain('INVALID_INPUT');
    });
  });

  it('getActor failure reaches the framework', async () => {
    await withApp(adapter, createFixture(), async (call) => {
      const result = await call('GET', '/tokens', { headers: { 'x-session-fails': '1' } });
      expect(result.status).toBe(500);
      expect(result.text).not.toContain('UNAUTHENTICATED');
    });
  });
});

describe('token management across adapters', () => {
  const requests: [string, string, CallOptions][] = [
    ['POST', '/tokens', { json: { name: 'CI', expiresIn: 'never', extra: true } }],
    ['POST', '/tokens', { body: '{oops', contentType: 'application/json' }],
    ['POST', '/tokens', { body: 'x', contentType: 'text/plain' }],
    ['POST', '/tokens', { actor: VIEWER, json: { name: 'CI', expiresIn: 'never' } }],
    ['GET', '/tokens?limit=500', {}],
    ['GET', '/tokens/missing-token', {}],
    ['DELETE', '/tokens/missing-token', { actor: null }],
  ];

  it('error responses are identical', async () => {
    const bodies = await Promise.all(
      ADAPTERS.map(async (adapter) => {
        const results: string[] = [];
        await withApp(adapter, createFixture(), async (call) => {
          for (const [method, path, options] of requests) {
            const result = await call(method, path, options);
            results.push(`${result.status} ${result.headers.get('content-type')} ${result.headers.get('cache-control')} ${result.text}`);
          }
        });
        return results;
      }),
    );
    expect(bodies[0]).toHaveLength(requests.length);
    for (const [index, adapter] of ADAPTERS.entries()) expect(bodies[index], adapter).toEqual(bodies[0]);
  });

  it('body with a byte order mark is read alike', async () => {
    const statuses = await Promise.all(
      ADAPTERS.map(async (adapter) => {
        let status = 0;
        await withApp(adapter, createFixture(), async (call) => {
          status = (await call('POST', '/tokens', { body: '\ufeff{"name":"CI","expiresIn":"never"}', contentType: 'application/json' })).status;
        });
        return status;
      }),
    );
    for (const [index, adapter] of ADAPTERS.entries()) expect(statuses[index], adapter).toBe(201);
  });

  it('body edge cases are identical', async () => {
    const signedIn: RawHeader[] = [
      ['X-Org-Id', ADMIN.orgId],
      ['X-User-Id', ADMIN.userId],
    ];
    const json: RawHeader = ['Content-Type', 'application/json'];
    const responses = await Promise.all(
      ADAPTERS.map(async (adapter) => {
        const app = await startManagementApp(adapter, createFixture().apiTokens);
        try {
          const withoutContentType = await sendRaw(app.port, { method: 'POST', path: `${MANAGEMENT_PREFIX}/tokens`, headers: signedIn, body: '{"name":"CI","expiresIn":"never"}' });
          const emptyJson = await sendRaw(app.port, { method: 'POST', path: `${MANAGEMENT_PREFIX}/tokens`, headers: [...signedIn, json], body: '' });
          const noBody = await sendRaw(app.port, { method: 'POST', path: `${MANAGEMENT_PREFIX}/tokens/missing/deactivate`, headers: [...signedIn, json] });
          return [withoutContentType, emptyJson, noBody].map((response) => `${response.status} ${response.body.toString('utf8')}`);
        } finally {
          await app.close();
        }
      }),
    );
    expect(responses[0]![0]).toMatch(/^415 .*"UNSUPPORTED_MEDIA_TYPE"/);
    expect(responses[0]![1]).toMatch(/^400 .*"field":"body"/);
    expect(responses[0]![2]).toMatch(/^404 .*"NOT_FOUND"/);
    for (const [index, adapter] of ADAPTERS.entries()) expect(responses[index], adapter).toEqual(responses[0]);
  });
});
