import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import * as expressAdapter from '../../../src/express.js';
import * as fastifyAdapter from '../../../src/fastify.js';
import * as honoAdapter from '../../../src/hono.js';
import type { ApiTokens, HttpAuthOptions } from '../../../src/index.js';

// `express4` is Express 4 with the same adapter; the others run their current major version.
export const ADAPTERS = ['express', 'express4', 'fastify', 'hono'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export interface RunningApp {
  port: number;
  close(): Promise<void>;
}

/** The body every adapter's protected route responds with, built the same way by all three. */
export function documentsBody(auth: { orgId: string; userId: string; permissions: readonly string[] }): string {
  return JSON.stringify({ orgId: auth.orgId, userId: auth.userId, permissions: auth.permissions });
}

/**
 * Starts an app of the adapter on 127.0.0.1, port 0, with one route: `GET /documents`,
 * protected by `apiTokenAuth` and `requirePermission('documents:read')`.
 */
export function startDocumentsApp(adapter: AdapterName, apiTokens: ApiTokens, options: HttpAuthOptions = {}): Promise<RunningApp> {
  switch (adapter) {
    case 'express':
    case 'express4': {
      const app = adapter === 'express' ? express() : express4();
      app.get('/documents', expressAdapter.apiTokenAuth(apiTokens, options), expressAdapter.requirePermission('documents:read'), (req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(documentsBody(req.apiToken!));
      });
      return listenNode(app.listen(0, '127.0.0.1'));
    }
    case 'fastify': {
      const app = Fastify();
      app.register(async (api) => {
        await api.register(fastifyAdapter.apiTokenAuth, { apiTokens, ...options });
        api.get('/documents', { onRequest: fastifyAdapter.requirePermission('documents:read') }, async (request, reply) => {
          // A Buffer keeps the content type as set; Fastify adds a charset to a JSON string.
          return reply.header('content-type', 'application/json').send(Buffer.from(documentsBody(request.apiToken!)));
        });
      });
      return listenFastify(app);
    }
    case 'hono': {
      const app = new Hono<{ Variables: honoAdapter.Variables }>();
      app.get('/documents', honoAdapter.apiTokenAuth(apiTokens, options), honoAdapter.requirePermission('documents:read'), (c) => {
        return c.body(documentsBody(c.var.apiToken), 200, { 'content-type': 'application/json' });
      });
      return listenHono(app);
    }
  }
}

/** Waits until a Node server listens, and returns its port and a close function. */
export async function listenNode(server: Server): Promise<RunningApp> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve).once('error', reject);
    });
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export async function listenFastify(app: ReturnType<typeof Fastify>): Promise<RunningApp> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

export function listenHono(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<RunningApp> {
  return listenNode(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
}

/** The prefix the management endpoints are mounted under in the test apps. */
export const MANAGEMENT_PREFIX = '/account';

/**
 * Reads the test's stand-in for a session: `X-Org-Id` and `X-User-Id` headers. A request
 * with `X-Session-Fails` makes the lookup throw, as a session store that is down would.
 */
function actorFromHeaders(get: (name: string) => string | undefined): { orgId: string; userId: string } | null {
  if (get('x-session-fails') !== undefined) throw new Error('session store offline');
  const orgId = get('x-org-id');
  const userId = get('x-user-id');
  return orgId === undefined || userId === undefined ? null : { orgId, userId };
}

/** Starts an app of the adapter on 127.0.0.1, port 0, with the management endpoints under {@link MANAGEMENT_PREFIX}. */
export function startManagementApp(adapter: AdapterName, apiTokens: ApiTokens): Promise<RunningApp> {
  switch (adapter) {
    case 'express':
    case 'express4': {
      const app = adapter === 'express' ? express() : express4();
      app.use(MANAGEMENT_PREFIX, expressAdapter.tokenManagement(apiTokens, { getActor: (req) => actorFromHeaders((name) => req.get(name)) }));
      return listenNode(app.listen(0, '127.0.0.1'));
    }
    case 'fastify': {
      const app = Fastify();
      app.register(fastifyAdapter.tokenManagement, {
        prefix: MANAGEMENT_PREFIX,
        apiTokens,
        getActor: (request) => actorFromHeaders((name) => request.headers[name] as string | undefined),
      });
      return listenFastify(app);
    }
    case 'hono': {
      const app = new Hono();
      // Hono's default error handler logs the error; the tests only need the 500.
      app.onError((_error, c) => c.text('Internal Server Error', 500));
      app.route(MANAGEMENT_PREFIX, honoAdapter.tokenManagement(apiTokens, { getActor: (c) => actorFromHeaders((name) => c.req.header(name)) }));
      return listenHono(app);
    }
  }
}
