import type { ExpectedStatus, ListQuery, StatusChange, TokenRecord, TokenStore } from './store.js';

/**
 * A {@link TokenStore} that keeps records in process memory. Suited to tests, examples and
 * single-process tools; records are lost when the process exits.
 *
 * @example
 * ```ts
 * const apiTokens = createApiTokens({ store: new MemoryTokenStore(), prefix: 'acme', directory });
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  readonly #idsByDigest = new Map<string, string>();

  async insert(record: TokenRecord): Promise<void> {
    if (this.#records.has(record.id)) throw new Error(`a token with id ${record.id} already exists`);
    if (this.#idsByDigest.has(record.digest)) throw new Error('a token with this digest already exists');
    this.#records.set(record.id, copyRecord(record));
    this.#idsByDigest.set(record.digest, record.id);
  }

  async findByDigest(digest: string): Promise<TokenRecord | null> {
    const id = this.#idsByDigest.get(digest);
    return id === undefined ? null : this.#read(id);
  }

  async findById(id: string): Promise<TokenRecord | null> {
    return this.#read(id);
  }

  async list(query: ListQuery): Promise<TokenRecord[]> {
    const { after } = query;
    const matches = [...this.#records.values()].filter((record) => {
      if (record.orgId !== query.orgId) return false;
      if (query.userId !== undefined && record.userId !== query.userId) return false;
      if (after === null) return true;
      return compareNewestFirst(record, after) > 0;
    });
    return matches.sort(compareNewestFirst).slice(0, query.limit).map(copyRecord);
  }

  async updateStatus(id: string, expected: ExpectedStatus, change: StatusChange): Promise<TokenRecord | null> {
    const record = this.#records.get(id);
    if (record === undefined || record.status !== expected.status || record.deactivatedBy !== expected.deactivatedBy) return null;
    record.status = change.status;
    record.inactiveReason = change.inactiveReason;
    record.deactivatedBy = change.deactivatedBy;
    return copyRecord(record);
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    const record = this.#records.get(id);
    if (record === undefined) return;
    if (record.lastUsedAt !== null && record.lastUsedAt.getTime() >= at.getTime()) return;
    record.lastUsedAt = new Date(at.getTime());
  }

  async delete(id: string): Promise<boolean> {
    const record = this.#records.get(id);
    if (record === undefined) return false;
    this.#records.delete(id);
    this.#idsByDigest.delete(record.digest);
    return true;
  }

  async listExpired(now: Date, limit: number): Promise<TokenRecord[]> {
    const expired: TokenRecord[] = [];
    for (const record of this.#records.values()) {
      if (expired.length >= limit) break;
      if (record.status !== 'active' || record.expiresAt === null) continue;
      if (record.expiresAt.getTime() <= now.getTime()) expired.push(copyRecord(record));
    }
    return expired;
  }

  #read(id: string): TokenRecord | null {
    const record = this.#records.get(id);
    return record === undefined ? null : copyRecord(record);
  }
}

// Callers get copies, so that changing a returned object never changes the stored record.
function copyRecord(record: TokenRecord): TokenRecord {
  return {
    ...record,
    scopes: record.scopes === null ? null : [...record.scopes],
    createdAt: new Date(record.createdAt.getTime()),
    expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt.getTime()),
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt.getTime()),
  };
}

// Newest first: later createdAt first, then larger id first. Positive when `a` sorts after `b`.
function compareNewestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}
