import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
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
  type ManagementBody,
  type ManagementResponse,
} from './management-http.js';
import type { Actor, AuthContext } from './types.js';

// Supports Express 4 and 5: the shared request table and the management tests run against both.

declare global {
  // Express types `req` through this global namespace in both Express 4 and 5.
  namespace Express {
    interface Request {
      /** The verified token's organization, user and current permissions, set by `apiTokenAuth`. */
      apiToken?: AuthContext;
    }
  }
}

/**
 * Writes the response for a rejected request. It may write its own response. When it
 * writes nothing, the default problem response is sent.
 */
export type ExpressRejectionHandler = (rejection: HttpRejection, req: Request, res: Response) => void | Promise<void>;

/** Options of {@link apiTokenAuth}. */
export type ExpressAuthOptions = AdapterAuthOptions<ExpressRejectionHandler>;

/** Options of {@link tokenManagement}. */
export interface ExpressManagementOptions {
  /** Returns the signed-in user and the organization they act in, or `null`, which gets a 401 response. */
  getActor(req: Request): Actor | null | Promise<Actor | null>;
}

type Config = AdapterConfig<ExpressRejectionHandler>;

const ROUTER_METHODS = { GET: 'get', POST: 'post', DELETE: 'delete' } as const;

/**
 * Creates Express middleware that authenticates requests by API token. On success it sets
 * `req.apiToken` and the rate-limit headers. Otherwise it sends the rejection (400, 401,
 * 403, 429 or 503) as problem details. A request that the same `apiTokens` already
 * authenticated passes through, so it is counted once against the rate limit however often
 * the middleware is mounted. Works with Express 5 and 4; unexpected errors reach `next(err)`.
 *
 * @throws TypeError when `apiTokens` or an option is invalid.
 *
 * @example
 * ```ts
 * import { apiTokenAuth, requirePermission } from 'api-tokens/express';
 *
 * app.use('/v1', apiTokenAuth(apiTokens, { bearer: true }));
 * app.get('/v1/documents', requirePermission('documents:read'), (req, res) => {
 *   res.json(listDocuments(req.apiToken!.orgId));
 * });
 * ```
 */
export function apiTokenAuth(apiTokens: ApiTokens, options?: ExpressAuthOptions): RequestHandler {
  const config = resolveAdapterConfig('apiTokenAuth', apiTokens, options);

  return (req, res, next) => {
    if (req.apiToken !== undefined && authenticatedBy(req, config.apiTokens)) {
      next();
      return;
    }
    authenticate(req, res, config).then((accepted) => {
      if (accepted) next();
    }, next);
  };
}

/**
 * Creates Express middleware that lets a request through only when its token has every
 * one of `permissions`, and sends 403 otherwise. Mount it after {@link apiTokenAuth}: on a
 * request that was not authenticated it passes a TypeError to `next`, so Express responds with 500.
 *
 * @throws TypeError when no permission is given or one is not a non-empty string.
 *
 * @example
 * ```ts
 * app.delete('/v1/documents/:id', requirePermission('documents:write'), deleteDocument);
 * ```
 */
export function requirePermission(...permissions: string[]): RequestHandler {
  const required = resolvePermissions(permissions);

  return (req, res, next) => {
    const config = configFor<ExpressRejectionHandler>(req);
    const rejection = checkPermissions(req.apiToken, required, config?.http ?? {});
    if (rejection === null) {
      next();
      return;
    }
    sendRejection(rejection, req, res, config).then(() => undefined, next);
  };
}

/**
 * Creates an Express router with the token management endpoints, for the signed-in users
 * of the host application: `POST /tokens`, `GET /tokens`, `GET /tokens/:id`,
 * `POST /tokens/:id/deactivate`, `POST /tokens/:id/reactivate` and `DELETE /tokens/:id`.
 * Request and response bodies are JSON; errors are problem details naming the field.
 * It reads request bodies itself, or uses `req.body` when a body parser already read it.
 *
 * @throws TypeError when `apiTokens` or `options.getActor` is invalid.
 *
 * @example
 * ```ts
 * import { tokenManagement } from 'api-tokens/express';
 *
 * app.use('/account', tokenManagement(apiTokens, {
 *   getActor: (req) => (req.session.user ? { orgId: req.session.orgId, userId: req.session.user.id } : null),
 * }));
 * ```
 */
export function tokenManagement(apiTokens: ApiTokens, options: ExpressManagementOptions): Router {
  assertApiTokens('tokenManagement', apiTokens);
  if (typeof options?.getActor !== 'function') {
    throw new TypeError('tokenManagement: options.getActor is invalid: expected a function (req) => Actor | null');
  }

  const router = express.Router();
  for (const route of MANAGEMENT_ROUTES) {
    router[ROUTER_METHODS[route.method]](route.path, (req: Request, res: Response, next: NextFunction) => {
      handleManagementRequest(apiTokens, route.operation, {
        getActor: () => options.getActor(req),
        tokenId: typeof req.params['id'] === 'string' ? req.params['id'] : undefined,
        url: req.originalUrl,
        readBody: () => readBody(req),
      }).then((response) => send(res, response), next);
    });
  }
  return router;
}

async function authenticate(req: Request, res: Response, config: Config): Promise<boolean> {
  // Repeated headers stay apart, while req.headers keeps only the first Authorization header
  // and would hide the repetition.
  const outcome = await authenticateRequest(config.apiTokens, distinctHeaders(req), config.http);
  if (!outcome.ok) {
    await sendRejection(outcome, req, res, config);
    return false;
  }

  for (const [name, value] of Object.entries(outcome.headers)) res.setHeader(name, value);
  req.apiToken = outcome.auth;
  rememberConfig(req, config);
  return true;
}

async function sendRejection(rejection: HttpRejection, req: Request, res: Response, config: Config | null): Promise<void> {
  if (config?.onRejection) await config.onRejection(rejection, req, res);
  if (res.headersSent) return;
  send(res, { status: rejection.status, headers: rejection.headers, body: serializeProblem(rejection.body) });
}

// Plain Node calls, so Express 4 and 5 send the same bytes as the other adapters (res.send
// would add a charset and an ETag).
function send(res: Response, response: ManagementResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body === '' ? undefined : response.body);
}

function readBody(req: Request): Promise<ManagementBody> {
  const contentType = req.headers['content-type'] ?? null;
  // A body parser of the host application (express.json()) has already read the stream.
  if (req.readableEnded || !req.readable) {
    return Promise.resolve(req.body === undefined ? { kind: 'text', text: '', contentType } : { kind: 'parsed', value: req.body as unknown, contentType });
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_MANAGEMENT_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping the body but let the stream drain, so the connection stays usable.
      req.off('data', onData).off('end', onEnd);
      resolve({ kind: 'too-large' });
    };
    const onEnd = () => resolve({ kind: 'text', text: Buffer.concat(chunks).toString('utf8'), contentType });
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
