import { describe, expect, it } from 'vitest';
import { SUFFIX_LENGTH, tokenSuffix } from '../../src/format.js';
import { makeApiTokens } from '../support/setup.js';

describe('display suffix', () => {
  it('suffix is the last four characters', async () => {
    const { create } = makeApiTokens();

    const { token, info } = await create();

    expect(SUFFIX_LENGTH).toBe(4);
    expect(info.suffix).toHaveLength(4);
    expect(info.suffix).toBe(token.slice(-4));
  });

  it('list shows each token suffix', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const created = [await create(), await create(), await create()];

    const { items } = await apiTokens.list(owner);

    const suffixById = new Map(items.map((info) => [info.id, info.suffix]));
    for (const { token, info } of created) expect(suffixById.get(info.id)).toBe(token.slice(-4));
  });

  it('store keeps the same suffix', async () => {
    const { create, store } = makeApiTokens();
    const { token, info } = await create();

    const record = await store.findById(info.id);

    expect(record?.suffix).toBe(token.slice(-4));
  });

  it('tokenSuffix takes the string end', () => {
    expect(tokenSuffix('acme_abcdefWXYZ')).toBe('WXYZ');
  });
});
