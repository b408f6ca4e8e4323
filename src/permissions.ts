// Permission names are opaque strings such as `documents:read`. Two wildcard forms are
// understood: `*` grants everything, and `resource:*` grants every permission that starts
// with `resource:`.

/** Tells whether the granted permission `granted` covers the requested `permission`. */
export function covers(granted: string, permission: string): boolean {
  if (granted === '*' || granted === permission) return true;
  if (!granted.endsWith(':*')) return false;
  return permission.startsWith(granted.slice(0, -1));
}

/** Tells whether any of `granted` covers `permission`. */
export function isGranted(granted: readonly string[], permission: string): boolean {
  return granted.some((entry) => covers(entry, permission));
}

/**
 * Returns the permissions a token has: the creator's current permissions, narrowed to
 * `scopes` when the token has scopes. Scopes are a ceiling, so each result is covered by
 * both a member permission and a scope, and the more specific name of a pair is kept.
 */
export function effectivePermissions(
  memberPermissions: readonly string[],
  scopes: readonly string[] | null,
): readonly string[] {
  if (scopes === null) return Object.freeze([...new Set(memberPermissions)]);

  const result = new Set<string>();
  for (const permission of memberPermissions) {
    if (isGranted(scopes, permission)) result.add(permission);
  }
  for (const scope of scopes) {
    if (isGranted(memberPermissions, scope)) result.add(scope);
  }
  return Object.freeze([...result]);
}
