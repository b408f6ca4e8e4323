// An Express server with API tokens: GET /v1/documents accepts a token that has
// documents:read, and /account/tokens lets signed-in users manage their tokens.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type Database from 'better-sqlite3';
import type { ApiTokens } from 'api-tokens';
import { apiTokenAuth, requirePermission, tokenManagement } from 'api-tokens/express';
import { findActor, listDocuments } from '../common/directory.js';
import { setUp, type RunningExample, type StartOptions } from '../common/setup.js';

export function createApp(apiTokens: ApiTokens, db: Database.Database): express.Express {
  const app = express();

  // Management endpoints for signed-in users. X-User-Id is a stand-in for real sessions.
  app.use('/account', tokenManagement(apiTokens, { getActor: (req) => findActor(db, req.get('x-user-id'), req.get('x-org-id')) }));

  // The API, for tokens: X-API-Key or Authorization: Bearer.
  app.use('/v1', apiTokenAuth(apiTokens, { bearer: true }));
  app.get('/v1/documents', requirePermission('documents:read'), (req, res) => {
    res.json({ items: listDocuments(db, req.apiToken!.orgId) });
  });

  return app;
}

/** Starts the example; rejects with the listen error (such as `EADDRINUSE`) when the port is taken. */
export async function startServer(options: StartOptions = {}): Promise<RunningExample> {
  const { db, apiTokens } = await setUp(options.databaseFile);
  const server = createApp(apiTokens, db).listen(options.port ?? 3000, options.host ?? '127.0.0.1');
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
        server.closeAllConnections();
      });
      await apiTokens.flush();
      db.close();
    },
  };
}
