import { expect } from 'vitest';
import {
  createApiTokens,
  isApiTokenError,
  MemoryTokenStore,
  type Actor,
  type ApiTokenError,
  type ApiTokenErrorCode,
  type ApiTokenEvent,
  type ApiTokensOptions,
  type CreatedToken,
  type CreateTokenInput,
} from '../../src/index.js';
import { TestClock } from './clock.js';
import { TestDirectory } from './directory.js';

/** Options that `makeApiTokens` fills in. A test directory and a test clock take the place of `directory` and `clock`. */
export type TestOptions = Partial<Omit<ApiTokensOptions, 'directory' | 'clock'>> & {
  directory?: TestDirectory;
  clock?: TestClock;
};

/**
 * Builds an API over a fresh memory store, a test directory with one organization on the
 * `business` plan and one `Editor` member (`owner`), a frozen clock and an event log.
 * `options` contains exactly what was passed to `createApiTokens`, so a test can build a
 * second instance over the same store and directory.
 */
export function makeApiTokens(overrides: TestOptions = {}) {
  const { directory = new TestDirectory(), clock = new TestClock(), ...rest } = overrides;
  const events: ApiTokenEvent[] = [];
  const orgId = directory.addOrganization();
  const owner = directory.addMember(orgId);
  const options: ApiTokensOptions = {
    store: new MemoryTokenStore(),
    prefix: 'acme',
    directory,
    clock: clock.now,
    onEvent: (event) => events.push(event),
    ...rest,
  };
  const apiTokens = createApiTokens(options);

  /** Creates a token with a default name and period. The actor defaults to `owner`. */
  const create = (actor: Actor = owner, input: Partial<CreateTokenInput> = {}): Promise<CreatedToken> =>
    apiTokens.create(actor, { name: 'CI deploys', expiresIn: '3-months', ...input });

  return { apiTokens, options, store: options.store, directory, clock, events, orgId, owner, create };
}

/** Awaits `promise`, expects it to reject with an `ApiTokenError` of `code`, and returns the error. */
export async function expectApiTokenError(promise: Promise<unknown>, code: ApiTokenErrorCode): Promise<ApiTokenError> {
  const error: unknown = await promise.then(
    () => new Error(`expected ApiTokenError ${code}, but the call succeeded`),
    (reason: unknown) => reason,
  );
  expect(isApiTokenError(error), `expected ApiTokenError ${code}, got ${String(error)}`).toBe(true);
  expect((error as ApiTokenError).code).toBe(code);
  return error as ApiTokenError;
}

/** Awaits `promise` and returns what it throws. Fails the test when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to throw'),
    (reason: unknown) => reason,
  );
}
