export { testRateLimitStore } from './rate-limit-suite.js';
export { testTokenStore } from './token-store-suite.js';
export type { RateLimitStoreSuiteOptions } from './rate-limit-suite.js';
export type { TokenStoreSuiteOptions } from './token-store-suite.js';
export type { SuiteRunner, TestFunction } from './runner.js';
