import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/sql/index.ts');
const DRIVERS = ['pg', 'mysql2', 'mysql2/promise', 'better-sqlite3'];

// Follows the runtime imports of a module and the modules it imports in turn. Transpiling
// first drops the `import type` statements, which cost nothing at runtime.
function runtimePackageImports(entry: string): Set<string> {
  const packages = new Set<string>();
  const visited = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (visited.has(file)) continue;
    visited.add(file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    for (const { fileName } of ts.preProcessFile(outputText, true, true).importedFiles) {
      if (fileName.startsWith('.')) pending.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
      else packages.add(fileName);
    }
  }
  return packages;
}

describe('api-tokens/sql entry', () => {
  it('loads no database driver', () => {
    const packages = [...runtimePackageImports(ENTRY)];
    expect(packages.filter((name) => DRIVERS.includes(name) || name.startsWith('node:'))).toEqual([]);
  });

  it('import scan sees runtime imports', () => {
    // The core entry imports zod at runtime, which shows that the scan finds package imports.
    expect(runtimePackageImports(resolve(dirname(ENTRY), '../index.ts')).has('zod')).toBe(true);
  });
});
