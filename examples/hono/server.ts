// A Hono server with API tokens: GET /v1/documents accepts a token that has
// documents:read, and /account/tokens lets signed-in users manage their tokens.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type Database from 'better-sqlite3';
import type { ApiTokens } from 'api-tokens';
import { apiTokenAuth, requirePermission, tokenManagement, type Variables } from 'api-tokens/hono';
import { findActor, listDocuments } from '../common/directory.js';
import { setUp, type RunningExample, type StartOptions } from '../common/setup.js';

export function createApp(apiTokens: ApiTokens, db: Database.Database): Hono<{ Variables: Variables }> {
  const app = new Hono<{ Variables: Variables }>();

  // Management endpoints for signed-in users. X-User-Id is a stand-in for real sessions.
  app.route('/account', tokenManagement(apiTokens, { getActor: (c) => findActor(db, c.req.header('x-user-id'), c.req.header('x-org-id')) }));

  // The API, for tokens: X-API-Key or Authorization: Bearer.
  app.use('/v1/*', apiTokenAuth(apiTokens, { bearer: true }));
  app.get('/v1/documents', requirePermission('documents:read'), (c) => c.json({ items: listDocuments(db, c.var.apiToken.orgId) }));

  return app;
}

/** Starts the example; rejects with the listen error (such as `EADDRINUSE`) when the port is taken. */
export async function startServer(options: StartOptions = {}): Promise<RunningExample> {
  const { db, apiTokens } = await setUp(options.databaseFile);
  const server = serve({ fetch: createApp(apiTokens, db).fetch, port: options.port ?? 3000, hostname: options.host ?? '127.0.0.1' });
  try {
    await once(server, 'listening');
  } catch (error) {
    db.close();
    throw error;
  }

  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    db,
    apiTokens,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server).closeAllConnections();
      });
      await apiTokens.flush();
      db.close();
    },
  };
}
