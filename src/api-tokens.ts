import { RecordCache } from './cache.js';
import { digestCandidates, digestMatches, digestToken } from './digest.js';
import { ApiTokenError } from './errors.js';
import { expiresAtFor } from './expiry.js';
import { assertKnownOptions } from './known-options.js';
import { generateToken, parseToken, tokenPattern, tokenSuffix } from './format.js';
import { encodeCursor, parseActor, parseCreateInput, parseListOptions, parseTokenId } from './inputs.js';
import { resolveOptions, type ApiTokensOptions, type ResolvedOptions } from './options.js';
import type { RateLimitDecision } from './rate-limit.js';
import { countRequest } from './rate-limiter.js';
import { Runtime } from './runtime.js';
import { evaluate, needsExpiryWrite } from './status.js';
import type { TokenRecord } from './store.js';
import { authContext, toInfo } from './token-views.js';
import type {
  Actor,
  AuthContext,
  CreatedToken,
  CreateTokenInput,
  ListTokensOptions,
  Member,
  TokenInfo,
  TokenPage,
  VerifyFailureCode,
  VerifyResult,
} from './types.js';

/** The API returned by {@link createApiTokens}. */
export interface ApiTokens {
  /** The configured token prefix. */
  readonly prefix: string;
  /** Matches exactly the tokens of this prefix; register it with secret scanners. */
  readonly tokenPattern: RegExp;
  /** Creates a token for the actor. The result is the only time the token value is available. */
  create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken>;
  /** Lists tokens newest first, one page at a time. */
  list(actor: Actor, options?: ListTokensOptions): Promise<TokenPage>;
  /** Returns one token. */
  get(actor: Actor, tokenId: string): Promise<TokenInfo>;
  /** Deactivates a token; it can be reactivated later. */
  deactivate(actor: Actor, tokenId: string): Promise<TokenInfo>;
  /** Reactivates a deactivated token that has not expired. */
  reactivate(actor: Actor, tokenId: string): Promise<TokenInfo>;
  /** Deletes a token permanently. */
  revoke(actor: Actor, tokenId: string): Promise<void>;
  /** Checks a token and returns who it acts for, with the creator's current permissions. */
  verify(token: string): Promise<VerifyResult>;
  /** Counts one request made with a verified token; `null` when no rate limit applies. */
  consumeRateLimit(auth: AuthContext): Promise<RateLimitDecision | null>;
  /** Marks every expired but still active token as expired in the store; returns how many. */
  deactivateExpired(options?: { batchSize?: number }): Promise<number>;
  /** Drops a token from this instance's verification cache only, such as for a change made by another instance. */
  evict(tokenId: string): void;
  /** Waits for the background writes (`lastUsedAt`, expiry) started so far. Call before shutdown. */
  flush(): Promise<void>;
}

/**
 * Creates the token API over a store and the host application's directory.
 *
 * @throws TypeError or RangeError when an option is invalid; the message names the option.
 *
 * @example
 * ```ts
 * const apiTokens = createApiTokens({
 *   store: new MemoryTokenStore(),
 *   prefix: 'acme',
 *   directory: { getMember: async (orgId, userId) => db.findMember(orgId, userId) },
 * });
 * const { token } = await apiTokens.create({ orgId: 'org_1', userId: 'user_1' }, { name: 'CI', expiresIn: '3-months' });
 * const result = await apiTokens.verify(token);
 * ```
 */
export function createApiTokens(options: ApiTokensOptions): ApiTokens {
  return new TokenService(resolveOptions(options));
}

interface ManagerContext {
  actor: Actor;
  member: Member;
  isAdmin: boolean;
}

class TokenService implements ApiTokens {
  readonly prefix: string;
  readonly tokenPattern: RegExp;
  readonly #options: ResolvedOptions;
  readonly #runtime: Runtime;
  readonly #cache: RecordCache | null;
  readonly #lastUsedWrites = new Map<string, number>();

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#runtime = new Runtime(options);
    this.#cache = options.cache === null ? null : new RecordCache(options.cache.ttlMs, options.cache.maxEntries);
    // Without a cache there is nothing to evict, so only an instance with one subscribes.
    if (options.cache !== null) options.invalidation?.subscribe((tokenId) => {
      if (typeof tokenId === 'string') this.#evict(tokenId);
    });
    this.prefix = options.prefix;
    this.tokenPattern = tokenPattern(options.prefix);
  }

  async create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken> {
    const valid = parseCreateInput(input, this.#options.expirationPeriods);
    const context = await this.#authorize(actor);
    await this.#assertPlanAllowsTokens(context.actor.orgId);

    const now = this.#now();
    const token = generateToken(this.#options.prefix);
    const digest = digestToken(token, this.#options.keys[0] ?? null);
    const record: TokenRecord = {
      id: crypto.randomUUID(),
      orgId: context.actor.orgId,
      userId: context.actor.userId,
      name: valid.name,
      suffix: tokenSuffix(token),
      digest: digest.digest,
      digestScheme: digest.scheme,
      digestKeyId: digest.keyId,
      status: 'active',
      inactiveReason: null,
      deactivatedBy: null,
      scopes: valid.scopes,
      createdAt: now,
      expiresAt: expiresAtFor(now, valid.expiresIn),
      lastUsedAt: null,
    };
    await this.#runtime.store('insert', (store) => store.insert(record));

    this.#emitChange('token.created', record, context.actor, now);
    return { token, info: toInfo(record, now) };
  }

  async list(actor: Actor, options?: ListTokensOptions): Promise<TokenPage> {
    const valid = parseListOptions(options);
    const context = await this.#authorize(actor);
    if (valid.scope === 'organization' && !context.isAdmin) {
      throw new ApiTokenError('FORBIDDEN', `Role "${context.member.role}" may not list the tokens of the whole organization; use scope "own" or an admin role`);
    }

    const records = await this.#runtime.store('list', (store) =>
      store.list({
        orgId: context.actor.orgId,
        ...(valid.scope === 'own' ? { userId: context.actor.userId } : {}),
        after: valid.after,
        limit: valid.limit + 1,
      }),
    );
    const now = this.#now();
    const page = records.slice(0, valid.limit);
    const last = page.at(-1);
    const nextCursor = records.length > valid.limit && last !== undefined ? encodeCursor(last) : null;
    for (const record of page) this.#recordExpiryIfDue(record, now);
    return { items: page.map((record) => toInfo(record, now)), nextCursor };
  }

  async get(actor: Actor, tokenId: string): Promise<TokenInfo> {
    const id = parseTokenId(tokenId);
    const context = await this.#authorize(actor);
    const record = await this.#loadManaged(context, id);
    const now = this.#now();
    this.#recordExpiryIfDue(record, now);
    return toInfo(record, now);
  }

  async deactivate(actor: Actor, tokenId: string): Promise<TokenInfo> {
    const id = parseTokenId(tokenId);
    const context = await this.#authorize(actor);
    const record = await this.#loadManaged(context, id);
    const now = this.#now();

    // Already inactive in the store, maybe changed by another instance: this instance's cache
    // may still hold the active record, and the caller expects the token unusable from now on.
    if (evaluate(record, now).status === 'inactive') {
      this.#evict(id);
      this.#recordExpiryIfDue(record, now);
      return toInfo(record, now);
    }

    const change = { status: 'inactive', inactiveReason: 'deactivated', deactivatedBy: context.actor.userId } as const;
    const updated = await this.#runtime.store('updateStatus', (store) => store.updateStatus(id, { status: 'active', deactivatedBy: record.deactivatedBy }, change));
    await this.#invalidate(id);
    if (updated === null) return this.#reload(context, id);

    this.#emitChange('token.deactivated', updated, context.actor);
    return toInfo(updated, now);
  }

  async reactivate(actor: Actor, tokenId: string): Promise<TokenInfo> {
    const id = parseTokenId(tokenId);
    const context = await this.#authorize(actor);
    const record = await this.#loadManaged(context, id);
    const now = this.#now();
    const state = evaluate(record, now);

    if (state.inactiveReason === 'expired') {
      this.#recordExpiryIfDue(record, now);
      throw new ApiTokenError('TOKEN_EXPIRED', `API token ${id} expired at ${record.expiresAt?.toISOString()}; expired tokens cannot be reactivated, create a new one`);
    }

    if (state.status === 'active') {
      this.#evict(id);
      return toInfo(record, now);
    }

    const deactivatedBySomeoneElse = record.deactivatedBy !== null && record.deactivatedBy !== context.actor.userId;
    if (deactivatedBySomeoneElse && !context.isAdmin) {
      throw new ApiTokenError('FORBIDDEN', `API token ${id} was deactivated by an organization administrator; only an administrator can reactivate it`);
    }

    const change = { status: 'active', inactiveReason: null, deactivatedBy: null } as const;
    const updated = await this.#runtime.store('updateStatus', (store) => store.updateStatus(id, { status: 'inactive', deactivatedBy: record.deactivatedBy }, change));
    await this.#invalidate(id);
    if (updated === null) return this.#reload(context, id);

    this.#emitChange('token.reactivated', updated, context.actor);
    return toInfo(updated, now);
  }

  async revoke(actor: Actor, tokenId: string): Promise<void> {
    const id = parseTokenId(tokenId);
    const context = await this.#authorize(actor);
    const record = await this.#loadManaged(context, id);

    const deleted = await this.#runtime.store('delete', (store) => store.delete(id));
    await this.#invalidate(id);
    if (!deleted) throw notFound(id, context.actor.orgId);

    this.#emitChange('token.revoked', record, context.actor);
  }

  async verify(token: string): Promise<VerifyResult> {
    const now = this.#now();

    if (typeof token !== 'string' || parseToken(token, this.#options.prefix) === null) {
      return this.#reject('MALFORMED', null, now);
    }

    const record = await this.#findByToken(token, now);
    if (record === null) return this.#reject('NOT_FOUND', null, now);

    const state = evaluate(record, now);
    if (state.inactiveReason === 'expired') {
      this.#recordExpiryIfDue(record, now);
      return this.#reject('EXPIRED', record, now);
    }

    if (state.status === 'inactive') return this.#reject('INACTIVE', record, now);

    const [member, plan] = await Promise.all([
      this.#runtime.getMember(record.orgId, record.userId),
      this.#runtime.getPlan(record.orgId),
    ]);
    // A deleted organization has no members, so its tokens fail like a removed creator's.
    if (member === null || plan === null) return this.#reject('MEMBER_NOT_FOUND', record, now);

    const apiPlans = this.#options.apiPlans;
    if (apiPlans !== null && (plan === undefined || !apiPlans.has(plan))) {
      return this.#reject('PLAN_NOT_ALLOWED', record, now);
    }

    this.#touchLastUsed(record, now);
    return { valid: true, auth: authContext(record, member, plan ?? null) };
  }

  async consumeRateLimit(auth: AuthContext): Promise<RateLimitDecision | null> {
    const limits = this.#options.rateLimits;
    if (limits === null) return null;
    return countRequest(limits, auth, this.#now().getTime(), (event) => this.#runtime.emit(event));
  }

  async deactivateExpired(options: { batchSize?: number } = {}): Promise<number> {
    assertKnownOptions(options, ['batchSize'], 'deactivateExpired: options');
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('deactivateExpired: batchSize must be a positive integer');

    let total = 0;
    for (;;) {
      const now = this.#now();
      const batch = await this.#runtime.store('listExpired', (store) => store.listExpired(now, batchSize));
      let changed = 0;
      for (const record of batch) {
        if (await this.#recordExpiry(record, now)) changed += 1;
      }
      total += changed;
      // A full batch in which nothing changed would come back the same; stop instead of looping.
      if (batch.length < batchSize || changed === 0) return total;
    }
  }

  evict(tokenId: string): void {
    this.#evict(tokenId);
  }

  flush(): Promise<void> {
    return this.#runtime.flush();
  }

  #now(): Date {
    const now = this.#options.clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.clock must return a valid Date');
    return new Date(now.getTime());
  }

  async #authorize(actor: Actor): Promise<ManagerContext> {
    const valid = parseActor(actor);
    const member = await this.#runtime.getMember(valid.orgId, valid.userId);
    if (member === null) {
      throw new ApiTokenError('FORBIDDEN', `User ${valid.userId} is not a member of organization ${valid.orgId}, so they may not manage its API tokens`);
    }

    const isAdmin = this.#options.adminRoles.has(member.role);
    if (!isAdmin && !this.#options.managerRoles.has(member.role)) {
      const roles = [...this.#options.managerRoles].join(', ');
      throw new ApiTokenError('FORBIDDEN', `Role "${member.role}" may not manage API tokens; roles that may: ${roles}`);
    }

    return { actor: valid, member, isAdmin };
  }

  async #assertPlanAllowsTokens(orgId: string): Promise<void> {
    const apiPlans = this.#options.apiPlans;
    if (apiPlans === null) return;

    const plan = await this.#runtime.getPlan(orgId);
    if (plan === null || plan === undefined) {
      throw new ApiTokenError('PLAN_NOT_ALLOWED', `Organization ${orgId} was not found, so it has no plan that includes API access`);
    }
    if (!apiPlans.has(plan)) {
      const plans = [...apiPlans].join(', ');
      throw new ApiTokenError('PLAN_NOT_ALLOWED', `The "${plan}" plan does not include API access; upgrade to one of: ${plans}`);
    }
  }

  // Other organizations' tokens, and other members' tokens for non-admins, return NOT_FOUND,
  // so an id reveals nothing about tokens the actor may not see.
  async #loadManaged(context: ManagerContext, id: string): Promise<TokenRecord> {
    const record = await this.#runtime.store('findById', (store) => store.findById(id));
    // A token revoked by another instance may still be cached here, so it is evicted.
    if (record === null) this.#evict(id);
    const visible =
      record !== null &&
      record.orgId === context.actor.orgId &&
      (record.userId === context.actor.userId || context.isAdmin);
    if (!visible) throw notFound(id, context.actor.orgId);
    return record;
  }

  async #reload(context: ManagerContext, id: string): Promise<TokenInfo> {
    const record = await this.#loadManaged(context, id);
    return toInfo(record, this.#now());
  }

  async #findByToken(token: string, now: Date): Promise<TokenRecord | null> {
    for (const candidate of digestCandidates(token, this.#options.keys)) {
      const cached = this.#cache?.get(candidate.digest, now.getTime()) ?? null;
      if (cached !== null && digestMatches(cached, candidate)) return cached;

      const epoch = this.#cache?.epoch ?? 0;
      const record = await this.#runtime.store('findByDigest', (store) => store.findByDigest(candidate.digest));
      if (record === null || !digestMatches(record, candidate)) continue;

      this.#cache?.fill(candidate.digest, record, epoch, this.#now().getTime());
      return record;
    }
    return null;
  }

  #reject(code: VerifyFailureCode, record: TokenRecord | null, now: Date): VerifyResult {
    this.#runtime.emit({
      type: 'verification.failed',
      at: now,
      code,
      tokenId: record?.id ?? null,
      orgId: record?.orgId ?? null,
      userId: record?.userId ?? null,
    });
    return { valid: false, code };
  }

  #recordExpiryIfDue(record: TokenRecord, now: Date): void {
    if (!needsExpiryWrite(record, evaluate(record, now))) return;
    this.#runtime.background('record-expiry', record.id, () => this.#recordExpiry(record, now));
  }

  // Writes the expiry of one token, guarded on the stored status, and reports whether this
  // call made the change (so `token.expired` is emitted once).
  async #recordExpiry(record: TokenRecord, now: Date): Promise<boolean> {
    if (!needsExpiryWrite(record, evaluate(record, now))) return false;
    const change = { status: 'inactive', inactiveReason: 'expired', deactivatedBy: record.deactivatedBy } as const;
    const updated = await this.#runtime.store('updateStatus', (store) => store.updateStatus(record.id, { status: 'active', deactivatedBy: record.deactivatedBy }, change));
    this.#evict(record.id);
    if (updated === null) return false;
    this.#runtime.emit({ type: 'token.expired', at: now, tokenId: record.id, orgId: record.orgId, userId: record.userId });
    return true;
  }

  #touchLastUsed(record: TokenRecord, now: Date): void {
    const interval = this.#options.lastUsedIntervalMs;
    const nowMs = now.getTime();
    const lastWrite = Math.max(this.#lastUsedWrites.get(record.id) ?? -Infinity, record.lastUsedAt?.getTime() ?? -Infinity);
    if (nowMs - lastWrite < interval) return;

    // The map only throttles; dropping it when it grows large costs at most one extra write per token.
    if (this.#lastUsedWrites.size >= 100_000) this.#lastUsedWrites.clear();
    this.#lastUsedWrites.set(record.id, nowMs);
    this.#runtime.background('touch-last-used', record.id, () => this.#options.store.touchLastUsed(record.id, now));
  }

  #evict(tokenId: string): void {
    this.#cache?.invalidate(tokenId);
    this.#lastUsedWrites.delete(tokenId);
  }

  // Evicts the token here at once, then publishes its id to the other instances. The change
  // is already stored, so a failed publish must not fail the call. It only leaves the other
  // instances stale for at most the cache TTL, and becomes an event.
  async #invalidate(tokenId: string): Promise<void> {
    this.#evict(tokenId);
    const invalidation = this.#options.invalidation;
    if (invalidation === null) return;
    try {
      await invalidation.publish(tokenId);
    } catch (error) {
      this.#runtime.emit({ type: 'cache.invalidation-failed', at: this.#now(), tokenId, error });
    }
  }

  #emitChange(
    type: 'token.created' | 'token.deactivated' | 'token.reactivated' | 'token.revoked',
    record: TokenRecord,
    actor: Actor,
    at: Date = this.#now(),
  ): void {
    this.#runtime.emit({ type, at, tokenId: record.id, orgId: record.orgId, userId: record.userId, actor });
  }
}

function notFound(id: string, orgId: string): ApiTokenError {
  return new ApiTokenError('NOT_FOUND', `API token ${id} was not found in organization ${orgId}`, { field: 'tokenId' });
}
