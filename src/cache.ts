import type { TokenRecord } from './store.js';

/**
 * A publish/subscribe channel that carries the ids of changed tokens to every instance of an
 * API, so each drops them from its verification cache. `RedisCacheInvalidation` from
 * `api-tokens/redis` implements it.
 */
export interface CacheInvalidation {
  /** Sends `tokenId` to every subscribed instance. A throw or rejection becomes a `cache.invalidation-failed` event. */
  publish(tokenId: string): Promise<void> | void;
  /** Calls `listener` with every token id published by any instance, and returns a function that stops the calls. */
  subscribe(listener: (tokenId: string) => void): () => void;
}

interface Entry {
  record: TokenRecord;
  expiresAtMs: number;
}

/**
 * A bounded, time-limited cache of token records by digest, for verification.
 *
 * Every invalidation bumps an epoch. A lookup notes the epoch before it reads the store and
 * may fill the cache only if the epoch is unchanged, so a verification that started before
 * a deactivation or revocation can never write the older record back.
 */
export class RecordCache {
  readonly #entries = new Map<string, Entry>();
  readonly #digestsById = new Map<string, string>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  #epoch = 0;

  constructor(ttlMs: number, maxEntries: number) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  /** The current epoch; pass it to {@link fill} after reading the store. */
  get epoch(): number {
    return this.#epoch;
  }

  get(digest: string, nowMs: number): TokenRecord | null {
    const entry = this.#entries.get(digest);
    if (entry === undefined) return null;
    if (entry.expiresAtMs <= nowMs) {
      this.#remove(digest, entry.record.id);
      return null;
    }
    // Re-inserting moves the entry to the end, which makes Map order least recently used first.
    this.#entries.delete(digest);
    this.#entries.set(digest, entry);
    return entry.record;
  }

  fill(digest: string, record: TokenRecord, epochAtRead: number, nowMs: number): void {
    if (epochAtRead !== this.#epoch) return;
    this.#entries.delete(digest);
    this.#entries.set(digest, { record, expiresAtMs: nowMs + this.#ttlMs });
    this.#digestsById.set(record.id, digest);
    while (this.#entries.size > this.#maxEntries) {
      const [oldestDigest, oldest] = this.#entries.entries().next().value as [string, Entry];
      this.#remove(oldestDigest, oldest.record.id);
    }
  }

  /** Forgets the record of `tokenId`, and makes every lookup in flight skip its fill. */
  invalidate(tokenId: string): void {
    this.#epoch += 1;
    const digest = this.#digestsById.get(tokenId);
    if (digest !== undefined) this.#remove(digest, tokenId);
  }

  clear(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#digestsById.clear();
  }

  #remove(digest: string, tokenId: string): void {
    this.#entries.delete(digest);
    if (this.#digestsById.get(tokenId) === digest) this.#digestsById.delete(tokenId);
  }
}
