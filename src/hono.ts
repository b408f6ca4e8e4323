import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import {
  assertApiTokens,
  authenticatedBy,
  configFor,
  rememberConfig,
  resolveAdapterConfig,
  resolvePermissions,
  serializeProblem,
  type AdapterAuthOptions,
  type AdapterConfig,
} from './adapter-config.js';
import type { ApiTokens } from './api-tokens.js';
import { authenticateRequest, checkPermissions, type HttpRejection } from './http.js';
import {
  handleManagementRequest,
  MANAGEMENT_ROUTES,
  MAX_MANAGEMENT_BODY_BYTES,
  payloadTooLarge,
  type ManagementResponse,
} from './management-http.js';
import type { Actor, AuthContext } from './types.js';

/**
 * The context variables set by {@link apiTokenAuth}. Declare them on the app to type
 * `c.var.apiToken`: `new Hono<{ Variables: Variables }>()`.
 */
export interface Variables {
  /** The verified token's organization, user and current permissions. */
  apiToken: AuthContext;
}

/**
 * Builds the response for a rejected request. Return a `Response` to send it, or nothing
 * to send the default problem response.
 */
export type HonoRejectionHandler = (rejection: HttpRejection, c: Context) => Response | void | Promise<Response | void>;

/** Options of {@link apiTokenAuth}. */
export type HonoAuthOptions = AdapterAuthOptions<HonoRejectionHandler>;

/** Options of {@link tokenManagement}. */
export interface HonoManagementOptions {
  /** Returns the signed-in user and the organization they act in, or `null`, which gets a 401 response. */
  getActor(c: Context): Actor | null | Promise<Actor | null>;
}

type Config = AdapterConfig<HonoRejectionHandler>;

/**
 * Creates Hono middleware that authenticates requests by API token. On success it sets
 * `c.var.apiToken` and the rate-limit headers. Otherwise it responds with the rejection
 * (400, 401, 403, 429 or 503) as problem details, with all its headers. A request that the
 * same `apiTokens` already authenticated passes through, so it is counted once against the
 * rate limit however often the middleware is mounted. Uses no `node:` module.
 *
 * @throws TypeError when `apiTokens` or an option is invalid.
 *
 * @example
 * ```ts
 * import { apiTokenAuth, requirePermission, type Variables } from 'api-tokens/hono';
 *
 * const app = new Hono<{ Variables: Variables }>();
 * app.use('/v1/*', apiTokenAuth(apiTokens));
 * app.get('/v1/documents', requirePermission('documents:read'), (c) => c.json(listDocuments(c.var.apiToken.orgId)));
 * ```
 */
export function apiTokenAuth(apiTokens: ApiTokens, options?: HonoAuthOptions): MiddlewareHandler<{ Variables: Variables }> {
  const config = resolveAdapterConfig('apiTokenAuth', apiTokens, options);

  return createMiddleware<{ Variables: Variables }>(async (c, next) => {
    if (c.get('apiToken') !== undefined && authenticatedBy(c, config.apiTokens)) {
      await next();
      return undefined;
    }

    const outcome = await authenticateRequest(config.apiTokens, c.req.raw.headers, config.http);
    if (!outcome.ok) return respond(outcome, c, config);

    // The headers go on c.res, not through c.header(). Hono (4.13) copies the headers of c.res
    // into a Response that a handler or onError returns, but drops those c.header() only prepared.
    for (const [name, value] of Object.entries(outcome.headers)) c.res.headers.set(name, value);
    c.set('apiToken', outcome.auth);
    rememberConfig(c, config);
    await next();
    return undefined;
  });
}

/**
 * Creates Hono middleware that lets a request through only when its token has every one of
 * `permissions`, and responds 403 otherwise. Mount it after {@link apiTokenAuth}: on a request
 * that was not authenticated it throws a TypeError, so Hono responds with 500.
 *
 * @throws TypeError when no permission is given or one is not a non-empty string.
 *
 * @example
 * ```ts
 * app.delete('/v1/documents/:id', requirePermission('documents:write'), deleteDocument);
 * ```
 */
export function requirePermission(...permissions: string[]): MiddlewareHandler<{ Variables: Variables }> {
  const required = resolvePermissions(permissions);

  return createMiddleware<{ Variables: Variables }>(async (c, next) => {
    const config = configFor<HonoRejectionHandler>(c);
    const rejection = checkPermissions(c.get('apiToken'), required, config?.http ?? {});
    if (rejection !== null) return respond(rejection, c, config);
    await next();
    return undefined;
  });
}

/**
 * Creates a Hono sub-app with the token management endpoints, for the signed-in users of
 * the host application: `POST /tokens`, `GET /tokens`, `GET /tokens/:id`,
 * `POST /tokens/:id/deactivate`, `POST /tokens/:id/reactivate` and `DELETE /tokens/:id`.
 * Mount it with `app.route(prefix, ...)`. Request and response bodies are JSON; errors are
 * problem details naming the field.
 *
 * @throws TypeError when `apiTokens` or `options.getActor` is invalid.
 *
 * @example
 * ```ts
 * import { tokenManagement } from 'api-tokens/hono';
 *
 * app.route('/account', tokenManagement(apiTokens, {
 *   getActor: (c) => (c.var.user ? { orgId: c.var.orgId, userId: c.var.user.id } : null),
 * }));
 * ```
 */
export function tokenManagement(apiTokens: ApiTokens, options: HonoManagementOptions): Hono {
  assertApiTokens('tokenManagement', apiTokens);
  if (typeof options?.getActor !== 'function') {
    throw new TypeError('tokenManagement: options.getActor is invalid: expected a function (c) => Actor | null');
  }

  const app = new Hono();
  // Per route rather than app.use(), which would also limit the host's routes under the
  // same prefix once the sub-app is mounted.
  const limitBody = bodyLimit({ maxSize: MAX_MANAGEMENT_BODY_BYTES, onError: (c) => send(c, payloadTooLarge()) });

  for (const route of MANAGEMENT_ROUTES) {
    app.on(route.method, route.path, limitBody, async (c) => {
      const response = await handleManagementRequest(apiTokens, route.operation, {
        getActor: () => options.getActor(c),
        tokenId: c.req.param('id'),
        url: c.req.url,
        readBody: async () => ({ kind: 'text', text: await c.req.text(), contentType: c.req.header('content-type') ?? null }),
      });
      return send(c, response);
    });
  }
  return app;
}

async function respond(rejection: HttpRejection, c: Context, config: Config | null): Promise<Response> {
  if (config?.onRejection) {
    const custom = await config.onRejection(rejection, c);
    if (custom instanceof Response) return custom;
  }
  return send(c, { status: rejection.status, headers: rejection.headers, body: serializeProblem(rejection.body) });
}

function send(c: Context, response: ManagementResponse): Response {
  if (response.body === '') return c.body(null, response.status as StatusCode, response.headers);
  return c.body(response.body, response.status as ContentfulStatusCode, response.headers);
}
