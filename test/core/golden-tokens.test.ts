import { describe, expect, it } from 'vitest';
import golden from '../fixtures/golden-tokens.json' with { type: 'json' };
import { createApiTokens, type TokenRecord } from '../../src/index.js';
import { digestToken } from '../../src/digest.js';
import { parseToken } from '../../src/format.js';
import { makeApiTokens } from '../support/setup.js';

interface GoldenToken {
  label: string;
  prefix: string;
  token: string;
  sha256: string;
  hmacSha256: string;
}

// One row per stored token of every release, named by release and label, never by the token.
const CASES = golden.releases.flatMap((release) =>
  release.tokens.map((token: GoldenToken) => ({ name: `${release.release} ${token.label}`, secret: release.secret, ...token })),
);

type GoldenCase = (typeof CASES)[number];

/** Builds an API for the case's prefix and stores a record with the given digest fields. */
async function storeGoldenRecord(fixture: GoldenCase, digest: Pick<TokenRecord, 'digest' | 'digestScheme' | 'digestKeyId'>) {
  const setup = makeApiTokens({ prefix: fixture.prefix });
  const record: TokenRecord = {
    id: crypto.randomUUID(),
    orgId: setup.owner.orgId,
    userId: setup.owner.userId,
    name: fixture.label,
    suffix: fixture.token.slice(-4),
    ...digest,
    status: 'active',
    inactiveReason: null,
    deactivatedBy: null,
    scopes: null,
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    expiresAt: null,
    lastUsedAt: null,
  };
  await setup.store.insert(record);
  return { ...setup, record };
}

describe('golden tokens', () => {
  it('fixtures cover every release', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(4);
    expect(golden.releases.map((release) => release.release)).toContain('0.0.0');
  });

  it.each(CASES)('$name still parses', (fixture) => {
    expect(parseToken(fixture.token, fixture.prefix)).not.toBeNull();
  });

  it.each(CASES)('$name SHA-256 digest unchanged', (fixture) => {
    expect(digestToken(fixture.token, null)).toEqual({ digest: fixture.sha256, scheme: 'sha256', keyId: null });
  });

  it.each(CASES)('$name HMAC digest unchanged', (fixture) => {
    const key = { id: fixture.secret.id, secret: new TextEncoder().encode(fixture.secret.secret) };

    expect(digestToken(fixture.token, key)).toEqual({ digest: fixture.hmacSha256, scheme: 'hmac-sha256', keyId: fixture.secret.id });
  });

  it.each(CASES)('$name SHA-256 record verifies', async (fixture) => {
    const { apiTokens, record } = await storeGoldenRecord(fixture, { digest: fixture.sha256, digestScheme: 'sha256', digestKeyId: null });

    const result = await apiTokens.verify(fixture.token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.tokenId).toBe(record.id);
  });

  it.each(CASES)('$name HMAC record verifies', async (fixture) => {
    const { options, record } = await storeGoldenRecord(fixture, {
      digest: fixture.hmacSha256,
      digestScheme: 'hmac-sha256',
      digestKeyId: fixture.secret.id,
    });
    const apiTokens = createApiTokens({ ...options, secrets: [fixture.secret] });

    const result = await apiTokens.verify(fixture.token);

    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.tokenId).toBe(record.id);
  });
});
