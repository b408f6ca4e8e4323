import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/http.js';
import { createFixture } from './support/fixture.js';

describe('missing key message', () => {
  it('names the header by default', async () => {
    const outcome = await authenticateRequest(createFixture().apiTokens, {});
    if (outcome.ok) throw new Error('expected a rejection');
    expect(outcome.body.detail).toBe('Missing API key; send it in the X-API-Key header');
  });

  it('names Bearer too when enabled', async () => {
    const outcome = await authenticateRequest(createFixture().apiTokens, {}, { header: 'X-Token', bearer: true });
    if (outcome.ok) throw new Error('expected a rejection');
    expect(outcome.body.detail).toBe('Missing API key; send it in the X-Token header or as an Authorization Bearer token');
  });
});
