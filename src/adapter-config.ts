import type { ApiTokens } from './api-tokens.js';
import {
  HTTP_OPTION_NAMES,
  resolveHttpOptions,
  type HeaderSource,
  type HttpAuthOptions,
  type ProblemDetails,
  type ResolvedHttpOptions,
} from './http.js';
import { assertKnownOptions } from './known-options.js';

/** Options of every adapter's `apiTokenAuth`: the HTTP options and a custom error responder. */
export interface AdapterAuthOptions<Responder> extends HttpAuthOptions {
  /**
   * Called instead of the default response when a request is rejected. It receives the
   * complete rejection (status, headers, problem body) and may write its own response.
   * When it writes nothing, the default response is sent.
   */
  onRejection?: Responder;
}

/** An adapter's options after validation, shared by its `apiTokenAuth` and `requirePermission`. */
export interface AdapterConfig<Responder> {
  readonly apiTokens: ApiTokens;
  readonly http: Readonly<ResolvedHttpOptions>;
  readonly onRejection: Responder | null;
}

/** Option names that an adapter takes besides the HTTP options, and names it accepts but leaves to the framework. */
export interface AdapterOptionNames {
  /** Names the adapter reads, such as Fastify's `apiTokens`. */
  readonly own?: readonly string[];
  /** Names the framework reads, such as the `prefix` of Fastify's `register`. */
  readonly framework?: readonly string[];
}

/**
 * Validates an adapter's arguments into a new frozen object.
 *
 * @throws TypeError naming the argument or option when one is invalid or unknown.
 */
export function resolveAdapterConfig<Responder>(
  caller: string,
  apiTokens: unknown,
  options: AdapterAuthOptions<Responder> | undefined,
  names: AdapterOptionNames = {},
): AdapterConfig<Responder> {
  assertApiTokens(caller, apiTokens);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`${caller}: options is invalid: expected an object or undefined`);
  }
  assertKnownOptions(options ?? {}, [...(names.own ?? []), ...HTTP_OPTION_NAMES, 'onRejection'], `${caller}: options`, names.framework);

  const onRejection = options?.onRejection;
  if (onRejection !== undefined && typeof onRejection !== 'function') {
    throw new TypeError(`${caller}: options.onRejection is invalid: expected a function that receives the rejection`);
  }

  const http = resolveHttpOptions(pickHttpOptions(options ?? {}));
  return Object.freeze({ apiTokens, http, onRejection: onRejection ?? null });
}

function pickHttpOptions(options: HttpAuthOptions): HttpAuthOptions {
  const picked: Record<string, unknown> = {};
  for (const name of HTTP_OPTION_NAMES) {
    if (options[name] !== undefined) picked[name] = options[name];
  }
  return picked as HttpAuthOptions;
}

/**
 * Checks that `apiTokens` is the object returned by `createApiTokens`.
 *
 * @throws TypeError when it is not.
 */
export function assertApiTokens(caller: string, apiTokens: unknown): asserts apiTokens is ApiTokens {
  const candidate = apiTokens as Partial<Record<keyof ApiTokens, unknown>> | null | undefined;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.verify === 'function' &&
    typeof candidate.consumeRateLimit === 'function' &&
    typeof candidate.create === 'function';
  if (!valid) throw new TypeError(`${caller}: apiTokens is invalid: expected the object returned by createApiTokens()`);
}

/**
 * Validates the arguments of `requirePermission` into a frozen list.
 *
 * @throws TypeError when no permission is given or one is not a non-empty string.
 */
export function resolvePermissions(permissions: readonly unknown[]): readonly string[] {
  if (permissions.length === 0) {
    throw new TypeError('requirePermission: expected at least one permission, such as requirePermission("documents:read")');
  }
  permissions.forEach((permission, index) => {
    if (typeof permission !== 'string' || permission === '') {
      throw new TypeError(`requirePermission: permission ${index + 1} is invalid: expected a non-empty string, got ${JSON.stringify(permission)}`);
    }
  });
  return Object.freeze([...(permissions as string[])]);
}

/** The parts of a Node `IncomingMessage` that carry its headers. */
export interface NodeRequestHeaders {
  readonly headersDistinct?: Readonly<Record<string, string[] | undefined>>;
  readonly rawHeaders?: readonly unknown[];
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Returns the headers of a Node request with repeated lines kept apart: `headersDistinct`,
 * or for a request object without it, such as one of Fastify's `inject()` (light-my-request
 * 6), the same map built from `rawHeaders`.
 */
export function distinctHeaders(request: NodeRequestHeaders): HeaderSource {
  if (request.headersDistinct !== undefined && request.headersDistinct !== null) return request.headersDistinct;
  if (!Array.isArray(request.rawHeaders)) return request.headers;

  const headers: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = String(request.rawHeaders[index]).toLowerCase();
    (headers[name] ??= []).push(String(request.rawHeaders[index + 1]));
  }
  return headers;
}

/** Serializes a problem body. Every adapter sends these bytes, so their responses are identical. */
export function serializeProblem(problem: ProblemDetails): string {
  return JSON.stringify(problem);
}

// The configuration of the apiTokenAuth that authenticated each request, keyed by the
// framework's request object, so requirePermission responds with the same header name,
// realm and responder.
const requestConfigs = new WeakMap<object, AdapterConfig<unknown>>();

/** Records which configuration authenticated `request`. */
export function rememberConfig(request: object, config: AdapterConfig<unknown>): void {
  requestConfigs.set(request, config);
}

/**
 * Tells whether `apiTokens` already authenticated `request`. A request authenticated by
 * another `ApiTokens` (another token system of the same app) does not count, so its token
 * never passes a middleware of this one.
 */
export function authenticatedBy(request: object, apiTokens: ApiTokens): boolean {
  return requestConfigs.get(request)?.apiTokens === apiTokens;
}

/** Returns the configuration that authenticated `request`, or `null` when none did. */
export function configFor<Responder>(request: object): AdapterConfig<Responder> | null {
  return (requestConfigs.get(request) as AdapterConfig<Responder> | undefined) ?? null;
}
