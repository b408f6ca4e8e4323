import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis, type RedisOptions } from 'ioredis';
import { authenticateRequest, isApiTokenError, type ApiTokenError, type HttpRejection } from '../src/index.js';
import { RedisRateLimitStore } from '../src/redis/index.js';
import { issueToken, makeApiTokens } from './support/api-tokens.js';

// The tests recreate two ways Redis fails in production, on 127.0.0.1 and with timeouts so
// that neither can hang a test: nothing listens on the port, or a server accepts
// connections and never replies.
const clients: Redis[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function silentPort(): Promise<number> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

function connect(port: number, options: RedisOptions): Redis {
  const client = new Redis({ host: '127.0.0.1', port, retryStrategy: () => 50, ...options });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

// Returns a client pointed at a closed port, with ioredis settings that fail a command after one retry.
async function unreachableRedis(): Promise<Redis> {
  return connect(await closedPort(), { maxRetriesPerRequest: 1, connectTimeout: 500 });
}

// Returns a client whose server never replies. Skipping the ready check lets commands reach the
// socket, so they fail on the command timeout.
async function unresponsiveRedis(): Promise<Redis> {
  return connect(await silentPort(), { enableReadyCheck: false, commandTimeout: 200, maxRetriesPerRequest: 1 });
}

function apiTokensOver(client: Redis, failOpen?: boolean) {
  return makeApiTokens({
    rateLimits: {
      plans: { business: { limit: 100, windowSeconds: 60 } },
      store: new RedisRateLimitStore(client),
      ...(failOpen === undefined ? {} : { failOpen }),
    },
  });
}

describe('Redis failure during rate limiting', () => {
  it.each([
    ['unreachable', unreachableRedis],
    ['unresponsive', unresponsiveRedis],
  ])('%s Redis fails closed with 503', async (_name, redis) => {
    const { apiTokens, events } = apiTokensOver(await redis());
    const { token } = await issueToken(apiTokens);

    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token });

    expect(outcome.ok).toBe(false);
    const rejection = outcome as HttpRejection;
    expect(rejection.status).toBe(503);
    expect(rejection.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(isApiTokenError(rejection.error)).toBe(true);
    expect((rejection.error as ApiTokenError).code).toBe('RATE_LIMIT_UNAVAILABLE');
    expect(events.filter((event) => event.type === 'rate-limit.unavailable')).toMatchObject([{ failOpen: false }]);
  });

  it.each([
    ['unreachable', unreachableRedis],
    ['unresponsive', unresponsiveRedis],
  ])('%s Redis with failOpen lets through', async (_name, redis) => {
    const { apiTokens, events } = apiTokensOver(await redis(), true);
    const { token } = await issueToken(apiTokens);

    const outcome = await authenticateRequest(apiTokens, { 'x-api-key': token });

    expect(outcome.ok).toBe(true);
    expect(outcome.headers).toEqual({});
    expect(events.filter((event) => event.type === 'rate-limit.unavailable')).toMatchObject([{ failOpen: true }]);
  });

  it('503 body never contains the token', async () => {
    const { apiTokens } = apiTokensOver(await unreachableRedis());
    const { token } = await issueToken(apiTokens);

    const outcome = (await authenticateRequest(apiTokens, { 'x-api-key': token })) as HttpRejection;

    expect(outcome.status).toBe(503);
    expect(JSON.stringify(outcome.body)).not.toContain(token);
    expect(JSON.stringify(outcome.headers)).not.toContain(token);
  });
});
