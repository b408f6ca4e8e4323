import type { Cluster, Redis } from 'ioredis';
import type { CacheInvalidation } from '../cache.js';
import { assertKnownOptions } from '../known-options.js';

/** Options of {@link RedisCacheInvalidation}. */
export interface RedisCacheInvalidationOptions {
  /** The pub/sub channel, the same for every instance of one API. Default `api-tokens:cache-invalidation`. */
  channel?: string;
  /** Receives a failed `SUBSCRIBE` or `UNSUBSCRIBE`. Default: none, the failure is dropped. */
  onError?: (error: unknown) => void;
}

const DEFAULT_CHANNEL = 'api-tokens:cache-invalidation';
const MAX_CHANNEL_LENGTH = 256;
// Token ids are UUIDs, so a longer message on the channel was not sent by this library.
const MAX_TOKEN_ID_LENGTH = 200;

/**
 * Cache invalidation over Redis publish/subscribe: a deactivation, reactivation or
 * revocation on one instance evicts the token from the verification cache of every
 * instance, within the time Redis takes to deliver the message.
 *
 * Pass two separate ioredis connections. A connection that has subscribed to a channel can
 * run only subscription commands, so `subscriber` cannot publish and must not be the client
 * of a `RedisRateLimitStore`. `redis.duplicate()` opens such a second connection.
 *
 * ioredis subscribes again after a reconnect, but messages sent while the subscriber was
 * disconnected are lost. For that time, changes made on other instances show here within
 * the cache TTL.
 *
 * @throws TypeError when a client is not an ioredis client, both are the same connection, or
 * `options.channel` is invalid.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { RedisCacheInvalidation } from 'api-tokens/redis';
 *
 * const redis = new Redis({ commandTimeout: 250 });
 * const invalidation = new RedisCacheInvalidation(redis, redis.duplicate());
 * const apiTokens = createApiTokens({ ..., cache: { ttlMs: 60_000 }, invalidation });
 * await invalidation.ready();
 * ```
 */
export class RedisCacheInvalidation implements CacheInvalidation {
  /** The pub/sub channel. */
  readonly channel: string;
  readonly #publisher: Redis | Cluster;
  readonly #subscriber: Redis | Cluster;
  readonly #onError: (error: unknown) => void;
  readonly #listeners = new Set<(tokenId: string) => void>();
  #subscription: Promise<void> | null = null;

  constructor(publisher: Redis | Cluster, subscriber: Redis | Cluster, options: RedisCacheInvalidationOptions = {}) {
    assertClient(publisher, 'publisher', ['publish']);
    assertClient(subscriber, 'subscriber', ['subscribe', 'unsubscribe', 'on', 'off']);
    if (publisher === subscriber) {
      throw new TypeError('RedisCacheInvalidation: publisher and subscriber are the same connection, but a subscribed connection cannot publish. Pass a second one, such as publisher.duplicate()');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('RedisCacheInvalidation: options is invalid: expected an object such as { channel }');
    assertKnownOptions(options, ['channel', 'onError'], 'RedisCacheInvalidation: options');
    const channel = options.channel ?? DEFAULT_CHANNEL;
    if (typeof channel !== 'string' || channel.length === 0 || channel.length > MAX_CHANNEL_LENGTH) {
      throw new TypeError(`RedisCacheInvalidation: options.channel is invalid: expected 1 to ${MAX_CHANNEL_LENGTH} characters, such as "${DEFAULT_CHANNEL}"`);
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('RedisCacheInvalidation: options.onError is invalid: expected a function (error) => void');
    }

    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.channel = channel;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Publishes `tokenId` on the channel. Rejects when the publisher connection fails or times out. */
  async publish(tokenId: string): Promise<void> {
    await this.#publisher.publish(this.channel, tokenId);
  }

  /** Calls `listener` with every token id on the channel. The first listener starts the Redis subscription. Returns a function that removes the listener. */
  subscribe(listener: (tokenId: string) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stop();
    };
  }

  /**
   * Resolves once Redis has confirmed the subscription, so changes made elsewhere from now on
   * reach this instance. Await it at startup, after `createApiTokens`.
   *
   * @throws Error when `SUBSCRIBE` failed, or when nothing has subscribed yet.
   */
  ready(): Promise<void> {
    return this.#subscription ?? Promise.reject(new Error('RedisCacheInvalidation: nothing has subscribed yet. Pass this object as the invalidation option of createApiTokens, together with a cache, first'));
  }

  /** Stops delivering messages to every listener and unsubscribes from the channel. Leaves both connections open. */
  async close(): Promise<void> {
    const hadListeners = this.#listeners.size > 0;
    this.#listeners.clear();
    if (hadListeners) await this.#stop();
  }

  readonly #onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel || message.length === 0 || message.length > MAX_TOKEN_ID_LENGTH) return;
    for (const listener of this.#listeners) listener(message);
  };

  #start(): void {
    this.#subscriber.on('message', this.#onMessage);
    const subscription = this.#subscriber.subscribe(this.channel).then(() => undefined);
    subscription.catch(this.#onError);
    this.#subscription = subscription;
  }

  async #stop(): Promise<void> {
    this.#subscriber.off('message', this.#onMessage);
    this.#subscription = null;
    try {
      await this.#subscriber.unsubscribe(this.channel);
    } catch (error) {
      this.#onError(error);
    }
  }
}

function assertClient(client: unknown, name: string, methods: string[]): void {
  const valid =
    typeof client === 'object' &&
    client !== null &&
    methods.every((method) => typeof (client as Record<string, unknown>)[method] === 'function');
  if (!valid) throw new TypeError(`RedisCacheInvalidation: ${name} is invalid: expected an ioredis Redis or Cluster instance`);
}
