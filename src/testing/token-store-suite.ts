import assert from 'node:assert/strict';
import type { TokenRecord, TokenStore } from '../store.js';
import { resolveRunner, type SuiteRunner } from './runner.js';

/** Options of {@link testTokenStore}. */
export interface TokenStoreSuiteOptions extends SuiteRunner {
  /** A name for the `describe` block, such as `'PostgreSQL'`. */
  name?: string;
  /** Returns the store under test. Called once per test; tests use fresh ids, so one shared store is fine. */
  createStore(): TokenStore | Promise<TokenStore>;
}

/**
 * Registers the `TokenStore` conformance tests with the test runner. Every store shipped
 * with this library passes them; run them against your own store the same way.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { testTokenStore } from 'api-tokens/testing';
 *
 * testTokenStore({ name: 'my store', describe, it, createStore: () => new MyTokenStore(pool) });
 * ```
 */
export function testTokenStore(options: TokenStoreSuiteOptions): void {
  const { describe, it } = resolveRunner(options);
  const store = () => Promise.resolve(options.createStore());

  describe(`TokenStore conformance: ${options.name ?? 'store'}`, () => {
    it('insert then findById returns the same record', async () => {
      const s = await store();
      const record = makeRecord({ scopes: ['documents:read', 'documents:write'], lastUsedAt: new Date('2026-01-02T03:04:05.678Z') });
      await s.insert(record);
      assert.deepEqual(await s.findById(record.id), record);
    });

    it('findByDigest finds the record by its digest', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      assert.deepEqual(await s.findByDigest(record.digest), record);
    });

    it('lookups of unknown keys return null', async () => {
      const s = await store();
      assert.equal(await s.findById(crypto.randomUUID()), null);
      assert.equal(await s.findByDigest(randomHex(32)), null);
    });

    it('digest lookup is exact, not case-insensitive', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      assert.equal(await s.findByDigest(record.digest.toUpperCase()), null);
    });

    it('insert rejects a duplicate digest', async () => {
      const s = await store();
      const first = makeRecord();
      await s.insert(first);
      await assert.rejects(s.insert(makeRecord({ digest: first.digest })));
    });

    it('insert rejects a duplicate id', async () => {
      const s = await store();
      const first = makeRecord();
      await s.insert(first);
      await assert.rejects(s.insert(makeRecord({ id: first.id })));
    });

    it('instants keep their exact millisecond', async () => {
      const s = await store();
      const instants = ['2024-02-29T23:59:59.999Z', '2026-03-29T01:30:00.001Z', '2026-10-25T00:59:59.500Z', '2099-12-31T23:59:59.999Z'];
      for (const instant of instants) {
        const record = makeRecord({ createdAt: new Date('2024-01-01T00:00:00.123Z'), expiresAt: new Date(instant), lastUsedAt: new Date(instant) });
        await s.insert(record);
        const found = await s.findById(record.id);
        assert.equal(found?.expiresAt?.toISOString(), instant);
        assert.equal(found?.lastUsedAt?.toISOString(), instant);
        assert.equal(found?.createdAt.toISOString(), '2024-01-01T00:00:00.123Z');
      }
    });

    it('a record that never expires keeps expiresAt null', async () => {
      const s = await store();
      const record = makeRecord({ expiresAt: null, lastUsedAt: null });
      await s.insert(record);
      const found = await s.findById(record.id);
      assert.equal(found?.expiresAt, null);
      assert.equal(found?.lastUsedAt, null);
    });

    it('scopes round-trip exactly, including null and empty', async () => {
      const s = await store();
      for (const scopes of [null, [], ['*'], ['documents:read', 'a:"quoted"', 'ünïcode:🔑']]) {
        const record = makeRecord({ scopes });
        await s.insert(record);
        assert.deepEqual((await s.findById(record.id))?.scopes, scopes);
      }
    });

    it('names round-trip any Unicode text', async () => {
      const s = await store();
      for (const name of ['CI deploys', 'ключ для деплоя', '部署用のトークン', '🔑'.repeat(100), "O'Brien \"quoted\" \\ backslash"]) {
        const record = makeRecord({ name });
        await s.insert(record);
        assert.equal((await s.findById(record.id))?.name, name);
      }
    });

    it('list returns newest first, then larger id first', async () => {
      const s = await store();
      const orgId = uniqueId('org');
      const sameTime = new Date('2026-05-01T00:00:00.000Z');
      const records = [
        makeRecord({ orgId, createdAt: new Date('2026-04-01T00:00:00.000Z') }),
        makeRecord({ orgId, createdAt: sameTime, id: `${crypto.randomUUID().slice(0, 8)}-a` }),
        makeRecord({ orgId, createdAt: sameTime, id: `${crypto.randomUUID().slice(0, 8)}-b` }),
        makeRecord({ orgId, createdAt: new Date('2026-06-01T00:00:00.000Z') }),
      ];
      for (const record of records) await s.insert(record);
      const expected = [...records].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
      const listed = await s.list({ orgId, after: null, limit: 10 });
      assert.deepEqual(listed.map((record) => record.id), expected.map((record) => record.id));
    });

    it('list pages through equal timestamps without gaps', async () => {
      const s = await store();
      const orgId = uniqueId('org');
      const createdAt = new Date('2026-05-01T12:00:00.000Z');
      const ids = new Set<string>();
      for (let i = 0; i < 7; i++) {
        const record = makeRecord({ orgId, createdAt });
        ids.add(record.id);
        await s.insert(record);
      }
      const seen: string[] = [];
      let after = null;
      for (let page = 0; page < 10; page++) {
        const records: TokenRecord[] = await s.list({ orgId, after, limit: 3 });
        seen.push(...records.map((record) => record.id));
        const last = records.at(-1);
        if (records.length < 3 || last === undefined) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      assert.equal(seen.length, 7);
      assert.deepEqual(new Set(seen), ids);
    });

    it('list filters by organization and user', async () => {
      const s = await store();
      const orgId = uniqueId('org');
      const mine = makeRecord({ orgId, userId: 'user_a' });
      const theirs = makeRecord({ orgId, userId: 'user_b' });
      const otherOrg = makeRecord({ orgId: uniqueId('org'), userId: 'user_a' });
      for (const record of [mine, theirs, otherOrg]) await s.insert(record);

      const own = await s.list({ orgId, userId: 'user_a', after: null, limit: 10 });
      assert.deepEqual(own.map((record) => record.id), [mine.id]);
      const all = await s.list({ orgId, after: null, limit: 10 });
      assert.deepEqual(new Set(all.map((record) => record.id)), new Set([mine.id, theirs.id]));
    });

    it('updateStatus changes a record with the expected status', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      const updated = await s.updateStatus(record.id, ACTIVE, { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: 'user_admin' });
      assert.deepEqual(updated, { ...record, status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: 'user_admin' });
      assert.deepEqual(await s.findById(record.id), updated);
    });

    it('updateStatus leaves a record with another status alone', async () => {
      const s = await store();
      const record = makeRecord({ status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: OWNER_ID });
      await s.insert(record);
      const updated = await s.updateStatus(record.id, ACTIVE, { status: 'inactive', inactiveReason: 'expired', deactivatedBy: null });
      assert.equal(updated, null);
      assert.deepEqual(await s.findById(record.id), record);
    });

    it('updateStatus checks who deactivated it', async () => {
      const s = await store();
      const record = makeRecord({ status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: 'user_admin' });
      await s.insert(record);
      const reactivate = { status: 'active', inactiveReason: null, deactivatedBy: null } as const;

      assert.equal(await s.updateStatus(record.id, { status: 'inactive', deactivatedBy: OWNER_ID }, reactivate), null);
      assert.equal(await s.updateStatus(record.id, { status: 'inactive', deactivatedBy: null }, reactivate), null);
      assert.deepEqual(await s.findById(record.id), record);

      const updated = await s.updateStatus(record.id, { status: 'inactive', deactivatedBy: 'user_admin' }, reactivate);
      assert.deepEqual(updated, { ...record, ...reactivate });
    });

    it('updateStatus matches a null deactivatedBy only to null', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      const change = { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: OWNER_ID } as const;
      assert.equal(await s.updateStatus(record.id, { status: 'active', deactivatedBy: OWNER_ID }, change), null);
      assert.notEqual(await s.updateStatus(record.id, ACTIVE, change), null);
    });

    it('updateStatus of a missing record returns null', async () => {
      const s = await store();
      const updated = await s.updateStatus(crypto.randomUUID(), ACTIVE, { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: null });
      assert.equal(updated, null);
    });

    it('concurrent guarded updates let exactly one win', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      const change = { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: 'user_1' } as const;
      const results = await Promise.all(Array.from({ length: 10 }, () => s.updateStatus(record.id, ACTIVE, change)));
      assert.equal(results.filter((result) => result !== null).length, 1);
    });

    it('touchLastUsed never moves lastUsedAt backwards', async () => {
      const s = await store();
      const record = makeRecord({ lastUsedAt: null });
      await s.insert(record);
      await s.touchLastUsed(record.id, new Date('2026-07-01T10:00:00.250Z'));
      assert.equal((await s.findById(record.id))?.lastUsedAt?.toISOString(), '2026-07-01T10:00:00.250Z');
      await s.touchLastUsed(record.id, new Date('2026-07-01T09:00:00.000Z'));
      assert.equal((await s.findById(record.id))?.lastUsedAt?.toISOString(), '2026-07-01T10:00:00.250Z');
      await s.touchLastUsed(crypto.randomUUID(), new Date());
    });

    it('delete removes the record once', async () => {
      const s = await store();
      const record = makeRecord();
      await s.insert(record);
      assert.equal(await s.delete(record.id), true);
      assert.equal(await s.findById(record.id), null);
      assert.equal(await s.findByDigest(record.digest), null);
      assert.equal(await s.delete(record.id), false);
    });

    it('listExpired returns active records due at or before now', async () => {
      const s = await store();
      const now = new Date('2030-01-01T00:00:00.000Z');
      const orgId = uniqueId('org');
      const due = makeRecord({ orgId, expiresAt: new Date(now.getTime() - 1) });
      const dueNow = makeRecord({ orgId, expiresAt: new Date(now.getTime()) });
      const notYet = makeRecord({ orgId, expiresAt: new Date(now.getTime() + 1) });
      const never = makeRecord({ orgId, expiresAt: null });
      const inactive = makeRecord({ orgId, expiresAt: new Date(now.getTime() - 1), status: 'inactive', inactiveReason: 'deactivated' });
      for (const record of [due, dueNow, notYet, never, inactive]) await s.insert(record);

      const ids = new Set((await s.listExpired(now, 100_000)).map((record) => record.id));
      assert.ok(ids.has(due.id));
      assert.ok(ids.has(dueNow.id));
      assert.ok(!ids.has(notYet.id));
      assert.ok(!ids.has(never.id));
      assert.ok(!ids.has(inactive.id));
    });

    it('listExpired honours the limit', async () => {
      const s = await store();
      const past = new Date('2000-01-01T00:00:00.000Z');
      for (let i = 0; i < 3; i++) await s.insert(makeRecord({ expiresAt: past }));
      assert.equal((await s.listExpired(new Date('2000-01-02T00:00:00.000Z'), 2)).length, 2);
    });

    it('returned records are copies', async () => {
      const s = await store();
      const record = makeRecord({ scopes: ['a:b'] });
      await s.insert(record);
      const found = await s.findById(record.id);
      assert.ok(found !== null);
      found.name = 'changed';
      found.expiresAt?.setTime(0);
      assert.deepEqual(await s.findById(record.id), record);
    });
  });
}

const OWNER_ID = 'user_owner';
// The expected state of a freshly made record.
const ACTIVE = { status: 'active', deactivatedBy: null } as const;

function makeRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  const createdAt = new Date('2026-03-01T08:30:15.123Z');
  return {
    id: crypto.randomUUID(),
    orgId: uniqueId('org'),
    userId: OWNER_ID,
    name: 'conformance token',
    suffix: 'Ab12',
    digest: randomHex(32),
    digestScheme: 'sha256',
    digestKeyId: null,
    status: 'active',
    inactiveReason: null,
    deactivatedBy: null,
    scopes: null,
    createdAt,
    expiresAt: new Date('2026-06-01T08:30:15.123Z'),
    lastUsedAt: null,
    ...overrides,
  };
}

function uniqueId(kind: string): string {
  return `${kind}_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
