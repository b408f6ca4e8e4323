/** The instant every test clock starts at unless a test sets another. */
export const START = '2026-03-15T10:30:00.000Z';

/**
 * A frozen clock for the `clock` option. It moves only when a test calls `set` or
 * `advance`, so every rule can be probed at an exact millisecond.
 */
export class TestClock {
  #ms: number;

  constructor(start: string | Date = START) {
    this.#ms = new Date(start).getTime();
  }

  /** The function to pass as the `clock` option. */
  readonly now = (): Date => new Date(this.#ms);

  set(instant: string | Date): void {
    this.#ms = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.#ms += ms;
  }
}
