import { describe, it } from 'vitest';
import { MemoryRateLimitStore } from '../src/index.js';
import { testRateLimitStore } from '../src/testing/index.js';

testRateLimitStore({ name: 'MemoryRateLimitStore', describe, it, createStore: () => new MemoryRateLimitStore() });
