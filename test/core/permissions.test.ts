import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covers, effectivePermissions, isGranted } from '../../src/permissions.js';

// A small universe, so that random lists often share names, prefixes and wildcards.
const permissionName = fc.constantFrom(
  '*',
  'documents:*',
  'documents:read',
  'documents:write',
  'documents:read:*',
  'documents:read:all',
  'billing:*',
  'billing:read',
  'documentsx:read',
  'documents:',
);
const permissionList = fc.array(permissionName, { maxLength: 5 });

describe('permission matching', () => {
  it.each([
    ['documents:read', 'documents:read', true],
    ['documents:read', 'documents:write', false],
    ['documents:*', 'documents:read', true],
    ['documents:*', 'documents:read:all', true],
    ['documents:*', 'documentsx:read', false],
    ['documents:*', 'billing:read', false],
    ['*', 'billing:read', true],
    ['*', '*', true],
    ['documents:read', 'documents:*', false],
    ['documents*', 'documents:read', false],
  ] as const)('%s covers %s: %s', (granted, requested, expected) => {
    expect(covers(granted, requested)).toBe(expected);
  });

  it('scopes intersect member permissions', () => {
    fc.assert(
      fc.property(permissionList, permissionList, permissionName, (member, scopes, requested) => {
        const effective = effectivePermissions(member, scopes);
        const grantedByBoth = isGranted(member, requested) && isGranted(scopes, requested);

        expect(isGranted(effective, requested)).toBe(grantedByBoth);
      }),
      { numRuns: 2_000 },
    );
  });

  it('null scopes keep member permissions', () => {
    fc.assert(
      fc.property(permissionList, permissionName, (member, requested) => {
        const effective = effectivePermissions(member, null);

        expect(isGranted(effective, requested)).toBe(isGranted(member, requested));
        expect(new Set(effective)).toEqual(new Set(member));
      }),
    );
  });

  it('empty scopes grant nothing', () => {
    expect(effectivePermissions(['*', 'documents:read'], [])).toEqual([]);
  });

  it('narrower name of a pair wins', () => {
    expect(effectivePermissions(['documents:*'], ['documents:read'])).toEqual(['documents:read']);
    expect(effectivePermissions(['documents:read'], ['documents:*'])).toEqual(['documents:read']);
    expect(effectivePermissions(['*'], ['billing:*'])).toEqual(['billing:*']);
  });

  it('result is frozen without duplicates', () => {
    const effective = effectivePermissions(['documents:read', 'documents:read'], null);

    expect(effective).toEqual(['documents:read']);
    expect(Object.isFrozen(effective)).toBe(true);
  });
});
