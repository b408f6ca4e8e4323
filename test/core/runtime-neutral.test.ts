import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const NODE_BUILTINS = new Set(builtinModules);

/** Tells whether `path` names a Node built-in module, with or without the `node:` scheme. */
function isNodeBuiltin(path: string): boolean {
  return path.startsWith('node:') || NODE_BUILTINS.has(path) || NODE_BUILTINS.has(path.split('/')[0]!);
}

/**
 * Bundles `src/index.ts` for a platform without Node. Built-in imports are marked external
 * and recorded, because on the neutral platform they would otherwise fail to resolve with a
 * less helpful message.
 */
async function bundleCore(): Promise<{ metafile: Metafile; builtins: string[] }> {
  const builtins: string[] = [];
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (!isNodeBuiltin(args.path)) return undefined;
        builtins.push(`${args.path} (imported by ${args.importer})`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [ENTRY],
    platform: 'neutral',
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  return { metafile: result.metafile, builtins };
}

describe('runtime-neutral core', () => {
  it('core imports no Node module', async () => {
    const { metafile, builtins } = await bundleCore();

    const imports = Object.values(metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
    expect(builtins).toEqual([]);
    expect(imports.filter(isNodeBuiltin)).toEqual([]);
    expect(Object.keys(metafile.inputs)).toContain('src/api-tokens.ts');
  });

  it('core bundle excludes the testing subpath', async () => {
    const { metafile } = await bundleCore();

    expect(Object.keys(metafile.inputs).filter((path) => path.includes('src/testing/'))).toEqual([]);
  });

  it('builtin check catches node imports', () => {
    expect(isNodeBuiltin('node:crypto')).toBe(true);
    expect(isNodeBuiltin('crypto')).toBe(true);
    expect(isNodeBuiltin('assert/strict')).toBe(true);
    expect(isNodeBuiltin('zod')).toBe(false);
    expect(isNodeBuiltin('@noble/hashes/sha2.js')).toBe(false);
  });
});
