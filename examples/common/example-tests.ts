// The tests every example runs: start it on port 0 with an in-memory database and call it
// over HTTP as a client would.
import { describe, expect, it } from 'vitest';
import { SEED_USERS, setMembership } from './directory.js';
import type { RunningExample, StartOptions } from './setup.js';

async function withExample(startServer: (options?: StartOptions) => Promise<RunningExample>, run: (example: RunningExample) => Promise<void>): Promise<void> {
  const example = await startServer({ port: 0 });
  try {
    await run(example);
  } finally {
    await example.close();
  }
}

async function createToken(example: RunningExample, userId: string): Promise<Response> {
  return fetch(`${example.url}/account/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': userId },
    body: JSON.stringify({ name: 'example test', expiresIn: '1-month' }),
  });
}

async function tokenOf(response: Response): Promise<string> {
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function problemCode(response: Response): Promise<string> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return ((await response.json()) as { code: string }).code;
}

/** Registers the shared example tests for one framework's `startServer`. */
export function testExample(name: string, startServer: (options?: StartOptions) => Promise<RunningExample>): void {
  describe(`${name} example`, () => {
    it('created token reads documents', async () => {
      await withExample(startServer, async (example) => {
        const token = await tokenOf(await createToken(example, SEED_USERS.admin));

        const response = await fetch(`${example.url}/v1/documents`, { headers: { 'x-api-key': token } });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
        expect(await response.json()).toEqual({
          items: [
            { id: 'doc_1', title: 'Quarterly report' },
            { id: 'doc_2', title: 'Product roadmap' },
          ],
        });

        const bearer = await fetch(`${example.url}/v1/documents`, { headers: { authorization: `Bearer ${token}` } });
        expect(bearer.status).toBe(200);
      });
    });

    it('wrong token gets 401', async () => {
      await withExample(startServer, async (example) => {
        const wrong = await fetch(`${example.url}/v1/documents`, { headers: { 'x-api-key': 'acme_wrong' } });
        expect(wrong.status).toBe(401);
        expect(await problemCode(wrong)).toBe('INVALID_API_KEY');

        const missing = await fetch(`${example.url}/v1/documents`);
        expect(missing.status).toBe(401);
        expect(await problemCode(missing)).toBe('MISSING_API_KEY');
      });
    });

    it('viewer may not create tokens', async () => {
      await withExample(startServer, async (example) => {
        const response = await createToken(example, SEED_USERS.viewer);
        expect(response.status).toBe(403);
        expect(await problemCode(response)).toBe('FORBIDDEN');
      });
    });

    it('token of demoted member gets 403', async () => {
      await withExample(startServer, async (example) => {
        const token = await tokenOf(await createToken(example, SEED_USERS.editor));
        setMembership(example.db, 'org_acme', SEED_USERS.editor, 'Viewer', []);

        const response = await fetch(`${example.url}/v1/documents`, { headers: { 'x-api-key': token } });
        expect(response.status).toBe(403);
        expect(await problemCode(response)).toBe('INSUFFICIENT_PERMISSION');
      });
    });

    it('tokens are stored as digests', async () => {
      await withExample(startServer, async (example) => {
        const token = await tokenOf(await createToken(example, SEED_USERS.admin));

        const listed = await fetch(`${example.url}/account/tokens`, { headers: { 'x-user-id': SEED_USERS.admin } });
        const page = (await listed.json()) as { items: { suffix: string }[] };
        expect(page.items.map((item) => item.suffix)).toEqual([token.slice(-4)]);

        const rows = example.db.prepare('SELECT * FROM api_tokens').all();
        expect(rows).toHaveLength(1);
        expect(JSON.stringify(rows)).not.toContain(token);
      });
    });

    it('revoked token gets 401', async () => {
      await withExample(startServer, async (example) => {
        const created = await createToken(example, SEED_USERS.admin);
        const { token, info } = (await created.json()) as { token: string; info: { id: string } };

        const revoked = await fetch(`${example.url}/account/tokens/${info.id}`, { method: 'DELETE', headers: { 'x-user-id': SEED_USERS.admin } });
        expect(revoked.status).toBe(204);

        const response = await fetch(`${example.url}/v1/documents`, { headers: { 'x-api-key': token } });
        expect(response.status).toBe(401);
      });
    });

    it('signed-out management gets 401', async () => {
      await withExample(startServer, async (example) => {
        const response = await fetch(`${example.url}/account/tokens`);
        expect(response.status).toBe(401);
        expect(await problemCode(response)).toBe('UNAUTHENTICATED');
      });
    });
  });
}
