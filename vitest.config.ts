import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src', import.meta.url));

export default defineConfig({
  resolve: {
    // The examples import the package by name, as a user's code does. Tests resolve those
    // imports to src, so they need no build.
    alias: [
      { find: /^api-tokens$/, replacement: `${src}/index.ts` },
      { find: /^api-tokens\/(express|fastify|hono)$/, replacement: `${src}/$1.ts` },
      { find: /^api-tokens\/(sql|redis|testing)$/, replacement: `${src}/$1/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
