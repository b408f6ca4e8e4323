import { effectivePermissions, isGranted } from './permissions.js';
import { evaluate } from './status.js';
import type { TokenRecord } from './store.js';
import type { AuthContext, Member, TokenInfo } from './types.js';

/** Converts a record to the `TokenInfo` that management calls return: no digest, and the status at `now`. */
export function toInfo(record: TokenRecord, now: Date): TokenInfo {
  const state = evaluate(record, now);
  return {
    id: record.id,
    orgId: record.orgId,
    userId: record.userId,
    name: record.name,
    suffix: record.suffix,
    createdAt: new Date(record.createdAt.getTime()),
    expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt.getTime()),
    status: state.status,
    inactiveReason: state.inactiveReason,
    lastUsedAt: record.lastUsedAt === null ? null : new Date(record.lastUsedAt.getTime()),
    scopes: record.scopes === null ? null : Object.freeze([...record.scopes]),
  };
}

/** Returns the identity and current permissions of a verified token. */
export function authContext(record: TokenRecord, member: Member, plan: string | null): AuthContext {
  const permissions = effectivePermissions(member.permissions, record.scopes);
  return Object.freeze({
    tokenId: record.id,
    orgId: record.orgId,
    userId: record.userId,
    role: member.role,
    permissions,
    plan,
    can: (permission: string) => isGranted(permissions, permission),
  });
}
