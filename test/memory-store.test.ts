import { describe, it } from 'vitest';
import { MemoryTokenStore } from '../src/index.js';
import { testTokenStore } from '../src/testing/index.js';

testTokenStore({ name: 'MemoryTokenStore', describe, it, createStore: () => new MemoryTokenStore() });
