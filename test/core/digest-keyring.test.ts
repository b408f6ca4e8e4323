import { describe, expect, it } from 'vitest';
import { createApiTokens, type SecretOption } from '../../src/index.js';
import { digestCandidates, digestMatches, digestToken, timingSafeEqual } from '../../src/digest.js';
import { makeApiTokens } from '../support/setup.js';

const SECRET_A: SecretOption = { id: 'key-a', secret: 'a'.repeat(16) + '-secret-material-of-key-a' };
const SECRET_B: SecretOption = { id: 'key-b', secret: new Uint8Array(32).fill(7) };

describe('digest keyring', () => {
  it('record names scheme and key', async () => {
    const { create, store } = makeApiTokens({ secrets: [SECRET_A] });

    const { info } = await create();

    const record = await store.findById(info.id);
    expect(record?.digestScheme).toBe('hmac-sha256');
    expect(record?.digestKeyId).toBe('key-a');
  });

  it('rotation to [B, A] keeps verifying', async () => {
    const { create, options } = makeApiTokens({ secrets: [SECRET_A] });
    const { token, info } = await create();

    const rotated = createApiTokens({ ...options, secrets: [SECRET_B, SECRET_A] });

    const result = await rotated.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.tokenId).toBe(info.id);
  });

  it('rotation signs new tokens with B', async () => {
    const { options, owner, store } = makeApiTokens({ secrets: [SECRET_A] });
    const rotated = createApiTokens({ ...options, secrets: [SECRET_B, SECRET_A] });

    const { info } = await rotated.create(owner, { name: 'after rotation', expiresIn: '1-month' });

    expect((await store.findById(info.id))?.digestKeyId).toBe('key-b');
  });

  it('dropping A gives NOT_FOUND', async () => {
    const { create, options } = makeApiTokens({ secrets: [SECRET_A] });
    const { token } = await create();

    const withoutA = createApiTokens({ ...options, secrets: [SECRET_B] });

    expect(await withoutA.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('HMAC record needs a secret', async () => {
    const { create, options } = makeApiTokens({ secrets: [SECRET_A] });
    const { token } = await create();

    const withoutSecrets = createApiTokens({ ...options, secrets: [] });

    expect(await withoutSecrets.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('SHA-256 records verify after secrets added', async () => {
    const { create, options, store } = makeApiTokens();
    const { token, info } = await create();
    expect((await store.findById(info.id))?.digestScheme).toBe('sha256');

    const withSecrets = createApiTokens({ ...options, secrets: [SECRET_A] });

    const result = await withSecrets.verify(token);
    if (!result.valid) expect.unreachable(`verify failed with ${result.code}`);
    expect(result.auth.tokenId).toBe(info.id);
  });

  it('renamed key id no longer matches', async () => {
    const { create, options } = makeApiTokens({ secrets: [SECRET_A] });
    const { token } = await create();

    const renamed = createApiTokens({ ...options, secrets: [{ id: 'key-a2', secret: SECRET_A.secret }] });

    expect(await renamed.verify(token)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it('string and bytes secrets agree', () => {
    const text = 's'.repeat(40);
    const fromString = digestToken('acme_token', { id: 'k', secret: new TextEncoder().encode(text) });
    const fromBytes = digestToken('acme_token', { id: 'k', secret: Uint8Array.from(Buffer.from(text)) });

    expect(fromBytes).toEqual(fromString);
  });

  it('candidates list keys then SHA-256', () => {
    const keys = [
      { id: 'new', secret: new Uint8Array(32).fill(1) },
      { id: 'old', secret: new Uint8Array(32).fill(2) },
    ];

    const candidates = digestCandidates('acme_token', keys);

    expect(candidates.map((candidate) => [candidate.scheme, candidate.keyId])).toEqual([
      ['hmac-sha256', 'new'],
      ['hmac-sha256', 'old'],
      ['sha256', null],
    ]);
  });

  it('digestMatches checks scheme and key', () => {
    const candidate = digestToken('acme_token', { id: 'k', secret: new Uint8Array(32) });
    const stored = { digest: candidate.digest, digestScheme: 'hmac-sha256', digestKeyId: 'k' };

    expect(digestMatches(stored, candidate)).toBe(true);
    expect(digestMatches({ ...stored, digestScheme: 'sha256' }, candidate)).toBe(false);
    expect(digestMatches({ ...stored, digestKeyId: 'other' }, candidate)).toBe(false);
    expect(digestMatches({ ...stored, digest: stored.digest.toUpperCase() }, candidate)).toBe(false);
  });

  it.each([
    ['equal bytes', [1, 2, 3], [1, 2, 3], true],
    ['one byte differs', [1, 2, 3], [1, 2, 4], false],
    ['shorter first', [1, 2], [1, 2, 3], false],
    ['shorter second', [1, 2, 3], [1, 2], false],
    ['prefix of zeros', [0, 0], [0, 0, 0], false],
    ['first empty', [], [1], false],
    ['second empty', [1], [], false],
    ['both empty', [], [], true],
  ])('timingSafeEqual with %s', (_case, a, b, expected) => {
    let result: boolean | undefined;

    expect(() => {
      result = timingSafeEqual(Uint8Array.from(a), Uint8Array.from(b));
    }).not.toThrow();
    expect(result).toBe(expected);
  });
});
