import { describe, expect, it } from 'vitest';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

describe('token names', () => {
  it('name is trimmed', async () => {
    const { create } = makeApiTokens();

    const { info } = await create(undefined, { name: ' \t CI deploys \n ' });

    expect(info.name).toBe('CI deploys');
  });

  it.each([
    ['one character', 'a'],
    ['100 characters', 'n'.repeat(100)],
    ['100 emoji code points', '🔑'.repeat(100)],
    ['inner spaces', 'deploy  to   production'],
    ['non-Latin text', 'ключ для деплоя'],
  ])('accepts %s', async (_case, name) => {
    const { create } = makeApiTokens();

    const { info } = await create(undefined, { name });

    expect(info.name).toBe(name);
  });

  it.each([
    ['an empty name', ''],
    ['only whitespace', ' \t '],
    ['101 characters', 'n'.repeat(101)],
    ['101 after trimming', ` ${'n'.repeat(101)} `],
    ['a newline', 'CI\ndeploys'],
    ['a tab', 'CI\tdeploys'],
    ['a NUL character', 'CI\u0000deploys'],
    ['a DEL character', 'CI\u007fdeploys'],
    ['a C1 control', 'CI\u0085deploys'],
    ['a line separator', 'CI\u2028deploys'],
    ['an unpaired high surrogate', 'CI \ud83d deploys'],
    ['an unpaired low surrogate', 'CI \udd11 deploys'],
  ])('rejects %s', async (_case, name) => {
    const { create } = makeApiTokens();

    const error = await expectApiTokenError(create(undefined, { name }), 'INVALID_INPUT');

    expect(error.field).toBe('name');
    expect(error.message).toMatch(/^Invalid name: /);
  });

  it('rejects a non-string name', async () => {
    const { apiTokens, owner } = makeApiTokens();

    const error = await expectApiTokenError(apiTokens.create(owner, { name: 42, expiresIn: '1-month' } as never), 'INVALID_INPUT');

    expect(error.field).toBe('name');
  });

  it('names need not be unique', async () => {
    const { apiTokens, create, owner } = makeApiTokens();

    await create(undefined, { name: 'same' });
    await create(undefined, { name: 'same' });

    const { items } = await apiTokens.list(owner);
    expect(items.map((item) => item.name)).toEqual(['same', 'same']);
  });

  it('messages state the limit', async () => {
    const { create } = makeApiTokens();

    const tooLong = await expectApiTokenError(create(undefined, { name: 'n'.repeat(101) }), 'INVALID_INPUT');
    const control = await expectApiTokenError(create(undefined, { name: 'a\nb' }), 'INVALID_INPUT');

    expect(tooLong.message).toContain('100 characters');
    expect(control.message).toContain('control characters');
  });
});
