/** A test function as vitest, Jest, Mocha and `node:test` define it. */
export type TestFunction = (name: string, body: () => Promise<void> | void) => unknown;

/** The `describe` and `it` of the test runner the suite registers with. */
export interface SuiteRunner {
  /** Default: the global `describe`, as Jest, Mocha and vitest with `globals: true` provide. */
  describe?: TestFunction;
  /** Default: the global `it`. */
  it?: TestFunction;
}

export function resolveRunner(options: SuiteRunner): Required<SuiteRunner> {
  const globals = globalThis as { describe?: TestFunction; it?: TestFunction };
  const describe = options.describe ?? globals.describe;
  const it = options.it ?? globals.it;
  if (typeof describe !== 'function' || typeof it !== 'function') {
    throw new TypeError('Pass describe and it from your test runner, for example: import { describe, it } from "vitest"');
  }
  return { describe, it };
}
