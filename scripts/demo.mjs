// `npm run demo`: starts an example server on a fresh SQLite file, with an organization on
// the business plan, an Admin and a Viewer. It creates a token for the Admin, prints it once
// with curl commands to try, and serves until stopped (Ctrl+C).
//
//   npm run demo                          the Express example on port 3000
//   PORT=4000 npm run demo                another port (or: npm run demo -- --port 4000)
//   npm run demo -- --example hono        the Fastify or Hono example instead
//   npm run demo -- --database /tmp/x.db  another SQLite file (default .demo/demo.sqlite)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = ['express', 'fastify', 'hono'];
// The dist files the examples load through the package's own exports.
const DIST_FILES = ['index.js', 'express.js', 'fastify.js', 'hono.js', 'sql.js'];

const options = parseOptions();
buildIfNeeded();
const serverModule = await bundleExample(options.example);
const { startServer } = await import(pathToFileURL(serverModule).href);

claimDatabase(options.database);
resetDatabase(options.database);
let example;
try {
  example = await startServer({ databaseFile: options.database, port: options.port, host: '127.0.0.1' });
} catch (error) {
  fail(listenErrorMessage(error, options.port));
}

const admin = { orgId: 'org_acme', userId: 'user_alice' };
const { token } = await example.apiTokens.create(admin, { name: 'Demo token', expiresIn: '1-month' });
printWelcome(example.url, token);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await example.close();
    console.log('\nDemo server stopped.');
    process.exit(0);
  });
}

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        example: { type: 'string', default: 'express' },
        database: { type: 'string', default: join(root, '.demo', 'demo.sqlite') },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    fail(`${error.message}. Run npm run demo -- --help for the options.`);
  }
  if (parsed.help) {
    console.log('Usage: npm run demo -- [--port 3000] [--example express|fastify|hono] [--database .demo/demo.sqlite]\nPORT sets the port too.');
    process.exit(0);
  }

  const portText = parsed.port ?? process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) fail(`Invalid port ${JSON.stringify(portText)}: expected an integer from 0 to 65535.`);
  if (!EXAMPLES.includes(parsed.example)) fail(`Unknown example ${JSON.stringify(parsed.example)}: expected one of ${EXAMPLES.join(', ')}.`);
  return { port, example: parsed.example, database: parsed.database };
}

// Builds dist/ when a file is missing or older than the newest source file, so the
// examples' imports of `api-tokens/...` load the current code.
function buildIfNeeded() {
  const distFiles = DIST_FILES.map((file) => join(root, 'dist', file));
  const oldestBuild = Math.min(...distFiles.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  if (oldestBuild >= newestModification(join(root, 'src'))) return;

  console.log('Building api-tokens, because dist/ is missing or older than src/ ...');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) fail(`The build failed; run npm run build to see why.\n${result.stderr}`);
}

function newestModification(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// Node 20 cannot run TypeScript, so the example is compiled to .demo/build. Its imports of
// the package and of installed modules stay imports: `api-tokens/express` resolves to dist/
// through the package's own exports, as it would in an application.
async function bundleExample(name) {
  const { build } = await import('tsup');
  const outDir = join(root, '.demo', 'build', name);
  await build({
    config: false,
    entry: { server: join(root, 'examples', name, 'server.ts') },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    external: ['api-tokens', /^api-tokens\//],
    skipNodeModulesBundle: true,
    silent: true,
  });
  return join(outDir, 'server.js');
}

// A second demo on the same file would delete the database of the one already running, so
// a file next to the database contains the running demo's process id.
function claimDatabase(file) {
  mkdirSync(dirname(file), { recursive: true });
  const lockFile = `${file}.pid`;
  const owner = Number.parseInt(existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : '', 10);
  if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
    const database = relative(process.cwd(), file) || file;
    fail(`Another demo (process ${owner}) is using ${database}. Stop it with Ctrl+C, or give this one another file: npm run demo -- --database /tmp/demo2.sqlite`);
  }
  writeFileSync(lockFile, String(process.pid));
  process.on('exit', () => rmSync(lockFile, { force: true }));
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function resetDatabase(file) {
  mkdirSync(dirname(file), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

function listenErrorMessage(error, port) {
  if (error?.code === 'EADDRINUSE') {
    return `Port ${port} is already in use. Stop the program using it, or choose another port: PORT=3001 npm run demo`;
  }
  if (error?.code === 'EACCES') return `Permission denied to listen on port ${port}. Choose a port above 1023: PORT=3001 npm run demo`;
  return `The demo server failed to start: ${error?.message ?? error}`;
}

function printWelcome(url, token) {
  const database = relative(process.cwd(), options.database) || options.database;
  console.log(`
api-tokens demo: the ${options.example} example is listening on ${url}
Database: ${database} (SQLite, recreated at each start)
Organization: Acme Inc. (org_acme), business plan, with Alice (Admin), Bob (Viewer) and Carol (Editor)

Alice's new API token. It is shown this once and stored only as a digest:

  ${token}

Read documents with it:
  curl -H 'X-API-Key: ${token}' ${url}/v1/documents

A wrong token gets 401:
  curl -i -H 'X-API-Key: acme_wrong' ${url}/v1/documents

Manage tokens as a signed-in user. X-User-Id stands in for a real session:
  curl -H 'X-User-Id: user_alice' ${url}/account/tokens
  curl -H 'X-User-Id: user_alice' -H 'Content-Type: application/json' -d '{"name":"CI","expiresIn":"3-months"}' ${url}/account/tokens

Press Ctrl+C to stop.`);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
