export { RedisRateLimitStore } from './rate-limit-store.js';

export type { RedisRateLimitStoreOptions } from './rate-limit-store.js';
