export { createApiTokens } from './api-tokens.js';
export { ApiTokenError, isApiTokenError } from './errors.js';
export { EXPIRATION_PERIODS } from './expiry.js';
export { authenticateRequest, checkPermissions, ietfRateLimitHeaders, rateLimitHeaders, resolveHttpOptions, MAX_CREDENTIAL_LENGTH } from './http.js';
export { MemoryTokenStore } from './memory-store.js';
export { DEFAULT_MANAGER_ROLES } from './options.js';
export { MemoryRateLimitStore } from './rate-limit.js';

export type { AdapterAuthOptions } from './adapter-config.js';
export type { ApiTokens } from './api-tokens.js';
export type { CacheInvalidation } from './cache.js';
export type { DigestScheme } from './digest.js';
export type { ApiTokenErrorCode, ApiTokenErrorOptions } from './errors.js';
export type { ExpirationPeriod } from './expiry.js';
export type {
  HeaderSource,
  HeaderValue,
  HttpAcceptance,
  HttpAuthOptions,
  HttpAuthOutcome,
  HttpRejection,
  ProblemCode,
  ProblemDetails,
  ResolvedHttpOptions,
} from './http.js';
export type { ApiTokensOptions, CacheOptions, RateLimitOptions, SecretOption } from './options.js';
export type { RateLimitDecision, RateLimitHit, RateLimitRule, RateLimitStore } from './rate-limit.js';
export type { ExpectedStatus, InactiveReason, ListCursor, ListQuery, StatusChange, TokenRecord, TokenStatus, TokenStore } from './store.js';
export type {
  Actor,
  ApiTokenEvent,
  ApiTokenEventType,
  BackgroundFailedEvent,
  CacheInvalidationFailedEvent,
  RateLimitExceededEvent,
  RateLimitUnavailableEvent,
  TokenChangeEvent,
  TokenExpiredEvent,
  VerificationFailedEvent,
  AuthContext,
  CreatedToken,
  CreateTokenInput,
  Directory,
  ListTokensOptions,
  Member,
  Organization,
  TokenInfo,
  TokenPage,
  VerifyFailureCode,
  VerifyResult,
} from './types.js';
