import type { Actor, Directory, Member, Organization } from '../../src/index.js';

/** The membership a test member gets unless the test gives another. */
export const DEFAULT_MEMBER: Member = { role: 'Editor', permissions: ['documents:read', 'documents:write'] };

/**
 * An in-memory host directory of organizations and members whose roles, permissions and
 * plans a test can change between calls, as a real application would.
 */
export class TestDirectory implements Directory {
  readonly #organizations = new Map<string, Organization>();
  readonly #members = new Map<string, Member>();
  #nextId = 1;

  /** Adds an organization on `plan` and returns its id. */
  addOrganization(plan = 'business'): string {
    const orgId = `org_${this.#nextId++}`;
    this.#organizations.set(orgId, { plan });
    return orgId;
  }

  /** Adds a new user to `orgId` and returns them as an actor of that organization. */
  addMember(orgId: string, member: Partial<Member> = {}): Actor {
    const actor = { orgId, userId: `user_${this.#nextId++}` };
    this.setMember(actor, member);
    return actor;
  }

  /** Sets (or restores) the membership of `actor` in its organization. */
  setMember(actor: Actor, member: Partial<Member> = {}): void {
    this.#members.set(memberKey(actor), { ...DEFAULT_MEMBER, ...member });
  }

  setRole(actor: Actor, role: string): void {
    this.setMember(actor, { ...this.#require(actor), role });
  }

  setPermissions(actor: Actor, permissions: readonly string[]): void {
    this.setMember(actor, { ...this.#require(actor), permissions });
  }

  /** Removes `actor` from its organization and returns the membership it had. */
  removeMember(actor: Actor): Member {
    const member = this.#require(actor);
    this.#members.delete(memberKey(actor));
    return member;
  }

  setPlan(orgId: string, plan: string): void {
    this.#organizations.set(orgId, { plan });
  }

  removeOrganization(orgId: string): void {
    this.#organizations.delete(orgId);
  }

  async getMember(orgId: string, userId: string): Promise<Member | null> {
    const member = this.#members.get(memberKey({ orgId, userId }));
    return member === undefined ? null : { role: member.role, permissions: [...member.permissions] };
  }

  async getOrganization(orgId: string): Promise<Organization | null> {
    const organization = this.#organizations.get(orgId);
    return organization === undefined ? null : { plan: organization.plan };
  }

  #require(actor: Actor): Member {
    const member = this.#members.get(memberKey(actor));
    if (member === undefined) throw new Error(`test directory: ${actor.userId} is not a member of ${actor.orgId}`);
    return member;
  }
}

function memberKey(actor: Actor): string {
  return `${actor.orgId}\u0000${actor.userId}`;
}
