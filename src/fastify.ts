import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  assertApiTokens,
  authenticatedBy,
  configFor,
  distinctHeaders,
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

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token's organization, user and current permissions; `null` until the plugin authenticates the request. */
    apiToken: AuthContext | null;
  }
}

/**
 * Writes the response for a rejected request. It may send its own reply, and may return
 * the reply as Fastify hooks do. When it sends nothing, the default problem response is sent.
 *
 * NOTE: an async handler must not return a reply that it has not sent. Fastify makes a reply
 * thenable, settling once the response is sent, so the handler's promise would never settle.
 */
export type FastifyRejectionHandler = (
  rejection: HttpRejection,
  request: FastifyRequest,
  reply: FastifyReply,
) => FastifyReply | void | Promise<FastifyReply | void>;

/** Options of the {@link apiTokenAuth} plugin. */
export interface FastifyAuthOptions extends AdapterAuthOptions<FastifyRejectionHandler> {
  /** The object returned by `createApiTokens`. */
  apiTokens: ApiTokens;
}

/** Options of the {@link tokenManagement} plugin. */
export interface FastifyManagementOptions {
  /** The object returned by `createApiTokens`. */
  apiTokens: ApiTokens;
  /** Returns the signed-in user and the organization they act in, or `null`, which gets a 401 response. */
  getActor(request: FastifyRequest): Actor | null | Promise<Actor | null>;
}

/** A route hook that ends the request with a rejection, or lets it continue. */
export type PermissionHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

type Config = AdapterConfig<FastifyRejectionHandler>;

// The options of app.register() that Fastify reads itself and also passes to the plugin.
const FASTIFY_REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

const authPlugin: FastifyPluginAsync<FastifyAuthOptions> = async (fastify, options) => {
  const config = resolveAdapterConfig('api-tokens/fastify', options?.apiTokens, options, {
    own: ['apiTokens'],
    framework: FASTIFY_REGISTER_OPTIONS,
  });
  if (!fastify.hasRequestDecorator('apiToken')) fastify.decorateRequest('apiToken', null);

  fastify.addHook('onRequest', async (request, reply) => {
    if (request.apiToken !== null && authenticatedBy(request, config.apiTokens)) return undefined;

    // Repeated headers stay apart, while request.headers keeps only the first Authorization
    // header and would hide the repetition.
    const outcome = await authenticateRequest(config.apiTokens, distinctHeaders(request.raw), config.http);
    if (!outcome.ok) return sendRejection(outcome, request, reply, config);

    reply.headers(outcome.headers);
    request.apiToken = outcome.auth;
    rememberConfig(request, config);
    return undefined;
  });
};

/**
 * The Fastify plugin that authenticates requests by API token, registered as
 * `app.register(apiTokenAuth, { apiTokens })`. On success it sets `request.apiToken` and the
 * rate-limit headers. Otherwise it replies with the rejection (400, 401, 403, 429 or 503)
 * as problem details, and no handler runs.
 *
 * The plugin is wrapped with `fastify-plugin`, so it protects every route of the context it
 * is registered in, including routes of the parent when registered at the root. To protect
 * only some routes, register it inside an encapsulated child context together with them.
 * A request that the same `apiTokens` already authenticated is not authenticated again, so
 * registering the plugin in nested contexts counts each request once.
 *
 * @throws TypeError (when the app starts) if `apiTokens` or an option is invalid.
 *
 * @example
 * ```ts
 * import { apiTokenAuth, requirePermission } from 'api-tokens/fastify';
 *
 * app.register(async (api) => {
 *   await api.register(apiTokenAuth, { apiTokens });
 *   api.get('/v1/documents', { onRequest: requirePermission('documents:read') }, async (request) => {
 *     return listDocuments(request.apiToken!.orgId);
 *   });
 * });
 * ```
 */
export const apiTokenAuth = fp(authPlugin, { fastify: '5.x', name: 'api-tokens' });

export default apiTokenAuth;

/**
 * Creates a route hook that lets a request through only when its token has every one of
 * `permissions`, and replies 403 otherwise. Use it as a route's `onRequest` or `preHandler`
 * option in a context where {@link apiTokenAuth} is registered. On a request that was not
 * authenticated it throws a TypeError, so Fastify responds with 500.
 *
 * @throws TypeError when no permission is given or one is not a non-empty string.
 *
 * @example
 * ```ts
 * api.delete('/v1/documents/:id', { onRequest: requirePermission('documents:write') }, deleteDocument);
 * ```
 */
export function requirePermission(...permissions: string[]): PermissionHook {
  const required = resolvePermissions(permissions);

  return async (request, reply) => {
    const config = configFor<FastifyRejectionHandler>(request);
    const rejection = checkPermissions(request.apiToken, required, config?.http ?? {});
    if (rejection === null) return undefined;
    return sendRejection(rejection, request, reply, config);
  };
}

/**
 * The Fastify plugin with the token management endpoints, for the signed-in users of the
 * host application: `POST /tokens`, `GET /tokens`, `GET /tokens/:id`,
 * `POST /tokens/:id/deactivate`, `POST /tokens/:id/reactivate` and `DELETE /tokens/:id`,
 * under the `prefix` given to `register`. Request and response bodies are JSON; errors are
 * problem details naming the field. The plugin is encapsulated: its body parsing applies
 * to its own routes only.
 *
 * Register it outside the context protected by {@link apiTokenAuth}, because these
 * endpoints are for signed-in users, not for API tokens.
 *
 * @throws TypeError (when the app starts) if `apiTokens` or `getActor` is invalid.
 *
 * @example
 * ```ts
 * import { tokenManagement } from 'api-tokens/fastify';
 *
 * app.register(tokenManagement, {
 *   prefix: '/account',
 *   apiTokens,
 *   getActor: (request) => (request.session.user ? { orgId: request.session.orgId, userId: request.session.user.id } : null),
 * });
 * ```
 */
export const tokenManagement: FastifyPluginAsync<FastifyManagementOptions> = async (fastify, options) => {
  const apiTokens = options?.apiTokens;
  assertApiTokens('tokenManagement', apiTokens);
  if (typeof options.getActor !== 'function') {
    throw new TypeError('tokenManagement: options.getActor is invalid: expected a function (request) => Actor | null');
  }

  // The endpoints parse JSON themselves, so malformed and oversized bodies get the same
  // problem responses as on the other adapters.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_MANAGEMENT_BODY_BYTES }, (_request, body, done) => {
    done(null, body);
  });
  fastify.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
    return send(reply, payloadTooLarge());
  });

  for (const route of MANAGEMENT_ROUTES) {
    fastify.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const params = request.params as Record<string, string | undefined>;
        const response = await handleManagementRequest(apiTokens, route.operation, {
          getActor: () => options.getActor(request),
          tokenId: params['id'],
          url: request.url,
          readBody: async () => {
            const text = typeof request.body === 'string' ? request.body : '';
            return { kind: 'text', text, contentType: request.headers['content-type'] ?? null };
          },
        });
        return send(reply, response);
      },
    });
  }
};

async function sendRejection(rejection: HttpRejection, request: FastifyRequest, reply: FastifyReply, config: Config | null): Promise<FastifyReply> {
  if (config?.onRejection) {
    const result = config.onRejection(rejection, request, reply);
    // A reply settles only once sent, so a returned reply is not awaited: a chained call
    // such as reply.header() returns it before anything was sent.
    if (result !== reply) await result;
  }
  if (reply.sent) return reply;
  return send(reply, { status: rejection.status, headers: rejection.headers, body: serializeProblem(rejection.body) });
}

// A Buffer, because Fastify appends "; charset=utf-8" to a JSON content type sent with a
// string, and the other adapters send the content type as given.
function send(reply: FastifyReply, response: ManagementResponse): FastifyReply {
  return reply
    .code(response.status)
    .headers(response.headers)
    .send(response.body === '' ? undefined : Buffer.from(response.body, 'utf8'));
}
