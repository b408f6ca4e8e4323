// One app instance for the multi-process tests: a plain node:http server that authenticates
// with `authenticateRequest`, over a PostgreSQL token store, Redis rate limits and Redis
// cache invalidation. The test bundles this file and starts it several times with `node`.
//
// Configuration comes from the environment (see `readConfig`). The instance prints one JSON
// line `{"port": n}` on stdout once it listens and its invalidation channel is subscribed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { authenticateRequest, createApiTokens, type ApiTokens } from '../../src/index.js';
import { RedisCacheInvalidation, RedisRateLimitStore } from '../../src/redis/index.js';
import { SqlTokenStore } from '../../src/sql/index.js';
import { ACTOR, makeDirectory } from './api-tokens.js';

interface InstanceConfig {
  postgresUrl: string;
  table: string;
  redisUrl: string;
  redisPrefix: string;
  /** Requests allowed per token in one window. */
  limit: number;
  /** The instant every instance's clock returns, so all of them count in one window. */
  clockMs: number;
}

function readConfig(): InstanceConfig {
  const env = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new Error(`instance: environment variable ${name} is missing`);
    return value;
  };
  return {
    postgresUrl: env('INSTANCE_POSTGRES_URL'),
    table: env('INSTANCE_TABLE'),
    redisUrl: env('INSTANCE_REDIS_URL'),
    redisPrefix: env('INSTANCE_REDIS_PREFIX'),
    limit: Number(env('INSTANCE_LIMIT')),
    clockMs: Number(env('INSTANCE_CLOCK_MS')),
  };
}

const config = readConfig();
const pool = new pg.Pool({ connectionString: config.postgresUrl, max: 5 });
const redisOptions = { commandTimeout: 2_000, maxRetriesPerRequest: 1 };
const redis = new Redis(config.redisUrl, redisOptions);
const subscriber = new Redis(config.redisUrl, redisOptions);
const invalidation = new RedisCacheInvalidation(redis, subscriber, { channel: `${config.redisPrefix}invalidate` });

const apiTokens = createApiTokens({
  store: SqlTokenStore.postgres(pool, { table: config.table }),
  prefix: 'test',
  directory: makeDirectory(),
  rateLimits: {
    plans: { business: { limit: config.limit, windowSeconds: 3600 } },
    store: new RedisRateLimitStore(redis, { prefix: `${config.redisPrefix}rl:` }),
  },
  cache: { ttlMs: 60_000 }, invalidation,
  clock: () => new Date(config.clockMs),
  onEvent: (event) => {
    if (!('error' in event)) return;
    const tokenId = 'tokenId' in event ? event.tokenId : null;
    console.error(`instance event: ${event.type} tokenId=${tokenId}`, event.error);
  },
});

// Routes: GET /api/whoami needs a token. POST /admin/tokens creates one, and
// POST /admin/tokens/:id/revoke revokes one, both as the test organization's admin.
async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');

  if (request.method === 'GET' && url.pathname === '/api/whoami') {
    const outcome = await authenticateRequest(apiTokens, request.headersDistinct);
    if (!outcome.ok) return send(response, outcome.status, outcome.body, outcome.headers);
    return send(response, 200, { tokenId: outcome.auth.tokenId }, outcome.headers);
  }

  if (request.method === 'POST' && url.pathname === '/admin/tokens') {
    const { token, info } = await apiTokens.create(ACTOR, { name: 'multi-process test', expiresIn: 'never' });
    return send(response, 201, { token, id: info.id });
  }

  const revoke = /^\/admin\/tokens\/([^/]+)\/revoke$/.exec(url.pathname);
  if (request.method === 'POST' && revoke !== null) {
    await apiTokens.revoke(ACTOR, decodeURIComponent(revoke[1]!));
    return send(response, 204);
  }

  send(response, 404, { error: 'not found' });
}

function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error('instance: request failed', error);
    if (!response.headersSent) send(response, 500, { error: 'internal error' });
  });
});

async function shutDown(apiTokens: ApiTokens): Promise<void> {
  server.close();
  await apiTokens.flush();
  await invalidation.close();
  await Promise.allSettled([redis.quit(), subscriber.quit(), pool.end()]);
  process.exit(0);
}

process.on('SIGTERM', () => void shutDown(apiTokens));

await invalidation.ready();
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port }));
});
