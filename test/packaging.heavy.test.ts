// The package as consumers get it: built, packed with npm, unpacked into consumer projects
// without the network, then type-checked and run as ESM and as CommonJS.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
// Measured on a 2-core machine: the build takes about 10 s and each compiler run about 3 s.
// The limits leave room for a machine busy with other test files.
const BUILD_TIMEOUT_MS = 300_000;
const CHECK_TIMEOUT_MS = 120_000;

// Installed from the repository's node_modules, as npm would install them next to the package.
const CONSUMER_PACKAGES = [
  ...Object.keys(MANIFEST.dependencies),
  ...Object.keys(MANIFEST.peerDependencies),
  '@types/node',
  '@types/express',
  '@types/pg',
  '@types/better-sqlite3',
];

let workspace = '';
let tarball = '';

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'api-tokens-packaging-'));
  tarball = buildAndPack(workspace);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (workspace !== '') rmSync(workspace, { recursive: true, force: true });
});

// The build goes to a staging directory, not to dist/ of the repository, because other test
// files (the demo) load dist/ at the same time and tsup empties its output directory first.
// The staging directory contains what `files` in package.json publishes, so npm packs the same
// tarball as from the repository.
function buildAndPack(directory: string): string {
  const stage = join(directory, 'stage');
  run('npx', ['tsup', '--out-dir', join(stage, 'dist')], ROOT, 'tsup');
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(stage, file));
  }
  const packed = run('npm', ['pack', '--json', '--pack-destination', directory], stage, 'npm pack');
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  return join(directory, filename);
}

function run(command: string, args: string[], cwd: string, label: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${label} failed with exit code ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Creates a consumer project with the tarball unpacked into node_modules/api-tokens. */
function createConsumer(name: string, type: 'module' | 'commonjs', files: Record<string, string>): string {
  const consumer = join(workspace, name);
  const packageDirectory = join(consumer, 'node_modules', 'api-tokens');
  mkdirSync(packageDirectory, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDirectory, '--strip-components=1']);

  for (const dependency of CONSUMER_PACKAGES) {
    const target = join(ROOT, 'node_modules', dependency);
    if (!existsSync(target)) throw new Error(`${dependency} is not installed in ${ROOT}/node_modules`);
    const link = join(consumer, 'node_modules', dependency);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }

  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name, private: true, type }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(consumer, file), text);
  return consumer;
}

// ---------------------------------------------------------------------------------------
// Type-checking

interface ResolutionMode {
  module: string;
  moduleResolution: string;
  /** Whether `import x = require()` compiles, which is how CommonJS code imports in TypeScript. */
  requireSyntax: boolean;
}

const RESOLUTION_MODES: ResolutionMode[] = [
  { module: 'node16', moduleResolution: 'node16', requireSyntax: true },
  { module: 'nodenext', moduleResolution: 'nodenext', requireSyntax: true },
  { module: 'esnext', moduleResolution: 'bundler', requireSyntax: false },
  { module: 'preserve', moduleResolution: 'bundler', requireSyntax: true },
];

// The imports of every subpath and of the frameworks, as ES import statements (compiled to
// require() in a CommonJS file) or as `import x = require()`.
const IMPORT_STATEMENTS = `
import { ApiTokenError, createApiTokens, isApiTokenError, MemoryRateLimitStore, MemoryTokenStore, type AuthContext, type TokenInfo } from 'api-tokens';
import { testRateLimitStore, testTokenStore } from 'api-tokens/testing';
import { SqlTokenStore } from 'api-tokens/sql';
import { RedisRateLimitStore } from 'api-tokens/redis';
import { apiTokenAuth as expressAuth, requirePermission as expressPermission } from 'api-tokens/express';
import fastifyAuth, { apiTokenAuth as fastifyAuthByName, requirePermission as fastifyPermission } from 'api-tokens/fastify';
import { apiTokenAuth as honoAuth, requirePermission as honoPermission, type Variables } from 'api-tokens/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
`;

const REQUIRE_STATEMENTS = `
import core = require('api-tokens');
import testing = require('api-tokens/testing');
import sql = require('api-tokens/sql');
import redis = require('api-tokens/redis');
import expressAdapter = require('api-tokens/express');
import fastifyAdapter = require('api-tokens/fastify');
import honoAdapter = require('api-tokens/hono');
import express = require('express');
import fastifyModule = require('fastify');
import honoModule = require('hono');

const { ApiTokenError, createApiTokens, isApiTokenError, MemoryRateLimitStore, MemoryTokenStore } = core;
type AuthContext = core.AuthContext;
type TokenInfo = core.TokenInfo;
type Variables = honoAdapter.Variables;
const { testRateLimitStore, testTokenStore } = testing;
const { SqlTokenStore } = sql;
const { RedisRateLimitStore } = redis;
const { apiTokenAuth: expressAuth, requirePermission: expressPermission } = expressAdapter;
const { default: fastifyAuth, apiTokenAuth: fastifyAuthByName, requirePermission: fastifyPermission } = fastifyAdapter;
const { apiTokenAuth: honoAuth, requirePermission: honoPermission } = honoAdapter;
const Fastify = fastifyModule.fastify;
const { Hono } = honoModule;
`;

// Uses the types a consumer relies on. Each annotated declaration fails to compile when a type
// is wrong, such as `req.apiToken` missing from the Express request.
const CONSUMER_BODY = `
const apiTokens = createApiTokens({
  store: new MemoryTokenStore(),
  prefix: 'acme',
  directory: { getMember: async () => ({ role: 'Admin', permissions: ['documents:read'] }) },
  rateLimits: { plans: { business: { limit: 10, windowSeconds: 60 } }, store: new MemoryRateLimitStore() },
});

export async function createAndVerify(): Promise<string> {
  const created: { token: string; info: TokenInfo } = await apiTokens.create({ orgId: 'org_1', userId: 'user_1' }, { name: 'CI', expiresIn: '1-month' });
  const result = await apiTokens.verify(created.token);
  if (!result.valid) return result.code;
  const auth: AuthContext = result.auth;
  const allowed: boolean = auth.can('documents:read');
  return allowed ? auth.orgId : auth.userId;
}

export function describeError(error: unknown): string {
  if (isApiTokenError(error)) {
    const typed: InstanceType<typeof ApiTokenError> = error;
    return typed.code;
  }
  return 'other';
}

export const suites: [typeof testTokenStore, typeof testRateLimitStore] = [testTokenStore, testRateLimitStore];
export const stores: [typeof SqlTokenStore.sqlite, typeof RedisRateLimitStore] = [SqlTokenStore.sqlite, RedisRateLimitStore];

const expressApp = express();
expressApp.get('/v1/documents', expressAuth(apiTokens), expressPermission('documents:read'), (req, res) => {
  const auth: AuthContext | undefined = req.apiToken;
  res.json({ orgId: auth?.orgId });
});

const fastifyApp = Fastify();
fastifyApp.register(async (api) => {
  await api.register(fastifyAuth, { apiTokens });
  await api.register(fastifyAuthByName, { apiTokens });
  api.get('/v1/documents', { onRequest: fastifyPermission('documents:read') }, async (request) => {
    const auth: AuthContext | null = request.apiToken;
    return { orgId: auth?.orgId };
  });
});

const honoApp = new Hono<{ Variables: Variables }>();
honoApp.use('/v1/*', honoAuth(apiTokens));
honoApp.get('/v1/documents', honoPermission('documents:read'), (c) => {
  const auth: AuthContext = c.var.apiToken;
  return c.json({ orgId: auth.orgId });
});

export const apps = [expressApp, fastifyApp, honoApp];
`;

function tsconfig(mode: ResolutionMode): string {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: mode.module,
        moduleResolution: mode.moduleResolution,
        strict: true,
        skipLibCheck: false,
        esModuleInterop: true,
        noEmit: true,
        types: ['node'],
      },
      include: ['*.ts', '*.mts', '*.cts'],
    },
    null,
    2,
  );
}

// Under node16 and nodenext, the package type and the extension decide whether a file is ESM
// or CommonJS. Under bundler resolution with module esnext every import uses the "import"
// condition, so the CommonJS files there use import statements only.
function consumerFiles(type: 'module' | 'commonjs', mode: ResolutionMode): Record<string, string> {
  const esmFile = type === 'module' ? 'esm.ts' : 'esm.mts';
  const cjsExtension = type === 'module' ? 'cts' : 'ts';
  const files: Record<string, string> = {
    'tsconfig.json': tsconfig(mode),
    [esmFile]: IMPORT_STATEMENTS + CONSUMER_BODY,
    [`cjs.${cjsExtension}`]: IMPORT_STATEMENTS + CONSUMER_BODY,
  };
  if (mode.requireSyntax) files[`cjs-require.${cjsExtension}`] = REQUIRE_STATEMENTS + CONSUMER_BODY;
  return files;
}

describe('packed package types', () => {
  for (const mode of RESOLUTION_MODES) {
    for (const type of ['module', 'commonjs'] as const) {
      it(
        `type-checks ${mode.moduleResolution}/${mode.module} "type": "${type}"`,
        () => {
          const consumer = createConsumer(`types-${mode.moduleResolution}-${mode.module}-${type}`, type, consumerFiles(type, mode));
          const result = spawnSync(process.execPath, [TSC, '-p', consumer], { cwd: consumer, encoding: 'utf8' });
          const output = `${result.stdout}${result.stderr}`;

          expect(output, `tsc output for module ${mode.module}, moduleResolution ${mode.moduleResolution}, "type": "${type}"`).toBe('');
          expect(result.status, output).toBe(0);
        },
        CHECK_TIMEOUT_MS,
      );
    }
  }
});

// ---------------------------------------------------------------------------------------
// Running

// Loads every subpath in one module format and the core in the other, then exercises them.
// Prints one JSON object of results, so a failed check shows all of them.
const RUNTIME_BODY = `
const results = {};
const directory = { getMember: async () => ({ role: 'Admin', permissions: ['documents:read'] }) };
const actor = { orgId: 'org_1', userId: 'user_1' };
const apiTokens = core.createApiTokens({ store: new core.MemoryTokenStore(), prefix: 'acme', directory });

const { token } = await apiTokens.create(actor, { name: 'CI', expiresIn: '1-month' });
const verified = await apiTokens.verify(token);
results.verifiedOrgId = verified.valid ? verified.auth.orgId : verified.code;
results.wrongToken = (await apiTokens.verify(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).valid;

const database = new Database(':memory:');
const sqlStore = sql.SqlTokenStore.sqlite(database);
await sqlStore.migrate();
const sqlTokens = core.createApiTokens({ store: sqlStore, prefix: 'acme', directory });
const sqlToken = (await sqlTokens.create(actor, { name: 'SQL', expiresIn: 'never' })).token;
const sqlVerified = await sqlTokens.verify(sqlToken);
results.sqlVerifiedOrgId = sqlVerified.valid ? sqlVerified.auth.orgId : sqlVerified.code;
database.close();

results.testTokenStore = typeof testing.testTokenStore;
results.testRateLimitStore = typeof testing.testRateLimitStore;
results.RedisRateLimitStore = typeof redis.RedisRateLimitStore;

const expressApp = express();
expressApp.get('/v1/documents', expressAdapter.apiTokenAuth(apiTokens), (req, res) => res.json({ orgId: req.apiToken.orgId }));
const server = expressApp.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
try {
  const response = await fetch('http://127.0.0.1:' + server.address().port + '/v1/documents', { headers: { 'x-api-key': token } });
  results.express = [response.status, await response.json()];
} finally {
  await new Promise((resolve) => server.close(resolve));
}

for (const [name, plugin] of [['fastifyDefault', fastifyAdapter.default], ['fastifyNamed', fastifyAdapter.apiTokenAuth], ['fastifyModule', fastifyAdapter]]) {
  const app = Fastify();
  await app.register(plugin, { apiTokens });
  app.get('/v1/documents', async (request) => ({ orgId: request.apiToken.orgId }));
  const response = await app.inject({ url: '/v1/documents', headers: { 'x-api-key': token } });
  results[name] = [response.statusCode, response.json()];
  await app.close();
}

const honoApp = new Hono();
honoApp.use('/v1/*', honoAdapter.apiTokenAuth(apiTokens));
honoApp.get('/v1/documents', (c) => c.json({ orgId: c.var.apiToken.orgId }));
const honoResponse = await honoApp.request('/v1/documents', { headers: { 'x-api-key': token } });
results.hono = [honoResponse.status, await honoResponse.json()];

const otherTokens = otherCore.createApiTokens({ store: new otherCore.MemoryTokenStore(), prefix: 'acme', directory });
try {
  await otherTokens.get(actor, 'tok_unknown');
  results.otherFormatError = 'nothing thrown';
} catch (error) {
  results.otherFormatError = {
    recognized: core.isApiTokenError(error),
    code: error.code,
    instanceOfThisBuild: error instanceof core.ApiTokenError,
  };
}

console.log(JSON.stringify(results));
`;

const ESM_SCRIPT = `
import * as core from 'api-tokens';
import * as testing from 'api-tokens/testing';
import * as sql from 'api-tokens/sql';
import * as redis from 'api-tokens/redis';
import * as expressAdapter from 'api-tokens/express';
import * as fastifyAdapter from 'api-tokens/fastify';
import * as honoAdapter from 'api-tokens/hono';
import Database from 'better-sqlite3';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const otherCore = require('api-tokens');
${RUNTIME_BODY}
`;

const CJS_SCRIPT = `
const core = require('api-tokens');
const testing = require('api-tokens/testing');
const sql = require('api-tokens/sql');
const redis = require('api-tokens/redis');
const expressAdapter = require('api-tokens/express');
const fastifyAdapter = require('api-tokens/fastify');
const honoAdapter = require('api-tokens/hono');
const Database = require('better-sqlite3');
const express = require('express');
const Fastify = require('fastify');
const { Hono } = require('hono');

async function main() {
  const otherCore = await import('api-tokens');
  ${RUNTIME_BODY}
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

describe('packed package at runtime', () => {
  it.each([
    { format: 'ESM', script: 'consumer.mjs', text: ESM_SCRIPT, other: 'CJS' },
    { format: 'CJS', script: 'consumer.cjs', text: CJS_SCRIPT, other: 'ESM' },
  ])(
    'runs every subpath from $format',
    ({ format, script, text }) => {
      const consumer = createConsumer(`runtime-${format.toLowerCase()}`, format === 'ESM' ? 'module' : 'commonjs', { [script]: text });
      const result = spawnSync(process.execPath, [script], { cwd: consumer, encoding: 'utf8', timeout: CHECK_TIMEOUT_MS });
      const output = `exit code ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.status, output).toBe(0);

      const results = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      const authorized = [200, { orgId: 'org_1' }];
      expect(results['verifiedOrgId'], output).toBe('org_1');
      expect(results['wrongToken'], output).toBe(false);
      expect(results['sqlVerifiedOrgId'], output).toBe('org_1');
      expect(results['testTokenStore'], output).toBe('function');
      expect(results['testRateLimitStore'], output).toBe('function');
      expect(results['RedisRateLimitStore'], output).toBe('function');
      expect(results['express'], output).toEqual(authorized);
      expect(results['fastifyDefault'], output).toEqual(authorized);
      expect(results['fastifyNamed'], output).toEqual(authorized);
      expect(results['fastifyModule'], output).toEqual(authorized);
      expect(results['hono'], output).toEqual(authorized);
      expect(results['otherFormatError'], output).toEqual({ recognized: true, code: 'NOT_FOUND', instanceOfThisBuild: false });
    },
    CHECK_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------
// Portability

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0]!]));
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

// Lists every module specifier of `file` and of the dist files it imports, by file.
function collectImports(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT_SPECIFIER)].map((match) => match[1]!);
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) collectImports(resolve(dirname(file), specifier), seen);
  }
  return seen;
}

describe('packed core and Hono adapter', () => {
  it.each(['index.js', 'index.cjs', 'hono.js', 'hono.cjs'])(
    '%s imports no Node builtin',
    (entry) => {
      const dist = join(workspace, 'stage', 'dist');
      const imports = collectImports(join(dist, entry));
      const builtins = [...imports].flatMap(([file, specifiers]) =>
        specifiers.filter((specifier) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier)).map((specifier) => `${file}: ${specifier}`),
      );

      expect(imports.size).toBeGreaterThan(0);
      expect(builtins, `Node builtins imported by dist/${entry}:\n${builtins.join('\n')}`).toEqual([]);
    },
  );

  it('finds a builtin when one is imported', () => {
    const dist = join(workspace, 'stage', 'dist');
    const imports = collectImports(join(dist, 'redis.js'));
    const specifiers = [...imports.values()].flat();

    expect(specifiers.some((specifier) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier))).toBe(true);
  });
});
