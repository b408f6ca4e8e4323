import type { ApiTokens } from './api-tokens.js';
import { isApiTokenError } from './errors.js';
import { assertKnownOptions } from './known-options.js';
import type { RateLimitDecision } from './rate-limit.js';
import type { AuthContext } from './types.js';

/** The maximum credential length, in characters. Longer values are rejected before any lookup. */
export const MAX_CREDENTIAL_LENGTH = 256;

/** Options of {@link authenticateRequest} and of every adapter. */
export interface HttpAuthOptions {
  /** The header that carries the token. Default `X-API-Key`. */
  header?: string;
  /** Also accept `Authorization: Bearer <token>`. Default `false`. */
  bearer?: boolean;
  /** The realm of the `WWW-Authenticate` challenge. Default `api`. */
  realm?: string;
  /**
   * Also send the `RateLimit-Policy` and `RateLimit` fields of the IETF draft (see
   * {@link ietfRateLimitHeaders}) next to `X-RateLimit-*`. `true` names the policy `default`,
   * and `{ policy: 'name' }` sets another name. Default `false`.
   */
  ietfHeaders?: boolean | { policy: string };
}

/** A header value as Node (`string | string[]`) or Fetch (`string | null`) return it. */
export type HeaderValue = string | readonly string[] | null | undefined;

/**
 * Request headers in one of three forms: a Fetch `Headers`, a Node headers object (prefer
 * `req.headersDistinct`, which keeps repeated `Authorization` headers apart), or a function
 * that returns the value of a lowercase header name.
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, HeaderValue>>
  | ((name: string) => HeaderValue);

/** An RFC 9457 problem details object, with a stable `code` member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
}

/** The stable `code` member of every problem body this library sends. */
export type ProblemCode =
  | 'INVALID_REQUEST'
  | 'MISSING_API_KEY'
  | 'INVALID_API_KEY'
  | 'PLAN_NOT_ALLOWED'
  | 'INSUFFICIENT_PERMISSION'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE';

/** A response to send instead of running the handler. */
export interface HttpRejection {
  ok: false;
  status: 400 | 401 | 403 | 429 | 503;
  headers: Record<string, string>;
  body: ProblemDetails;
  /** The failure behind a 503, for the host's logs. Never sent to the client. */
  error?: unknown;
}

/** A request that may go on to the handler, with headers to add to its response. */
export interface HttpAcceptance {
  ok: true;
  auth: AuthContext;
  headers: Record<string, string>;
}

/** The outcome of {@link authenticateRequest}. */
export type HttpAuthOutcome = HttpAcceptance | HttpRejection;

/** Adapter options after validation, from {@link resolveHttpOptions}. */
export interface ResolvedHttpOptions {
  header: string;
  headerLabel: string;
  bearer: boolean;
  realm: string;
  /** The policy name of the IETF rate-limit fields, or `null` when they are off. */
  ietfPolicy: string | null;
}

type Credential = { kind: 'missing' } | { kind: 'ambiguous'; detail: string } | { kind: 'token'; value: string };

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const REALM = /^[\x20-\x7e]{1,100}$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
// RFC 6750, section 2.1: the scheme, then one or more spaces (case-insensitive per RFC 9110, section 11.1).
const BEARER_SCHEME = /^Bearer(?: |$)/i;
const POLICY_NAME = /^[\x20-\x7e]{1,64}$/;

/** The names of the {@link HttpAuthOptions} fields. */
export const HTTP_OPTION_NAMES: readonly (keyof HttpAuthOptions)[] = Object.freeze(['header', 'bearer', 'realm', 'ietfHeaders']);

/**
 * Validates adapter options into a new frozen object.
 *
 * @throws TypeError when an option is unknown, or the header name, realm or IETF policy name is invalid.
 */
export function resolveHttpOptions(options: HttpAuthOptions = {}): Readonly<ResolvedHttpOptions> {
  assertKnownOptions(options, HTTP_OPTION_NAMES, 'options');
  const header = options.header ?? 'X-API-Key';
  if (typeof header !== 'string' || !HEADER_NAME.test(header)) {
    throw new TypeError(`options.header is invalid: expected an HTTP header name such as "X-API-Key", got ${JSON.stringify(header)}`);
  }
  if (header.toLowerCase() === 'authorization') {
    throw new TypeError('options.header must not be "Authorization"; set options.bearer to true to accept "Authorization: Bearer <token>"');
  }
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || !REALM.test(realm) || realm.includes('"') || realm.includes('\\')) {
    throw new TypeError('options.realm is invalid: expected 1 to 100 printable ASCII characters without quotes or backslashes');
  }
  if (options.bearer !== undefined && typeof options.bearer !== 'boolean') {
    throw new TypeError('options.bearer is invalid: expected true or false');
  }
  const ietfPolicy = resolveIetfPolicy(options.ietfHeaders);
  const resolved = Object.freeze({ header: header.toLowerCase(), headerLabel: header, bearer: options.bearer ?? false, realm, ietfPolicy });
  resolvedOptions.add(resolved);
  return resolved;
}

/**
 * Authenticates one HTTP request: reads the credential, verifies the token and counts the
 * request against the plan's rate limit. Returns either the {@link AuthContext} with headers
 * for the response, or a complete rejection (status, headers, problem body) to send.
 *
 * Every invalid, unknown, inactive or expired token and every removed creator gets the
 * same 401 body; the reason goes to `onEvent` only.
 *
 * @throws Only unexpected errors (bugs); store, directory and rate-limit failures become 503.
 *
 * @example
 * ```ts
 * const outcome = await authenticateRequest(apiTokens, req.headersDistinct);
 * if (!outcome.ok) {
 *   res.writeHead(outcome.status, outcome.headers).end(JSON.stringify(outcome.body));
 *   return;
 * }
 * ```
 */
export async function authenticateRequest(
  apiTokens: ApiTokens,
  headers: HeaderSource,
  options: HttpAuthOptions | Readonly<ResolvedHttpOptions> = {},
): Promise<HttpAuthOutcome> {
  const resolved = isResolved(options) ? options : resolveHttpOptions(options);
  const credential = readCredential(headers, resolved);

  if (credential.kind === 'ambiguous') return reject(400, 'INVALID_REQUEST', credential.detail, resolved);
  if (credential.kind === 'missing') {
    const where = resolved.bearer ? `the ${resolved.headerLabel} header or as an Authorization Bearer token` : `the ${resolved.headerLabel} header`;
    return reject(401, 'MISSING_API_KEY', `Missing API key; send it in ${where}`, resolved);
  }

  try {
    const result = await apiTokens.verify(credential.value);
    if (!result.valid && result.code === 'PLAN_NOT_ALLOWED') {
      return reject(403, 'PLAN_NOT_ALLOWED', "The organization's plan does not include API access", resolved);
    }
    if (!result.valid) return reject(401, 'INVALID_API_KEY', 'Invalid API key', resolved);

    const decision = await apiTokens.consumeRateLimit(result.auth);
    const headers = decision === null ? {} : responseRateLimitHeaders(decision, resolved);
    if (decision !== null && !decision.allowed) {
      const rejection = reject(429, 'RATE_LIMITED', `Rate limit of ${decision.limit} requests per ${decision.windowSeconds} seconds exceeded; retry after ${decision.retryAfter} seconds`, resolved);
      Object.assign(rejection.headers, headers, { 'retry-after': String(decision.retryAfter) });
      return rejection;
    }
    return { ok: true, auth: result.auth, headers };
  } catch (error) {
    if (!isApiTokenError(error)) throw error;
    const rejection = reject(503, 'SERVICE_UNAVAILABLE', 'Authentication is temporarily unavailable; retry later', resolved);
    rejection.error = error;
    return rejection;
  }
}

/**
 * Checks that an authenticated request has every one of `permissions`. Returns `null` when
 * it does, or a 403 rejection naming the first missing permission.
 *
 * @throws TypeError when `auth` is missing: the route checks permissions without
 * authenticating first. That is a setup mistake, so the framework responds with 500 and logs it,
 * and the route is never left open.
 */
export function checkPermissions(
  auth: AuthContext | null | undefined,
  permissions: readonly string[],
  options: HttpAuthOptions | Readonly<ResolvedHttpOptions> = {},
): HttpRejection | null {
  const resolved = isResolved(options) ? options : resolveHttpOptions(options);
  if (auth === null || auth === undefined) {
    throw new TypeError('requirePermission ran on a request that apiTokenAuth did not authenticate; add apiTokenAuth before requirePermission on this route');
  }
  const missing = permissions.find((permission) => !auth.can(permission));
  if (missing === undefined) return null;
  return reject(403, 'INSUFFICIENT_PERMISSION', `This API key lacks the permission "${missing}"`, resolved);
}

/** Returns the `X-RateLimit-*` headers for a decision: integers, `Reset` in UTC epoch seconds. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(decision.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': String(decision.reset),
  };
}

/**
 * Returns the `RateLimit-Policy` and `RateLimit` fields for a decision, in the structured-field
 * syntax of draft-ietf-httpapi-ratelimit-headers-11 (May 2026). `RateLimit-Policy` carries
 * the quota `q` and the window `w` in seconds. `RateLimit` carries the remaining quota `r` and
 * the seconds `t` until the window ends, which equals `Retry-After` on a 429. Neither carries
 * a partition key (`pk`), because the quota belongs to the credential the client sent.
 *
 * @throws TypeError when `policy` is not 1 to 64 printable ASCII characters.
 *
 * @example
 * ```ts
 * ietfRateLimitHeaders(decision);
 * // { 'ratelimit-policy': '"default";q=100;w=60', ratelimit: '"default";r=42;t=30' }
 * ```
 */
export function ietfRateLimitHeaders(decision: RateLimitDecision, policy = 'default'): Record<string, string> {
  const name = serializeString(checkPolicyName(policy, 'policy'));
  return {
    'ratelimit-policy': `${name};q=${decision.limit};w=${decision.windowSeconds}`,
    ratelimit: `${name};r=${decision.remaining};t=${decision.retryAfter}`,
  };
}

function responseRateLimitHeaders(decision: RateLimitDecision, options: ResolvedHttpOptions): Record<string, string> {
  const headers = rateLimitHeaders(decision);
  if (options.ietfPolicy === null) return headers;
  return { ...headers, ...ietfRateLimitHeaders(decision, options.ietfPolicy) };
}

function resolveIetfPolicy(option: HttpAuthOptions['ietfHeaders']): string | null {
  if (option === undefined || option === false) return null;
  if (option === true) return 'default';
  if (typeof option !== 'object' || option === null) {
    throw new TypeError('options.ietfHeaders is invalid: expected true, false or { policy: "name" }');
  }
  return checkPolicyName(option.policy, 'options.ietfHeaders.policy');
}

function checkPolicyName(policy: unknown, label: string): string {
  if (typeof policy !== 'string' || !POLICY_NAME.test(policy)) {
    throw new TypeError(`${label} is invalid: expected 1 to 64 printable ASCII characters, such as "default", got ${JSON.stringify(policy)}`);
  }
  return policy;
}

// A structured-field String (sf-string, RFC 9651): printable ASCII in double quotes, with `"`
// and `\` escaped by a backslash.
function serializeString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function readCredential(source: HeaderSource, options: ResolvedHttpOptions): Credential {
  const apiKey = readSingle(source, options.header, options.headerLabel);
  if (apiKey.kind === 'ambiguous') return apiKey;

  if (!options.bearer) return apiKey;

  const bearer = readBearer(source);
  if (bearer.kind === 'ambiguous') return bearer;
  if (apiKey.kind === 'token' && bearer.kind === 'token') {
    return { kind: 'ambiguous', detail: `Send the API key once, either in ${options.headerLabel} or as a Bearer token, not both` };
  }
  return apiKey.kind === 'token' ? apiKey : bearer;
}

function readSingle(source: HeaderSource, name: string, label: string): Credential {
  const value = trimWhitespace(readHeader(source, name));
  if (value === '') return { kind: 'missing' };
  return checkCredential(value, `The ${label} header`);
}

function readBearer(source: HeaderSource): Credential {
  const value = trimWhitespace(readHeader(source, 'authorization'));
  // Another scheme (Basic, Digest) is not this library's credential, so it counts as absent.
  if (!BEARER_SCHEME.test(value)) return { kind: 'missing' };

  // Everything after the scheme is the credential, so a second "Bearer x" joined on by a
  // repeated header fails the check below instead of being skipped.
  const token = value.slice('Bearer'.length).replace(/^ +/, '');
  if (token === '') return { kind: 'missing' };
  return checkCredential(token, 'The Bearer token');
}

function checkCredential(value: string, label: string): Credential {
  if (value.length > MAX_CREDENTIAL_LENGTH) {
    return { kind: 'ambiguous', detail: `${label} is longer than ${MAX_CREDENTIAL_LENGTH} characters` };
  }
  // Node and Fetch join a repeated header with ", ", so a comma or inner whitespace means
  // that several values were sent. Choosing one of them could authenticate the wrong one.
  if (!VISIBLE_ASCII.test(value) || value.includes(',')) {
    return { kind: 'ambiguous', detail: `${label} must be one API key of visible ASCII characters, without spaces or commas` };
  }
  return { kind: 'token', value };
}

// Returns the header's value, with repeated lines joined by ", " as Fetch joins them, so a
// Node array and a Fetch string for the same request get the same checks and messages.
function readHeader(source: HeaderSource, name: string): string {
  let value: HeaderValue;
  if (typeof source === 'function') value = source(name);
  else if (typeof (source as { get?: unknown }).get === 'function') value = (source as { get(name: string): string | null }).get(name);
  else value = (source as Readonly<Record<string, HeaderValue>>)[name];

  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return value.join(', ');
}

// HTTP optional whitespace is space and horizontal tab (RFC 9110, section 5.6.3).
function trimWhitespace(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

function reject(status: HttpRejection['status'], code: ProblemCode, detail: string, options: ResolvedHttpOptions): HttpRejection {
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
  };
  if (status === 401 || status === 400) headers['www-authenticate'] = challenge(code, options);
  return { ok: false, status, headers, body: { type: 'about:blank', title: TITLES[status], status, detail, code } };
}

// RFC 6750, section 3: no error attribute when credentials are missing, `invalid_token` for
// a rejected token and `invalid_request` for a malformed request.
function challenge(code: ProblemCode, options: ResolvedHttpOptions): string {
  let error = '';
  if (code === 'INVALID_API_KEY') error = ', error="invalid_token"';
  if (code === 'INVALID_REQUEST') error = ', error="invalid_request"';
  const challenges = [`ApiKey realm="${options.realm}", header="${options.headerLabel}"${error}`];
  if (options.bearer) challenges.push(`Bearer realm="${options.realm}"${error}`);
  return challenges.join(', ');
}

const TITLES: Record<HttpRejection['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

// Adapters resolve their options once at setup; this lets them pass the result on per request.
const resolvedOptions = new WeakSet<object>();

function isResolved(options: object): options is Readonly<ResolvedHttpOptions> {
  return resolvedOptions.has(options);
}
