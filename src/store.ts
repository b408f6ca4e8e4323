import type { DigestScheme } from './digest.js';

/** Whether a token can be used. Expiry is reported as `inactive` with reason `expired`. */
export type TokenStatus = 'active' | 'inactive';

/** The reason a token is inactive. */
export type InactiveReason = 'deactivated' | 'expired';

/**
 * A token as a {@link TokenStore} keeps it. Holds the digest, never the token value.
 * Instants are `Date` objects with millisecond precision; `expiresAt: null` means the token
 * never expires.
 */
export interface TokenRecord {
  id: string;
  orgId: string;
  userId: string;
  name: string;
  suffix: string;
  digest: string;
  digestScheme: DigestScheme;
  digestKeyId: string | null;
  status: TokenStatus;
  inactiveReason: InactiveReason | null;
  /** The user who last deactivated the token, or `null`. */
  deactivatedBy: string | null;
  scopes: readonly string[] | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** The status fields written by {@link TokenStore.updateStatus}. */
export interface StatusChange {
  status: TokenStatus;
  inactiveReason: InactiveReason | null;
  deactivatedBy: string | null;
}

/**
 * The stored state a status change expects to find. The change is written only if both fields
 * still match, so a decision made on a record read earlier (such as whether this user may
 * reactivate a token deactivated by someone else) cannot apply to a record changed since.
 */
export interface ExpectedStatus {
  status: TokenStatus;
  deactivatedBy: string | null;
}

/** A position in a newest-first listing: the last record of the previous page. */
export interface ListCursor {
  createdAt: Date;
  id: string;
}

/** A page request for {@link TokenStore.list}. */
export interface ListQuery {
  orgId: string;
  /** Only this user's tokens; all of the organization's when absent. */
  userId?: string;
  /** Return the records strictly after this position. */
  after: ListCursor | null;
  limit: number;
}

/**
 * Storage for token records. A store contains no rules: expiry, permissions and status
 * decisions live in the core, which calls these methods.
 *
 * Run `testTokenStore()` from `api-tokens/testing` against an implementation to check it.
 */
export interface TokenStore {
  /**
   * Inserts a new record. Rejects when the id or the digest already exists.
   */
  insert(record: TokenRecord): Promise<void>;

  /** Finds the record with exactly this digest, or returns `null`. */
  findByDigest(digest: string): Promise<TokenRecord | null>;

  /** Finds the record with this id, or returns `null`. */
  findById(id: string): Promise<TokenRecord | null>;

  /**
   * Lists records of an organization (and optionally one user), newest first, ordered by
   * `createdAt` descending and then `id` descending, at most `limit` of them.
   */
  list(query: ListQuery): Promise<TokenRecord[]>;

  /**
   * Changes the status fields of a record only if its `status` and `deactivatedBy` still
   * equal `expected` (`null` equals `null`), and returns the updated record. Returns `null`
   * when the record is missing or either field differs.
   */
  updateStatus(id: string, expected: ExpectedStatus, change: StatusChange): Promise<TokenRecord | null>;

  /** Sets `lastUsedAt` to `at` unless the stored value is already later. */
  touchLastUsed(id: string, at: Date): Promise<void>;

  /** Deletes a record. Returns whether one was deleted. */
  delete(id: string): Promise<boolean>;

  /**
   * Lists up to `limit` records whose status is `active` and whose `expiresAt` is set and
   * at or before `now`. The core decides again for each one before changing it.
   */
  listExpired(now: Date, limit: number): Promise<TokenRecord[]>;
}
