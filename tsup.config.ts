import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    sql: 'src/sql/index.ts',
    redis: 'src/redis/index.ts',
    express: 'src/express.ts',
    fastify: 'src/fastify.ts',
    hono: 'src/hono.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  // Rollup warns that dist/fastify.cjs has named and default exports, so require() of it
  // returns the module object. Fastify 5's register() accepts that object and uses its `default`.
  treeshake: true,
});
