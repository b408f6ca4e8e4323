import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ApiTokenError, isApiTokenError } from '../../src/index.js';

describe('ApiTokenError', () => {
  it('carries code, field and cause', () => {
    const cause = new Error('driver failed');

    const error = new ApiTokenError('INVALID_INPUT', 'Invalid name: must not be empty', { field: 'name', cause });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ApiTokenError');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.field).toBe('name');
    expect(error.cause).toBe(cause);
  });

  it('omits cause when none given', () => {
    const error = new ApiTokenError('NOT_FOUND', 'API token t was not found');

    expect('cause' in error).toBe(false);
    expect(error.field).toBeUndefined();
  });

  it('guard accepts library errors', () => {
    expect(isApiTokenError(new ApiTokenError('FORBIDDEN', 'no'))).toBe(true);
  });

  it('guard accepts another module copy', () => {
    // Another copy of the library (its CJS build beside the ESM one) has its own class
    // but brands its errors with the same registered symbol.
    class CopiedApiTokenError extends Error {
      readonly code = 'NOT_FOUND';
      constructor(message: string) {
        super(message);
        Object.defineProperty(this, Symbol.for('api-tokens.error'), { value: true });
      }
    }

    const copy = new CopiedApiTokenError('API token t was not found');

    expect(copy).not.toBeInstanceOf(ApiTokenError);
    expect(isApiTokenError(copy)).toBe(true);
  });

  it('guard accepts another realm', () => {
    const foreign: unknown = runInNewContext(`
      const error = new Error('API token t was not found');
      error.code = 'NOT_FOUND';
      Object.defineProperty(error, Symbol.for('api-tokens.error'), { value: true });
      error;
    `);

    expect(foreign).not.toBeInstanceOf(Error);
    expect(isApiTokenError(foreign)).toBe(true);
  });

  it.each([
    ['a coded plain Error', Object.assign(new Error('x'), { code: 'NOT_FOUND' })],
    ['a codeless branded error', Object.defineProperty(new Error('x'), Symbol.for('api-tokens.error'), { value: true })],
    ['a wrong brand value', Object.defineProperty(Object.assign(new Error('x'), { code: 'NOT_FOUND' }), Symbol.for('api-tokens.error'), { value: 'yes' })],
    ['a plain object', { code: 'NOT_FOUND', message: 'x' }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'NOT_FOUND'],
  ])('guard rejects %s', (_case, value) => {
    expect(isApiTokenError(value)).toBe(false);
  });
});
