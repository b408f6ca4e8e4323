import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/express.js';
import * as fastifyAdapter from '../../src/fastify.js';
import * as honoAdapter from '../../src/hono.js';
import { checkPermissions } from '../../src/http.js';
import { ADAPTERS, listenFastify, listenHono, listenNode, type AdapterName, type RunningApp } from './support/apps.js';
import { createFixture } from './support/fixture.js';

// A route with requirePermission but no apiTokenAuth in front of it is a setup mistake. It
// must not pass, and must not look like the client's fault (a 401 for a valid key).
function startWithoutAuth(adapter: AdapterName): Promise<RunningApp> {
  switch (adapter) {
    case 'express':
    case 'express4': {
      const app = adapter === 'express' ? express() : express4();
      app.get('/documents', expressAdapter.requirePermission('documents:read'), (_req, res) => {
        res.end('open');
      });
      // Express's default handler prints the stack; the test only needs the status.
      app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).end('Internal Server Error');
      });
      return listenNode(app.listen(0, '127.0.0.1'));
    }
    case 'fastify': {
      const app = Fastify();
      app.get('/documents', { onRequest: fastifyAdapter.requirePermission('documents:read') }, async () => 'open');
      return listenFastify(app);
    }
    case 'hono': {
      const app = new Hono<{ Variables: honoAdapter.Variables }>();
      app.onError((_error, c) => c.text('Internal Server Error', 500));
      app.get('/documents', honoAdapter.requirePermission('documents:read'), (c) => c.text('open'));
      return listenHono(app);
    }
  }
}

let running: RunningApp | null = null;

afterEach(async () => {
  await running?.close();
  running = null;
});

describe('requirePermission without apiTokenAuth', () => {
  it('checkPermissions throws without auth', () => {
    expect(() => checkPermissions(undefined, ['documents:read'])).toThrow(/add apiTokenAuth before requirePermission/);
  });

  it.each(ADAPTERS)('%s answers 500, never the handler', async (adapter) => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    running = await startWithoutAuth(adapter);

    const response = await fetch(`http://127.0.0.1:${running.port}/documents`, { headers: { 'x-api-key': token } });
    const body = await response.text();

    expect(response.status).toBe(500);
    expect(body).not.toContain('open');
    expect(body).not.toContain(token);
  });
});
