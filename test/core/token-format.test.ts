import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApiTokens, MemoryTokenStore } from '../../src/index.js';
import {
  BODY_LENGTH,
  CHECKSUM_LENGTH,
  crc32,
  encodeChecksum,
  generateToken,
  MAX_PREFIX_LENGTH,
  parseToken,
  randomBase62,
  tokenPattern,
} from '../../src/format.js';
import { TestDirectory } from '../support/directory.js';
import { makeApiTokens } from '../support/setup.js';
import { chiSquareCriticalValue, chiSquareStatistic, chiSquareUpperTail } from '../support/statistics.js';
import { countCalls } from '../support/stores.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Valid prefixes: a first segment that starts with a letter, then up to three more segments
// joined by `_`, at most MAX_PREFIX_LENGTH characters in all.
const validPrefix = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/), fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { maxLength: 3 }))
  .map(([first, rest]) => [first, ...rest].join('_'))
  .filter((prefix) => prefix.length <= MAX_PREFIX_LENGTH);

/** Builds an API over a store that counts its calls and a directory that counts lookups. */
function countingApiTokens() {
  const counted = countCalls(new MemoryTokenStore());
  const directory = new TestDirectory();
  let directoryCalls = 0;
  const countingDirectory = {
    getMember: (orgId: string, userId: string) => {
      directoryCalls += 1;
      return directory.getMember(orgId, userId);
    },
  };
  const apiTokens = createApiTokens({ store: counted.store, prefix: 'acme', directory: countingDirectory });
  return { apiTokens, counted, directoryCalls: () => directoryCalls };
}

/** Replaces the character at `index` with a different base62 character. */
function flipCharacter(token: string, index: number): string {
  const current = BASE62.indexOf(token[index]!);
  const replacement = BASE62[(current + 1 + Math.floor(Math.random() * 61)) % 62]!;
  return token.slice(0, index) + replacement + token.slice(index + 1);
}

describe('token format', () => {
  it('parse round-trips generated tokens', () => {
    fc.assert(
      fc.property(validPrefix, (prefix) => {
        const token = generateToken(prefix);

        const parsed = parseToken(token, prefix);

        expect(parsed).not.toBeNull();
        expect(parsed?.prefix).toBe(prefix);
        expect(`${prefix}_${parsed?.body}${parsed?.checksum}`).toBe(token);
        expect(parsed?.body).toHaveLength(BODY_LENGTH);
        expect(parsed?.checksum).toHaveLength(CHECKSUM_LENGTH);
      }),
      { numRuns: 1_000 },
    );
  });

  it('generated tokens match tokenPattern', () => {
    fc.assert(
      fc.property(validPrefix, (prefix) => {
        expect(generateToken(prefix)).toMatch(tokenPattern(prefix));
      }),
      { numRuns: 1_000 },
    );
  });

  it('created tokens match apiTokens.tokenPattern', async () => {
    await fc.assert(
      fc.asyncProperty(validPrefix, async (prefix) => {
        const { apiTokens, owner } = makeApiTokens({ prefix });

        const { token } = await apiTokens.create(owner, { name: 'format', expiresIn: '1-month' });

        expect(apiTokens.prefix).toBe(prefix);
        expect(token).toMatch(apiTokens.tokenPattern);
        expect(parseToken(token, prefix)).not.toBeNull();
        expect((await apiTokens.verify(token)).valid).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('body alphabet is URL-safe base62', () => {
    fc.assert(
      fc.property(validPrefix, (prefix) => {
        const tail = generateToken(prefix).slice(prefix.length + 1);

        expect(tail).toMatch(/^[0-9A-Za-z]+$/);
        expect(tail).not.toContain('_');
        expect(encodeURIComponent(tail)).toBe(tail);
      }),
      { numRuns: 1_000 },
    );
  });

  it('prefix segment does not parse', () => {
    const token = generateToken('acme_live');

    expect(parseToken(token, 'acme')).toBeNull();
    expect(parseToken(token, 'acme_live_x')).toBeNull();
    expect(token).not.toMatch(tokenPattern('acme'));
    expect(generateToken('acme')).not.toMatch(tokenPattern('acme_live'));
  });

  it('tokenPattern is anchored', () => {
    const token = generateToken('acme');

    expect(`x${token}`).not.toMatch(tokenPattern('acme'));
    expect(`${token}x`).not.toMatch(tokenPattern('acme'));
    expect(` ${token}`).not.toMatch(tokenPattern('acme'));
  });

  // The expected values are what Python's zlib.crc32 returns, and "123456789" is the usual
  // check input of CRC catalogues.
  it.each([
    ['the empty string', '', 0x00000000],
    ['"a"', 'a', 0xe8b7be43],
    ['"123456789"', '123456789', 0xcbf43926],
    ['a pangram', 'The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('CRC-32 of %s', (_label, input, expected) => {
    expect(crc32(input)).toBe(expected);
  });

  it('checksum is six base62 characters', () => {
    expect(encodeChecksum(0)).toBe('000000');
    expect(encodeChecksum(61)).toBe('00000z');
    expect(encodeChecksum(62)).toBe('000010');
    expect(encodeChecksum(0xffffffff)).toBe('4gfFC3');
    expect(62 ** CHECKSUM_LENGTH).toBeGreaterThan(2 ** 32);
  });

  it('flipped character is MALFORMED without lookups', async () => {
    const { apiTokens, counted, directoryCalls } = countingApiTokens();
    const token = generateToken('acme');

    for (let index = 0; index < token.length; index++) {
      if (token[index] === '_') continue;
      const flipped = index < 'acme'.length ? token.slice(0, index) + 'x' + token.slice(index + 1) : flipCharacter(token, index);

      expect(await apiTokens.verify(flipped), `character ${index}`).toEqual({ valid: false, code: 'MALFORMED' });
    }
    expect(counted.total()).toBe(0);
    expect(directoryCalls()).toBe(0);
  });

  it.each([
    ['the wrong prefix', () => generateToken('other')],
    ['a longer prefix', () => generateToken('acme_live')],
    ['a missing character', () => generateToken('acme').slice(0, -1)],
    ['an extra character', () => `${generateToken('acme')}A`],
    ['surrounding whitespace', () => ` ${generateToken('acme')} `],
    ['a non-base62 character', () => `${generateToken('acme').slice(0, 10)}-${generateToken('acme').slice(11)}`],
    ['a non-ASCII character', () => `${generateToken('acme').slice(0, 10)}é${generateToken('acme').slice(11)}`],
    ['the empty string', () => ''],
    ['a Bearer word', () => `Bearer ${generateToken('acme')}`],
    ['a number', () => 42],
    ['null', () => null],
    ['undefined', () => undefined],
  ])('%s: MALFORMED, no lookups', async (_case, makeInput) => {
    const { apiTokens, counted, directoryCalls } = countingApiTokens();

    const result = await apiTokens.verify(makeInput() as string);

    expect(result).toEqual({ valid: false, code: 'MALFORMED' });
    expect(counted.total()).toBe(0);
    expect(directoryCalls()).toBe(0);
  });

  it('chi-square helper matches known values', () => {
    // With 2 degrees of freedom the tail is exactly exp(-x / 2).
    expect(chiSquareUpperTail(10, 2)).toBeCloseTo(Math.exp(-5), 14);
    // scipy.stats.chi2.isf(1e-6, 61) gives 128.52421687158278 (scipy 1.17.1).
    expect(chiSquareCriticalValue(1e-6, 61)).toBeCloseTo(128.52421687158278, 8);
  });

  it('body characters are uniform', () => {
    // 4,000 bodies give 172,000 characters, about 2,774 per base62 character. A fair source
    // exceeds the critical value once in a million runs.
    const counts = new Array<number>(62).fill(0);
    for (let i = 0; i < 4_000; i++) {
      for (const character of randomBase62(BODY_LENGTH)) counts[BASE62.indexOf(character)]! += 1;
    }

    const statistic = chiSquareStatistic(counts);

    expect(statistic).toBeLessThan(chiSquareCriticalValue(1e-6, 61));
  });

  it('first body character is uniform', () => {
    const counts = new Array<number>(62).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const body = parseToken(generateToken('acme'), 'acme')!.body;
      counts[BASE62.indexOf(body[0]!)]! += 1;
    }

    expect(chiSquareStatistic(counts)).toBeLessThan(chiSquareCriticalValue(1e-6, 61));
  });

  it('chi-square check detects modulo bias', () => {
    // Control: `byte % 62` without rejection makes the first 8 characters 25% more likely,
    // which is the bias the rejection sampling in randomBase62 removes.
    const counts = new Array<number>(62).fill(0);
    const bytes = new Uint8Array(172_000);
    crypto.getRandomValues(bytes.subarray(0, 65_536));
    crypto.getRandomValues(bytes.subarray(65_536, 131_072));
    crypto.getRandomValues(bytes.subarray(131_072));
    for (const byte of bytes) counts[byte % 62]! += 1;

    expect(chiSquareStatistic(counts)).toBeGreaterThan(chiSquareCriticalValue(1e-6, 61));
  });
});
