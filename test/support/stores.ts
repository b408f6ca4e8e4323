import type { TokenStore } from '../../src/index.js';

export type StoreMethod = keyof TokenStore;

export const STORE_METHODS: readonly StoreMethod[] = [
  'insert',
  'findByDigest',
  'findById',
  'list',
  'updateStatus',
  'touchLastUsed',
  'delete',
  'listExpired',
];

/**
 * Wraps `inner` in a proxy that uses `overrides` where given and `inner` for every other
 * method. Methods are called on `inner` itself, because stores may keep private fields.
 */
export function storeWith(inner: TokenStore, overrides: Partial<TokenStore>): TokenStore {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const override = (overrides as Record<string | symbol, unknown>)[property];
      if (typeof override === 'function') return override;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A store wrapped in a proxy that counts the calls of each method. */
export interface CountingStore {
  store: TokenStore;
  calls: Record<StoreMethod, number>;
  /** Calls of every method together. */
  total(): number;
}

export function countCalls(inner: TokenStore): CountingStore {
  const calls = Object.fromEntries(STORE_METHODS.map((method) => [method, 0])) as Record<StoreMethod, number>;
  const counted = Object.fromEntries(
    STORE_METHODS.map((method) => [
      method,
      (...args: unknown[]) => {
        calls[method] += 1;
        return (inner[method] as (...values: unknown[]) => unknown).apply(inner, args);
      },
    ]),
  ) as Partial<TokenStore>;
  return {
    store: storeWith(inner, counted),
    calls,
    total: () => Object.values(calls).reduce((sum, count) => sum + count, 0),
  };
}

/** A store whose every method rejects with `error`, as when the database is down. */
export function failingStore(error: Error): TokenStore {
  const reject = () => Promise.reject(error);
  return Object.fromEntries(STORE_METHODS.map((method) => [method, reject])) as unknown as TokenStore;
}

/** A promise with its `resolve` exposed, to pause a store call until a test releases it. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
