// A Fastify server with API tokens: GET /v1/documents accepts a token that has
// documents:read, and /account/tokens lets signed-in users manage their tokens.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type Database from 'better-sqlite3';
import type { ApiTokens } from 'api-tokens';
import { apiTokenAuth, requirePermission, tokenManagement } from 'api-tokens/fastify';
import { findActor, listDocuments } from '../common/directory.js';
import { setUp, type RunningExample, type StartOptions } from '../common/setup.js';

export function createApp(apiTokens: ApiTokens, db: Database.Database): FastifyInstance {
  const app = Fastify();

  // Management endpoints for signed-in users. X-User-Id is a stand-in for real sessions.
  app.register(tokenManagement, {
    prefix: '/account',
    apiTokens,
    getActor: (request) => findActor(db, request.headers['x-user-id'] as string | undefined, request.headers['x-org-id'] as string | undefined),
  });

  // The API, for tokens. The plugin protects every route of the context it is registered
  // in, so it lives in a child context with the API routes and leaves /account alone.
  app.register(
    async (api) => {
      await api.register(apiTokenAuth, { apiTokens, bearer: true });
      api.get('/documents', { onRequest: requirePermission('documents:read') }, async (request) => {
        return { items: listDocuments(db, request.apiToken!.orgId) };
      });
    },
    { prefix: '/v1' },
  );

  return app;
}

/** Starts the example; rejects with the listen error (such as `EADDRINUSE`) when the port is taken. */
export async function startServer(options: StartOptions = {}): Promise<RunningExample> {
  const { db, apiTokens } = await setUp(options.databaseFile);
  const app = createApp(apiTokens, db);
  try {
    await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await app.close();
    db.close();
    throw error;
  }

  const { address, port } = app.server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    db,
    apiTokens,
    async close() {
      await app.close();
      await apiTokens.flush();
      db.close();
    },
  };
}
