/** Length of the token slices searched for. It exceeds the 4-character suffix, which lists show by design. */
export const FRAGMENT_LENGTH = 8;

/**
 * Returns every `FRAGMENT_LENGTH`-character slice of `token` that occurs in `text`.
 * An empty result means `text` contains neither the token nor any sizeable part of it.
 */
export function tokenFragmentsIn(text: string, token: string): string[] {
  const found = new Set<string>();
  for (let start = 0; start + FRAGMENT_LENGTH <= token.length; start++) {
    const fragment = token.slice(start, start + FRAGMENT_LENGTH);
    if (text.includes(fragment)) found.add(fragment);
  }
  return [...found];
}

/** Serializes a value for a leak search, including the message, stack and cause of errors. */
export function textOf(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof Error) return { ...inner, name: inner.name, message: inner.message, stack: inner.stack, cause: inner.cause };
    return inner;
  });
}
