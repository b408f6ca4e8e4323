import { describe, expect, it } from 'vitest';
import type { Actor, ApiTokens, TokenInfo } from '../../src/index.js';
import { expectApiTokenError, makeApiTokens } from '../support/setup.js';

/** Follows `nextCursor` from the first page to the last and returns every page. */
async function allPages(apiTokens: ApiTokens, actor: Actor, limit: number): Promise<TokenInfo[][]> {
  const pages: TokenInfo[][] = [];
  let cursor: string | null = null;
  do {
    const page = await apiTokens.list(actor, { limit, cursor });
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1_000);
  return pages;
}

describe('token list pagination', () => {
  it('no cap on tokens per user', async () => {
    const { apiTokens, create, owner } = makeApiTokens();

    for (let i = 0; i < 250; i++) await create(undefined, { name: `token ${i}` });

    const pages = await allPages(apiTokens, owner, 100);
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
  });

  it('lists newest first', async () => {
    const { apiTokens, clock, create, owner } = makeApiTokens();
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push((await create(undefined, { name: `token ${i}` })).info.id);
      clock.advance(1_000);
    }

    const { items } = await apiTokens.list(owner);

    expect(items.map((item) => item.id)).toEqual(created.reverse());
  });

  it('pages cover every token once', async () => {
    const { apiTokens, clock, create, owner } = makeApiTokens();
    const created = [];
    for (let i = 0; i < 23; i++) {
      created.push((await create()).info.id);
      clock.advance(1);
    }

    const pages = await allPages(apiTokens, owner, 5);

    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat().map((item) => item.id)).toEqual(created.reverse());
  });

  it('stable under equal timestamps', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    const created = new Set<string>();
    for (let i = 0; i < 23; i++) created.add((await create()).info.id);

    const pages = await allPages(apiTokens, owner, 4);

    const listed = pages.flat().map((item) => item.id);
    expect(listed).toHaveLength(23);
    expect(new Set(listed)).toEqual(created);
    expect(listed).toEqual([...created].sort().reverse());
  });

  it('full last page has no cursor', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    for (let i = 0; i < 10; i++) await create();

    const first = await apiTokens.list(owner, { limit: 5 });
    const second = await apiTokens.list(owner, { limit: 5, cursor: first.nextCursor });

    expect(first.nextCursor).not.toBeNull();
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
  });

  it('default page size is 20', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    for (let i = 0; i < 21; i++) await create();

    const page = await apiTokens.list(owner);

    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  it('cursor is URL-safe', async () => {
    const { apiTokens, create, owner } = makeApiTokens();
    for (let i = 0; i < 3; i++) await create();

    const { nextCursor } = await apiTokens.list(owner, { limit: 1 });

    expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['base64 of other JSON', btoa(JSON.stringify({ createdAt: 1 }))],
    ['base64 with bad id', btoa(JSON.stringify([1, 'has space']))],
    ['a negative instant', btoa(JSON.stringify([-1, 'id']))],
    ['over 512 characters', 'A'.repeat(513)],
  ])('bad cursor: %s', async (_case, cursor) => {
    const { apiTokens, owner } = makeApiTokens();

    const error = await expectApiTokenError(apiTokens.list(owner, { cursor }), 'INVALID_INPUT');

    expect(error.field).toBe('cursor');
    expect(error.message).toContain('cursor');
  });
});
