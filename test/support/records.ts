import type { TokenRecord } from '../../src/index.js';

/** Returns `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Builds a token record with a fresh id and digest; `overrides` replace any field. */
export function makeRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: crypto.randomUUID(),
    orgId: 'org_sql_tests',
    userId: 'user_sql_tests',
    name: 'sql test token',
    suffix: 'Ab12',
    digest: randomHex(32),
    digestScheme: 'sha256',
    digestKeyId: null,
    status: 'active',
    inactiveReason: null,
    deactivatedBy: null,
    scopes: ['documents:read'],
    createdAt: new Date('2026-03-01T08:30:15.123Z'),
    expiresAt: new Date('2026-06-01T08:30:15.123Z'),
    lastUsedAt: null,
    ...overrides,
  };
}
