/**
 * Rejects an unknown option name, such as a misspelt one, which would otherwise be ignored.
 *
 * @throws TypeError naming the first key of `options` that is not in `known` or `ignored`.
 */
export function assertKnownOptions(options: object, known: readonly string[], label: string, ignored: readonly string[] = []): void {
  const unknown = Object.keys(options).find((key) => !known.includes(key) && !ignored.includes(key));
  if (unknown === undefined) return;
  const expected = known.length === 1 ? known[0] : `${known.slice(0, -1).join(', ')} or ${known.at(-1)}`;
  throw new TypeError(`${label}.${unknown} is not an option; expected ${expected}`);
}
