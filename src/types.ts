import type { ExpirationPeriod } from './expiry.js';
import type { InactiveReason, TokenStatus } from './store.js';

/** The signed-in user acting in one organization, with the host application's ids. */
export interface Actor {
  orgId: string;
  userId: string;
}

/** A user's current membership in an organization. */
export interface Member {
  role: string;
  permissions: readonly string[];
}

/** The organization fields the library reads. */
export interface Organization {
  plan: string;
}

/**
 * The host application's users and organizations. Called at every verification, so a
 * change of role, permissions or plan shows on the next request.
 */
export interface Directory {
  /** Returns the user's current membership in the organization, or `null` if they are not a member. */
  getMember(orgId: string, userId: string): Promise<Member | null>;
  /** Returns the organization, or `null` if it does not exist. Needed when `apiPlans` or `rateLimits` is set. */
  getOrganization?(orgId: string): Promise<Organization | null>;
}

/** A token as management calls return it. Never carries the token value or its digest. */
export interface TokenInfo {
  id: string;
  orgId: string;
  userId: string;
  name: string;
  /** The last 4 characters of the token, to tell tokens apart in lists. */
  suffix: string;
  createdAt: Date;
  /** `null` when the token never expires. */
  expiresAt: Date | null;
  status: TokenStatus;
  inactiveReason: InactiveReason | null;
  lastUsedAt: Date | null;
  /** The ceiling on the token's permissions, or `null` for all of the creator's permissions. */
  scopes: readonly string[] | null;
}

/** The input of `create`. */
export interface CreateTokenInput {
  /** Trimmed, then 1 to 100 characters with no control characters. */
  name: string;
  expiresIn: ExpirationPeriod;
  /** Narrows the token to these permissions (still limited by the creator's own). */
  scopes?: readonly string[] | null;
}

/** The result of `create`: the only time the token value is available. */
export interface CreatedToken {
  /** The token value. Show it to the user once; it cannot be read back. */
  token: string;
  info: TokenInfo;
}

/** Options of `list`. */
export interface ListTokensOptions {
  /** Page size, 1 to 100. Default 20. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  /**
   * `'own'` (default) lists the actor's tokens. `'organization'` lists every token of the
   * organization and needs one of the admin roles.
   */
  scope?: 'own' | 'organization';
}

/** One page of `list`. */
export interface TokenPage {
  items: TokenInfo[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** The identity a verified token acts for, with the creator's permissions at this moment. */
export interface AuthContext {
  tokenId: string;
  orgId: string;
  userId: string;
  role: string;
  permissions: readonly string[];
  /** The organization's plan, or `null` when the directory has no `getOrganization`. */
  plan: string | null;
  /** Tells whether the token has `permission` (exact, `resource:*` or `*`). */
  can(permission: string): boolean;
}

/** The reason `verify` rejected a token. */
export type VerifyFailureCode =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'INACTIVE'
  | 'EXPIRED'
  | 'MEMBER_NOT_FOUND'
  | 'PLAN_NOT_ALLOWED';

/** The outcome of `verify`. */
export type VerifyResult = { valid: true; auth: AuthContext } | { valid: false; code: VerifyFailureCode };

/** A token was created, deactivated, reactivated or revoked by a user. */
export interface TokenChangeEvent {
  type: 'token.created' | 'token.deactivated' | 'token.reactivated' | 'token.revoked';
  at: Date;
  tokenId: string;
  orgId: string;
  userId: string;
  /** The user who made the change. */
  actor: Actor;
}

/** A token's expiry was written to the store (on its next use, read or a sweep). */
export interface TokenExpiredEvent {
  type: 'token.expired';
  at: Date;
  tokenId: string;
  orgId: string;
  userId: string;
}

/** A verification failed. The ids are `null` when no stored token matched. */
export interface VerificationFailedEvent {
  type: 'verification.failed';
  at: Date;
  code: VerifyFailureCode;
  tokenId: string | null;
  orgId: string | null;
  userId: string | null;
}

/** A background write (`lastUsedAt` or an expiry) failed; the request it came from was not affected. */
export interface BackgroundFailedEvent {
  type: 'background.failed';
  at: Date;
  operation: 'touch-last-used' | 'record-expiry';
  tokenId: string;
  error: unknown;
}

/** A request was rejected with 429. */
export interface RateLimitExceededEvent {
  type: 'rate-limit.exceeded';
  at: Date;
  tokenId: string;
  orgId: string;
  plan: string | null;
  limit: number;
}

/** The rate-limit store failed. With `failOpen: true` the request was let through. */
export interface RateLimitUnavailableEvent {
  type: 'rate-limit.unavailable';
  at: Date;
  failOpen: boolean;
  error: unknown;
}

/**
 * Publishing a cache invalidation failed. The change itself was stored; other instances may
 * use their cached record of the token until the cache TTL ends.
 */
export interface CacheInvalidationFailedEvent {
  type: 'cache.invalidation-failed';
  at: Date;
  tokenId: string;
  error: unknown;
}

/**
 * Something that happened, for audit logs and metrics. Events carry ids, never a token
 * value or digest.
 */
export type ApiTokenEvent =
  | TokenChangeEvent
  | TokenExpiredEvent
  | VerificationFailedEvent
  | BackgroundFailedEvent
  | RateLimitExceededEvent
  | RateLimitUnavailableEvent
  | CacheInvalidationFailedEvent;

/** The `type` of every {@link ApiTokenEvent}. */
export type ApiTokenEventType = ApiTokenEvent['type'];
