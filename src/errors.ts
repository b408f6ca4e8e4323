/**
 * Stable codes of {@link ApiTokenError}. Callers `switch` on these; they never change
 * between minor versions.
 */
export type ApiTokenErrorCode =
  | 'FORBIDDEN'
  | 'PLAN_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'TOKEN_EXPIRED'
  | 'INVALID_INPUT'
  | 'STORE_UNAVAILABLE'
  | 'DIRECTORY_UNAVAILABLE'
  | 'RATE_LIMIT_UNAVAILABLE';

// Symbol.for() is shared across realms and module copies, so an error thrown by the CJS
// build is recognised by the ESM build's guard and the other way round.
const brand = Symbol.for('api-tokens.error');

/** Options of {@link ApiTokenError}. */
export interface ApiTokenErrorOptions {
  /** The input field the error is about, such as `name` or `expiresIn`. */
  field?: string;
  /** The underlying failure, such as a driver error. */
  cause?: unknown;
}

/**
 * The one error family thrown by token management and by verification when a
 * dependency fails. Every instance carries a stable {@link ApiTokenErrorCode}.
 *
 * @example
 * ```ts
 * try {
 *   await apiTokens.revoke(actor, tokenId);
 * } catch (err) {
 *   if (isApiTokenError(err) && err.code === 'NOT_FOUND') return reply.status(404).send();
 *   throw err;
 * }
 * ```
 */
export class ApiTokenError extends Error {
  /** The stable code to branch on. */
  readonly code: ApiTokenErrorCode;
  /** The input field the error is about, when there is one. */
  readonly field: string | undefined;

  constructor(code: ApiTokenErrorCode, message: string, options: ApiTokenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiTokenError';
    this.code = code;
    this.field = options.field;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * Tells whether `value` is an {@link ApiTokenError}, also when it was thrown by another copy
 * of the library (the ESM and the CJS build loaded side by side).
 *
 * @example
 * ```ts
 * if (isApiTokenError(err) && err.code === 'FORBIDDEN') res.status(403);
 * ```
 */
export function isApiTokenError(value: unknown): value is ApiTokenError {
  // The guard does not test `instanceof Error`, because an error from another realm (a vm
  // context or an iframe) inherits from that realm's Error. It carries the same brand.
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}
