export { RedisCacheInvalidation } from './cache-invalidation.js';
export { RedisRateLimitStore } from './rate-limit-store.js';

export type { RedisCacheInvalidationOptions } from './cache-invalidation.js';
export type { RedisRateLimitStoreOptions } from './rate-limit-store.js';
