import { Hono } from 'hono';
import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import * as honoAdapter from '../../src/hono.js';
import * as expressAdapter from '../../src/express.js';
import * as fastifyAdapter from '../../src/fastify.js';
import { ADAPTERS, listenHono, listenNode, listenFastify, startManagementApp, startDocumentsApp, MANAGEMENT_PREFIX } from '../http/support/apps.js';
import { ADMIN, createFixture } from '../http/support/fixture.js';
import { sendRaw } from '../http/support/raw-http.js';

describe('probe', () => {
  it('hono raw response headers', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    const app = new Hono<{ Variables: honoAdapter.Variables }>();
    app.get('/raw', honoAdapter.apiTokenAuth(fixture.apiTokens), () => new Response('raw'));
    const server = await listenHono(app);
    const r = await fetch(`http://127.0.0.1:${server.port}/raw`, { headers: { 'x-api-key': token } });
    console.log('hono raw', r.status, [...r.headers]);
    await server.close();
  });

  it('management weird ids', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    for (const adapter of ADAPTERS) {
      const app = await startManagementApp(adapter, fixture.apiTokens);
      for (const path of ['/tokens/%ZZ', `/tokens/${'a'.repeat(300)}`, `/tokens/${token}!`, `/tokens/${token}%20`, '/tokens/%00', '/tokens/a%2Fb', '/tokens?limit=1&limit=2', '/tokens?cursor=%25', '/tokens?cursor=' + 'A'.repeat(600), '/tokens?scope=bogus', '/tokens?limit=1e2', '/tokens?%ZZ=1', '/tokens/', '/tokens//deactivate']) {
        const r = await sendRaw(app.port, { path: MANAGEMENT_PREFIX + path, headers: [['x-org-id', ADMIN.orgId], ['x-user-id', ADMIN.userId]] });
        console.log(adapter, path.slice(0, 40), r.status, r.body.toString().slice(0, 200).replaceAll(token, '<TOKEN>'), r.body.includes(token) ? 'LEAK' : '');
      }
      await app.close();
    }
  });

  it('auth weird headers', async () => {
    const fixture = createFixture();
    const { token } = await fixture.createToken();
    for (const adapter of ADAPTERS) {
      const app = await startDocumentsApp(adapter, fixture.apiTokens, { bearer: true });
      const cases: [string, [string, string | Buffer][]][] = [
        ['two auth', [['Authorization', `Bearer ${token}`], ['Authorization', `Bearer ${token}`]]],
        ['basic then bearer', [['Authorization', `Basic abc`], ['Authorization', `Bearer ${token}`]]],
        ['bearer then basic', [['Authorization', `Bearer ${token}`], ['Authorization', `Basic abc`]]],
        ['del char', [['X-API-Key', `${token}\x7f`]]],
        ['x-api-key + empty x-api-key', [['X-API-Key', token], ['X-API-Key', '']]],
        ['empty then key', [['X-API-Key', ''], ['X-API-Key', token]]],
        ['bearer tab', [['Authorization', `Bearer\t${token}`]]],
        ['bearer 2 spaces', [['Authorization', `Bearer  ${token}`]]],
        ['x-api-key with leading tab', [['X-API-Key', `\t${token}`]]],
        ['latin1', [['X-API-Key', Buffer.from(token + '\xe9', 'latin1')]]],
        ['utf8', [['X-API-Key', Buffer.from(token + 'é', 'utf8')]]],
        ['x-api-key case', [['x-api-KEY', token]]],
      ];
      for (const [name, headers] of cases) {
        const r = await sendRaw(app.port, { path: '/documents', headers });
        console.log(adapter, name, r.status, r.body.toString().slice(0, 120));
      }
      await app.close();
    }
  });
});
