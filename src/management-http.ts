import { z } from 'zod';
import type { ApiTokens } from './api-tokens.js';
import { ApiTokenError, isApiTokenError, type ApiTokenErrorCode } from './errors.js';
import { containsTokenValue, parseActor } from './inputs.js';
import type { Actor, CreateTokenInput, ListTokensOptions, TokenInfo } from './types.js';

/**
 * The maximum request body of a management endpoint, in bytes. A create request with 100
 * scopes of 200 characters each needs about 21 KB.
 */
export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

/** One token management operation, named after the `ApiTokens` method it calls. */
export type ManagementOperation = 'create' | 'list' | 'get' | 'deactivate' | 'reactivate' | 'revoke';

/** A management endpoint: its method, its path relative to where it is mounted, and its operation. */
export interface ManagementRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: '/tokens' | '/tokens/:id' | '/tokens/:id/deactivate' | '/tokens/:id/reactivate';
  readonly operation: ManagementOperation;
}

/** The management endpoints. Every adapter registers exactly these. */
export const MANAGEMENT_ROUTES: readonly ManagementRoute[] = Object.freeze([
  { method: 'POST', path: '/tokens', operation: 'create' },
  { method: 'GET', path: '/tokens', operation: 'list' },
  { method: 'GET', path: '/tokens/:id', operation: 'get' },
  { method: 'POST', path: '/tokens/:id/deactivate', operation: 'deactivate' },
  { method: 'POST', path: '/tokens/:id/reactivate', operation: 'reactivate' },
  { method: 'DELETE', path: '/tokens/:id', operation: 'revoke' },
]);

/**
 * A request body as an adapter reads it: the raw text with its `Content-Type`, a value that
 * a body parser of the host application already produced, or a marker that the body was
 * longer than {@link MAX_MANAGEMENT_BODY_BYTES}.
 */
export type ManagementBody =
  | { kind: 'text'; text: string; contentType: string | null }
  | { kind: 'parsed'; value: unknown; contentType: string | null }
  | { kind: 'too-large' };

/** A management request, with its parts read lazily so an unauthenticated request costs nothing. */
export interface ManagementRequest {
  /** Returns the signed-in actor, or `null` when no user is signed in. */
  getActor(): Actor | null | Promise<Actor | null>;
  /** The `:id` path parameter, decoded. */
  tokenId: string | undefined;
  /** The request URL, absolute or as a path with a query string. */
  url: string;
  /** Reads the request body. Called by every operation except `list` and `get`. */
  readBody(): Promise<ManagementBody>;
}

/** A response for the adapter to send as it is. `body` is empty for 204. */
export interface ManagementResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The stable `code` member of a management problem body. */
export type ManagementProblemCode = ApiTokenErrorCode | 'UNAUTHENTICATED' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE';

/** An RFC 9457 problem body of a management endpoint. */
export interface ManagementProblem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  code: ManagementProblemCode;
  /** The request field the problem is about, for `INVALID_INPUT`. */
  field?: string;
}

/**
 * Runs one management operation for an HTTP request and returns the response to send.
 * Every `ApiTokenError` becomes a problem response. Any other error is thrown, so the
 * framework's error handling receives it.
 *
 * @throws TypeError when `getActor` returns something other than an actor or `null`.
 */
export async function handleManagementRequest(
  apiTokens: ApiTokens,
  operation: ManagementOperation,
  request: ManagementRequest,
): Promise<ManagementResponse> {
  const actor = checkActor(await request.getActor());
  if (actor === null) return problem(401, 'UNAUTHENTICATED', 'Sign in to manage API tokens');

  try {
    return await runOperation(apiTokens, operation, actor, request);
  } catch (error) {
    if (error instanceof RequestProblem) return error.response;
    if (isApiTokenError(error)) return problemFromError(error);
    throw error;
  }
}

/** Returns the 413 response for a body longer than {@link MAX_MANAGEMENT_BODY_BYTES}. */
export function payloadTooLarge(): ManagementResponse {
  return problem(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_MANAGEMENT_BODY_BYTES} bytes`);
}

/** Converts a token to JSON-ready data, with instants as ISO 8601 strings in UTC. */
export function serializeTokenInfo(info: TokenInfo): Record<string, unknown> {
  return {
    id: info.id,
    orgId: info.orgId,
    userId: info.userId,
    name: info.name,
    suffix: info.suffix,
    createdAt: info.createdAt.toISOString(),
    expiresAt: info.expiresAt === null ? null : info.expiresAt.toISOString(),
    status: info.status,
    inactiveReason: info.inactiveReason,
    lastUsedAt: info.lastUsedAt === null ? null : info.lastUsedAt.toISOString(),
    scopes: info.scopes === null ? null : [...info.scopes],
  };
}

async function runOperation(apiTokens: ApiTokens, operation: ManagementOperation, actor: Actor, request: ManagementRequest): Promise<ManagementResponse> {
  switch (operation) {
    case 'create': {
      const input = parseCreateBody(await request.readBody());
      const created = await apiTokens.create(actor, input);
      return json(201, { token: created.token, info: serializeTokenInfo(created.info) });
    }
    case 'list': {
      const page = await apiTokens.list(actor, parseListQuery(request.url));
      return json(200, { items: page.items.map(serializeTokenInfo), nextCursor: page.nextCursor });
    }
    case 'get':
      return json(200, serializeTokenInfo(await apiTokens.get(actor, tokenIdOf(request))));
    case 'deactivate':
      parseEmptyBody(await request.readBody());
      return json(200, serializeTokenInfo(await apiTokens.deactivate(actor, tokenIdOf(request))));
    case 'reactivate':
      parseEmptyBody(await request.readBody());
      return json(200, serializeTokenInfo(await apiTokens.reactivate(actor, tokenIdOf(request))));
    case 'revoke':
      // The body is ignored, but read so an oversized one gets 413 on every adapter, as
      // Fastify and Hono limit it before the handler runs.
      if ((await request.readBody()).kind === 'too-large') throw new RequestProblem(payloadTooLarge());
      await apiTokens.revoke(actor, tokenIdOf(request));
      return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
  }
}

const actorSchema = z.object({ orgId: z.string(), userId: z.string() });

// The actor comes from the host application, not from the request, so an invalid one is a
// setup mistake for the framework's error handling, never a 400 naming a field the client did not send.
function checkActor(actor: unknown): Actor | null {
  if (actor === null || actor === undefined) return null;
  const parsed = actorSchema.safeParse(actor);
  if (!parsed.success) {
    throw new TypeError('getActor returned an invalid actor: expected { orgId: string, userId: string } or null');
  }
  try {
    return parseActor(parsed.data);
  } catch (error) {
    if (!isApiTokenError(error)) throw error;
    throw new TypeError(`getActor returned an invalid actor: ${error.message}`);
  }
}

function tokenIdOf(request: ManagementRequest): string {
  return request.tokenId ?? '';
}

const createBodySchema = z.strictObject({
  name: z.string({ error: 'expected a string' }),
  expiresIn: z.string({ error: 'expected a string such as "3-months"' }),
  scopes: z.array(z.string({ error: 'expected a string' }), { error: 'expected an array of permission names or null' }).nullable().optional(),
});

function parseCreateBody(body: ManagementBody): CreateTokenInput {
  const value = parseJsonBody(body, 'Send a JSON object with "name" and "expiresIn"');
  const result = createBodySchema.safeParse(value);
  if (!result.success) throw invalidBody(result.error);
  const { name, expiresIn, scopes } = result.data;
  return { name, expiresIn: expiresIn as CreateTokenInput['expiresIn'], ...(scopes === undefined ? {} : { scopes }) };
}

const emptyBodySchema = z.strictObject({});

function parseEmptyBody(body: ManagementBody): void {
  if (isEmptyBody(body)) return;
  const result = emptyBodySchema.safeParse(parseJsonBody(body, 'Send no body or an empty JSON object'));
  if (!result.success) throw invalidBody(result.error);
}

function parseJsonBody(body: ManagementBody, hint: string): unknown {
  if (body.kind === 'too-large') throw new RequestProblem(payloadTooLarge());
  if (isEmptyBody(body)) throw invalidInput('body', `The request body is empty. ${hint}`);
  // Also checked for a body that the host's parser already read. A browser sends a form post
  // cross-site without a CORS preflight, and every adapter must reject it alike.
  if (!isJsonMediaType(body.contentType)) {
    throw new RequestProblem(problem(415, 'UNSUPPORTED_MEDIA_TYPE', `Expected Content-Type application/json, got ${describeContentType(body.contentType)}`));
  }
  if (body.kind === 'parsed') return body.value;

  try {
    // Hono's text() drops a leading byte order mark and the Node adapters keep it. RFC 8259,
    // section 8.1, lets a parser ignore it, so every adapter does.
    return JSON.parse(body.text.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    throw invalidInput('body', `The request body is not valid JSON. ${hint}`);
  }
}

// The header is quoted back to the client, unless it may contain a token pasted by mistake.
function describeContentType(contentType: string | null): string {
  if (contentType === null) return 'none';
  if (containsTokenValue(contentType)) return 'a value that contains an API token';
  return JSON.stringify(contentType);
}

// A host's body parser turns an empty body into undefined, or into {} for a form, while a
// JSON {} is a body.
function isEmptyBody(body: ManagementBody): boolean {
  if (body.kind === 'text') return body.text.trim() === '';
  if (body.kind === 'too-large') return false;
  if (body.value === undefined) return true;
  const emptyObject = typeof body.value === 'object' && body.value !== null && Object.keys(body.value).length === 0;
  return emptyObject && !isJsonMediaType(body.contentType);
}

// application/json, or any media type with the +json structured syntax suffix (RFC 6839).
function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

const LIST_PARAMETERS = ['limit', 'cursor', 'scope'] as const;

function parseListQuery(url: string): ListTokensOptions {
  const queryStart = url.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));

  for (const name of new Set(query.keys())) {
    if (containsTokenValue(name)) {
      throw invalidInput('query', `A query parameter name contains an API token; remove it. Accepted parameters: ${LIST_PARAMETERS.join(', ')}`);
    }
    if (!(LIST_PARAMETERS as readonly string[]).includes(name)) {
      throw invalidInput(name, `Unknown query parameter "${name}". Accepted parameters: ${LIST_PARAMETERS.join(', ')}`);
    }
    if (query.getAll(name).length > 1) throw invalidInput(name, `Invalid ${name}: send the query parameter once`);
  }

  const options: ListTokensOptions = {};
  const limit = query.get('limit');
  if (limit !== null) {
    if (!/^\d{1,6}$/.test(limit)) throw invalidInput('limit', 'Invalid limit: must be an integer from 1 to 100');
    options.limit = Number(limit);
  }
  const cursor = query.get('cursor');
  if (cursor !== null) options.cursor = cursor;
  const scope = query.get('scope');
  if (scope !== null) options.scope = scope as NonNullable<ListTokensOptions['scope']>;
  return options;
}

// An invalid request that is not an ApiTokenError (a wrong media type, a body too large),
// thrown by the parsers and turned into its response by handleManagementRequest.
class RequestProblem extends Error {
  readonly response: ManagementResponse;

  constructor(response: ManagementResponse) {
    super('Invalid management request');
    this.response = response;
  }
}

function invalidInput(field: string, message: string): ApiTokenError {
  return new ApiTokenError('INVALID_INPUT', message, { field });
}

function invalidBody(error: z.ZodError): ApiTokenError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0]!;
    if (containsTokenValue(field)) return invalidInput('body', 'A field name in the request body contains an API token; remove it');
    return invalidInput(field, `Unknown field "${field}" in the request body; remove it`);
  }
  const field = issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  const message = field === 'body' ? 'Invalid body: expected a JSON object' : `Invalid ${field}: ${issue.message}`;
  return invalidInput(field, message);
}

const STATUS_BY_CODE: Record<ApiTokenErrorCode, number> = {
  INVALID_INPUT: 400,
  FORBIDDEN: 403,
  PLAN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  TOKEN_EXPIRED: 409,
  STORE_UNAVAILABLE: 503,
  DIRECTORY_UNAVAILABLE: 503,
  RATE_LIMIT_UNAVAILABLE: 503,
};

function problemFromError(error: ApiTokenError): ManagementResponse {
  const status = STATUS_BY_CODE[error.code] ?? 500;
  // A dependency failure's message is advice for operators, so the client gets a generic one.
  if (status === 503) return problem(503, error.code, 'Token management is temporarily unavailable; retry later');
  return problem(status, error.code, error.message, error.field);
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function problem(status: number, code: ManagementProblemCode, detail: string, field?: string): ManagementResponse {
  const body: ManagementProblem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code };
  if (field !== undefined) body.field = field;
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

// Management responses describe a user's tokens, and the create response carries a token
// value, so no cache may keep any of them.
function json(status: number, value: unknown): ManagementResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  };
}
