import { z } from 'zod';
import { ApiTokenError } from './errors.js';
import type { ExpirationPeriod } from './expiry.js';
import { BODY_LENGTH, CHECKSUM_LENGTH } from './format.js';
import type { ListCursor } from './store.js';
import type { Actor, ListTokensOptions } from './types.js';

export const MAX_NAME_LENGTH = 100;
export const MAX_SCOPES = 100;
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 20;

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
// With the u flag a surrogate pair is one code point, so this matches only an unpaired
// surrogate, which UTF-8 cannot encode: SQL drivers store U+FFFD in its place.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const IDENTIFIER = /^[\x21-\x7e]{1,128}$/;
const PERMISSION = /^[\x21-\x7e]{1,200}$/;
// The secret part of a token is a run of 49 base62 characters. Token ids are UUIDs, whose
// longest run of letters and digits is 12. An id with a run of 40 or more therefore contains
// a token value passed by mistake, and the error message must not echo it.
const TOKEN_RUN = new RegExp(`[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH - 9},}`);

export interface ValidCreateInput {
  name: string;
  expiresIn: ExpirationPeriod;
  scopes: readonly string[] | null;
}

export interface ValidListOptions {
  limit: number;
  after: ListCursor | null;
  scope: 'own' | 'organization';
}

const actorSchema = z.object({
  orgId: z.string().regex(IDENTIFIER, 'expected 1 to 128 visible ASCII characters'),
  userId: z.string().regex(IDENTIFIER, 'expected 1 to 128 visible ASCII characters'),
});

const nameSchema = z
  .string({ error: 'expected a string' })
  .transform((name) => name.trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty after trimming whitespace')
      .refine((name) => [...name].length <= MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters after trimming`)
      .refine((name) => !CONTROL_CHARACTERS.test(name), 'must not contain control characters such as newlines or tabs')
      .refine((name) => !UNPAIRED_SURROGATE.test(name), 'must be well-formed Unicode text, without an unpaired surrogate'),
  );

const scopesSchema = z
  .array(z.string().regex(PERMISSION, 'expected permission names of 1 to 200 visible ASCII characters, such as "documents:read"'))
  .max(MAX_SCOPES, `expected at most ${MAX_SCOPES} scopes`)
  .nullable()
  .optional();

const listSchema = z
  .strictObject({
    limit: z.number().int('must be an integer').min(1, 'must be at least 1').max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`).optional(),
    cursor: z.string().max(512).nullable().optional(),
    scope: z.enum(['own', 'organization']).optional(),
  })
  .optional();

// Every supported store can hold instants up to the end of year 9999.
const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const cursorSchema = z.tuple([z.number().int().min(0).max(MAX_INSTANT_MS), z.string().regex(IDENTIFIER)]);

/** Validates the acting user. Throws `INVALID_INPUT` naming `actor.orgId` or `actor.userId`. */
export function parseActor(actor: Actor): Actor {
  const result = actorSchema.safeParse(actor);
  if (!result.success) throw invalidInput(result.error, 'actor');
  return { orgId: result.data.orgId, userId: result.data.userId };
}

/** Validates the input of `create` against the offered periods. */
export function parseCreateInput(input: unknown, periods: readonly ExpirationPeriod[]): ValidCreateInput {
  const schema = z.strictObject({
    name: nameSchema,
    expiresIn: z.enum(periods as [ExpirationPeriod, ...ExpirationPeriod[]], {
      error: `must be one of ${periods.map((period) => `"${period}"`).join(', ')}`,
    }),
    scopes: scopesSchema,
  });
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(result.error, 'input');
  const scopes = result.data.scopes == null ? null : Object.freeze([...new Set(result.data.scopes)]);
  return { name: result.data.name, expiresIn: result.data.expiresIn, scopes };
}

/** Validates a token id given to a management call and rejects a token value passed in its place. */
export function parseTokenId(tokenId: unknown): string {
  if (typeof tokenId === 'string' && containsTokenValue(tokenId)) {
    throw new ApiTokenError('INVALID_INPUT', 'Invalid tokenId: the value contains an API token, not a token id. Pass TokenInfo.id instead', {
      field: 'tokenId',
    });
  }
  if (typeof tokenId === 'string' && IDENTIFIER.test(tokenId)) return tokenId;
  throw new ApiTokenError('INVALID_INPUT', 'Invalid tokenId: expected 1 to 128 visible ASCII characters, as returned in TokenInfo.id', {
    field: 'tokenId',
  });
}

/** Tells whether `text` may contain a token value, so that a message must not quote it. */
export function containsTokenValue(text: string): boolean {
  return TOKEN_RUN.test(text);
}

/** Validates the options of `list` and decodes the cursor. */
export function parseListOptions(options: ListTokensOptions | undefined): ValidListOptions {
  const result = listSchema.safeParse(options);
  if (!result.success) throw invalidInput(result.error, 'options');
  const data = result.data ?? {};
  return {
    limit: data.limit ?? DEFAULT_LIST_LIMIT,
    after: data.cursor == null ? null : decodeCursor(data.cursor),
    scope: data.scope ?? 'own',
  };
}

/** Encodes a listing position as an opaque, URL-safe cursor. */
export function encodeCursor(position: ListCursor): string {
  const json = JSON.stringify([position.createdAt.getTime(), position.id]);
  return btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): ListCursor {
  try {
    const json = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const [createdAtMs, id] = cursorSchema.parse(JSON.parse(json));
    return { createdAt: new Date(createdAtMs), id };
  } catch {
    throw new ApiTokenError('INVALID_INPUT', 'Invalid cursor: pass the nextCursor of the previous page unchanged', { field: 'cursor' });
  }
}

function invalidInput(error: z.ZodError, root: string): ApiTokenError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  let label = path;
  if (path === '') label = root;
  else if (root === 'actor') label = `actor.${path}`;
  // An unknown key is quoted in the message, and a key can be a token pasted by mistake.
  const detail = containsTokenValue(issue.message) ? 'a field name contains an API token; remove it' : issue.message;
  return new ApiTokenError('INVALID_INPUT', `Invalid ${label}: ${detail}`, { field: label });
}
