// One table of requests, sent over real HTTP to an Express, a Fastify and a Hono app built
// the same way. Every row checks the expected response on each adapter and that the three
// responses are identical: status, body bytes and the headers this library sets.
import { describe, expect, it } from 'vitest';
import { authenticateRequest, resolveHttpOptions, type HttpAuthOptions, type ProblemCode } from '../../src/index.js';
import { ADAPTERS, startDocumentsApp, type AdapterName } from './support/apps.js';
import { ADMIN, createFixture, memberKey, START, type Fixture, type FixtureOptions } from './support/fixture.js';
import { header, sendRaw, type RawHeader, type RawResponse } from './support/raw-http.js';

const CHALLENGE = 'ApiKey realm="api", header="X-API-Key"';
const INVALID_TOKEN_CHALLENGE = `${CHALLENGE}, error="invalid_token"`;
const INVALID_REQUEST_CHALLENGE = `${CHALLENGE}, error="invalid_request"`;
const BEARER_CHALLENGE = `${CHALLENGE}, Bearer realm="api"`;
const BEARER_INVALID_REQUEST_CHALLENGE = `${INVALID_REQUEST_CHALLENGE}, Bearer realm="api", error="invalid_request"`;

// The fixture clock starts on a full hour, so the hourly window ends one hour later.
const HOUR_RESET = String(START.getTime() / 1000 + 3600);

/** The headers this library sets; the table compares them across adapters. */
const LIBRARY_HEADERS = [
  'content-type',
  'cache-control',
  'www-authenticate',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'ratelimit-policy',
  'ratelimit',
];

interface Expected {
  status: number;
  /** The problem `code`, or `null` for a 200. */
  code: ProblemCode | null;
  /** The `WWW-Authenticate` value, or `null` when there must be none. */
  challenge: string | null;
  /** Further headers and their values; `null` means absent. */
  headers?: Record<string, string | null>;
}

interface Row {
  name: string;
  options?: HttpAuthOptions;
  fixture?: FixtureOptions;
  /** Puts the fixture in the row's state and returns the request's header lines. */
  arrange(fixture: Fixture): Promise<RawHeader[]>;
  expected: Expected;
}

const ok = (headers: Record<string, string | null> = {}): Expected => ({
  status: 200,
  code: null,
  challenge: null,
  headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': HOUR_RESET, ...headers },
});
const missing = (challenge = CHALLENGE): Expected => ({ status: 401, code: 'MISSING_API_KEY', challenge });
const invalidToken: Expected = { status: 401, code: 'INVALID_API_KEY', challenge: INVALID_TOKEN_CHALLENGE };
const invalidRequest = (challenge = INVALID_REQUEST_CHALLENGE): Expected => ({ status: 400, code: 'INVALID_REQUEST', challenge });
const unavailable: Expected = { status: 503, code: 'SERVICE_UNAVAILABLE', challenge: null };

async function validToken(fixture: Fixture): Promise<string> {
  return (await fixture.createToken()).token;
}

const apiKey = (value: string | Buffer): RawHeader[] => [['X-API-Key', value]];

const REJECTED_TOKEN_ROWS: Row[] = [
  {
    name: 'malformed token',
    arrange: async () => apiKey('acme_notavalidtoken'),
    expected: invalidToken,
  },
  {
    name: 'unknown token',
    arrange: async (fixture) => apiKey(await fixture.unknownToken()),
    expected: invalidToken,
  },
  {
    name: 'deactivated token',
    arrange: async (fixture) => {
      const { token, id } = await fixture.createToken();
      await fixture.apiTokens.deactivate(ADMIN, id);
      return apiKey(token);
    },
    expected: invalidToken,
  },
  {
    name: 'expired token',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      fixture.clock.now = new Date('2026-04-01T12:00:00.000Z');
      return apiKey(token);
    },
    expected: invalidToken,
  },
  {
    name: 'creator removed from organization',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      fixture.members.delete(memberKey(ADMIN.orgId, ADMIN.userId));
      return apiKey(token);
    },
    expected: invalidToken,
  },
];

const ROWS: Row[] = [
  { name: 'missing credential', arrange: async () => [], expected: missing() },
  { name: 'empty X-API-Key header', arrange: async () => apiKey(''), expected: missing() },
  { name: 'valid token', arrange: async (fixture) => apiKey(await validToken(fixture)), expected: ok() },
  ...REJECTED_TOKEN_ROWS,
  {
    name: 'plan without API access',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      fixture.organizations.set(ADMIN.orgId, { plan: 'free' });
      return apiKey(token);
    },
    expected: { status: 403, code: 'PLAN_NOT_ALLOWED', challenge: null },
  },
  {
    name: 'missing permission',
    arrange: async (fixture) => apiKey((await fixture.createToken(ADMIN, { scopes: ['documents:write'] })).token),
    expected: { status: 403, code: 'INSUFFICIENT_PERMISSION', challenge: null, headers: { 'x-ratelimit-remaining': '99' } },
  },
  {
    name: 'repeated X-API-Key header lines',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      return [...apiKey(token), ...apiKey(token)];
    },
    expected: invalidRequest(),
  },
  {
    name: 'two different X-API-Key lines',
    arrange: async (fixture) => [...apiKey(await fixture.unknownToken()), ...apiKey(await validToken(fixture))],
    expected: invalidRequest(),
  },
  {
    name: 'inner space in token',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      return apiKey(`${token.slice(0, 20)} ${token.slice(20)}`);
    },
    expected: invalidRequest(),
  },
  {
    name: 'inner tab in token',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      return apiKey(`${token.slice(0, 20)}\t${token.slice(20)}`);
    },
    expected: invalidRequest(),
  },
  {
    name: 'Bearer word inside X-API-Key',
    arrange: async (fixture) => apiKey(`Bearer ${await validToken(fixture)}`),
    expected: invalidRequest(),
  },
  {
    name: 'non-ASCII bytes in token',
    arrange: async (fixture) => apiKey(Buffer.concat([Buffer.from(await validToken(fixture)), Buffer.from([0xc3, 0xa9])])),
    expected: invalidRequest(),
  },
  {
    name: '10 KB header value',
    arrange: async () => apiKey('a'.repeat(10 * 1024)),
    expected: invalidRequest(),
  },
  {
    name: 'surrounding whitespace is trimmed',
    arrange: async (fixture) => apiKey(` \t${await validToken(fixture)} \t `),
    expected: ok(),
  },
  {
    name: 'token store down',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      fixture.failures.store = true;
      return apiKey(token);
    },
    expected: unavailable,
  },
  {
    name: 'directory down',
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      fixture.failures.directory = true;
      return apiKey(token);
    },
    expected: unavailable,
  },
  {
    name: 'rate limit exceeded',
    fixture: { rateLimit: { limit: 1, windowSeconds: 60 } },
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      const result = await fixture.apiTokens.verify(token);
      if (result.valid) await fixture.apiTokens.consumeRateLimit(result.auth);
      return apiKey(token);
    },
    expected: {
      status: 429,
      code: 'RATE_LIMITED',
      challenge: null,
      headers: { 'retry-after': '60', 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(START.getTime() / 1000 + 60) },
    },
  },
  {
    name: 'IETF rate-limit fields when enabled',
    options: { ietfHeaders: true },
    arrange: async (fixture) => apiKey(await validToken(fixture)),
    expected: ok({ 'ratelimit-policy': '"default";q=100;w=3600', ratelimit: '"default";r=99;t=3600' }),
  },
  {
    name: 'Authorization ignored without bearer',
    arrange: async (fixture) => [['Authorization', `Bearer ${await validToken(fixture)}`]],
    expected: missing(),
  },
  {
    name: 'Authorization Bearer with bearer enabled',
    options: { bearer: true },
    arrange: async (fixture) => [['Authorization', `Bearer ${await validToken(fixture)}`]],
    expected: ok(),
  },
  {
    name: 'lowercase bearer scheme accepted',
    options: { bearer: true },
    arrange: async (fixture) => [['Authorization', `bearer ${await validToken(fixture)}`]],
    expected: ok(),
  },
  {
    name: 'other Authorization scheme ignored',
    options: { bearer: true },
    arrange: async () => [['Authorization', 'Basic dXNlcjpwYXNzd29yZA==']],
    expected: missing(BEARER_CHALLENGE),
  },
  {
    name: 'both credentials sent',
    options: { bearer: true },
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      return [...apiKey(token), ['Authorization', `Bearer ${token}`]];
    },
    expected: invalidRequest(BEARER_INVALID_REQUEST_CHALLENGE),
  },
  {
    name: 'repeated Authorization header lines',
    options: { bearer: true },
    arrange: async (fixture) => {
      const token = await validToken(fixture);
      return [
        ['Authorization', `Bearer ${token}`],
        ['Authorization', `Bearer ${token}`],
      ];
    },
    expected: invalidRequest(BEARER_INVALID_REQUEST_CHALLENGE),
  },
];

interface AdapterResult {
  adapter: AdapterName;
  response: RawResponse;
  tokens: readonly string[];
}

// Each adapter gets its own fixture and app, so rate-limit counters and state changes of one
// cannot show up in another's response.
async function send(row: Row, adapter: AdapterName): Promise<AdapterResult> {
  const fixture = createFixture(row.fixture);
  const headers = await row.arrange(fixture);
  const app = await startDocumentsApp(adapter, fixture.apiTokens, row.options);
  try {
    const response = await sendRaw(app.port, { path: '/documents', headers });
    return { adapter, response, tokens: fixture.tokens };
  } finally {
    await app.close();
  }
}

function sendToAll(row: Row): Promise<AdapterResult[]> {
  return Promise.all(ADAPTERS.map((adapter) => send(row, adapter)));
}

/** The parts of a response that must be identical on every adapter. */
function comparable(response: RawResponse): Record<string, unknown> {
  const parts: Record<string, unknown> = { status: response.status, body: response.body.toString('latin1') };
  for (const name of LIBRARY_HEADERS) parts[name] = header(response, name);
  return parts;
}

function expectNoTokenIn(result: AdapterResult): void {
  const raw = result.response.raw.toString('latin1');
  for (const token of result.tokens) {
    expect(raw, `${result.adapter} response contains a token value`).not.toContain(token);
    expect(raw, `${result.adapter} response contains the token's random part`).not.toContain(token.slice(5, 30));
  }
}

function expectRow(results: AdapterResult[], expected: Expected): void {
  for (const result of results) {
    const { adapter, response } = result;
    expect(response.status, `${adapter} status`).toBe(expected.status);
    expect(header(response, 'www-authenticate'), `${adapter} WWW-Authenticate`).toBe(expected.challenge);
    for (const [name, value] of Object.entries(expected.headers ?? {})) {
      expect(header(response, name), `${adapter} ${name}`).toBe(value);
    }
    if (expected.code !== null) {
      expect(header(response, 'content-type'), `${adapter} content-type`).toBe('application/problem+json');
      expect(header(response, 'cache-control'), `${adapter} cache-control`).toBe('no-store');
      const body = JSON.parse(response.body.toString('utf8')) as { code: string; status: number; type: string };
      expect(body.code, `${adapter} problem code`).toBe(expected.code);
      expect(body.status, `${adapter} problem status`).toBe(expected.status);
      expect(body.type, `${adapter} problem type`).toBe('about:blank');
    }
    expectNoTokenIn(result);
  }

  const [first, ...others] = results;
  for (const other of others) {
    expect(comparable(other.response), `${other.adapter} differs from ${first!.adapter}`).toEqual(comparable(first!.response));
  }
}

describe('authentication on every adapter', () => {
  it.each(ROWS)('$name', async (row) => {
    expectRow(await sendToAll(row), row.expected);
  });

  it('valid token reaches the handler', async () => {
    const results = await sendToAll(ROWS.find((row) => row.name === 'valid token')!);
    for (const { adapter, response } of results) {
      const body = JSON.parse(response.body.toString('utf8')) as { orgId: string; userId: string };
      expect(body, adapter).toEqual({ orgId: ADMIN.orgId, userId: ADMIN.userId, permissions: ['documents:read', 'documents:write', 'tokens:admin'] });
    }
  });

  it('rejected tokens get byte-identical responses', async () => {
    const results = (await Promise.all(REJECTED_TOKEN_ROWS.map(sendToAll))).flat();
    const [first, ...others] = results;
    expect(results).toHaveLength(REJECTED_TOKEN_ROWS.length * ADAPTERS.length);
    for (const other of others) {
      expect(other.response.status).toBe(401);
      expect(comparable(other.response)).toEqual(comparable(first!.response));
    }
    expect(JSON.parse(first!.response.body.toString('utf8'))).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Invalid API key',
      code: 'INVALID_API_KEY',
    });
  });

  it('unknown HTTP option throws TypeError', async () => {
    const { apiTokens } = createFixture();
    expect(() => resolveHttpOptions({ bearr: true } as never)).toThrow(new TypeError('options.bearr is not an option; expected header, bearer, realm or ietfHeaders'));
    await expect(authenticateRequest(apiTokens, {}, { realn: 'api' } as never)).rejects.toThrow(/options\.realn is not an option/);
  });

  it('token value never appears in responses', async () => {
    const results = (await Promise.all(ROWS.map(sendToAll))).flat();
    const tokens = results.flatMap((result) => result.tokens);
    expect(tokens.length).toBeGreaterThan(ROWS.length);
    for (const result of results) expectNoTokenIn(result);
  });
});
