// The host application's own data, as a team would already have it: plans, organizations,
// users, memberships (a role and its permissions) and documents, in a few SQLite tables.
// The library only reads it through the Directory below.
import Database from 'better-sqlite3';
import type { Actor, Directory, RateLimitRule } from 'api-tokens';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS plans (
    name TEXT PRIMARY KEY,
    api_access INTEGER NOT NULL,
    requests_per_hour INTEGER
  );
  CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL REFERENCES plans (name)
  );
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS memberships (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    permissions TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
  );
  CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    title TEXT NOT NULL
  );
`;

const SEED = `
  INSERT OR IGNORE INTO plans VALUES ('free', 0, NULL), ('business', 1, 1000), ('enterprise', 1, 10000);
  INSERT OR IGNORE INTO organizations VALUES ('org_acme', 'Acme Inc.', 'business');
  INSERT OR IGNORE INTO users VALUES ('user_alice', 'Alice'), ('user_bob', 'Bob'), ('user_carol', 'Carol');
  INSERT OR IGNORE INTO memberships VALUES
    ('org_acme', 'user_alice', 'Admin', '["documents:read","documents:write"]'),
    ('org_acme', 'user_bob', 'Viewer', '[]'),
    ('org_acme', 'user_carol', 'Editor', '["documents:read","documents:write"]');
  INSERT OR IGNORE INTO documents VALUES
    ('doc_1', 'org_acme', 'Quarterly report'),
    ('doc_2', 'org_acme', 'Product roadmap');
`;

/** The seeded users, by role. */
export const SEED_USERS = Object.freeze({ admin: 'user_alice', viewer: 'user_bob', editor: 'user_carol' });

/** Opens (or creates) the SQLite database at `file`, creates the tables and adds the sample data once. */
export function openDatabase(file = ':memory:'): Database.Database {
  const db = new Database(file);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  db.exec(SEED);
  return db;
}

/** Reads memberships and plans for `createApiTokens`, on every verification. */
export function createDirectory(db: Database.Database): Directory {
  const member = db.prepare<[string, string], { role: string; permissions: string }>(
    'SELECT role, permissions FROM memberships WHERE org_id = ? AND user_id = ?',
  );
  const organization = db.prepare<[string], { plan: string }>('SELECT plan FROM organizations WHERE id = ?');

  return {
    async getMember(orgId, userId) {
      const row = member.get(orgId, userId);
      return row === undefined ? null : { role: row.role, permissions: JSON.parse(row.permissions) as string[] };
    },
    async getOrganization(orgId) {
      return organization.get(orgId) ?? null;
    },
  };
}

/** Returns the plans whose organizations may use API tokens. */
export function plansWithApiAccess(db: Database.Database): string[] {
  return db.prepare<[], { name: string }>('SELECT name FROM plans WHERE api_access = 1').all().map((row) => row.name);
}

/** Returns the hourly rate limit of each plan that has one. */
export function rateLimitsByPlan(db: Database.Database): Record<string, RateLimitRule> {
  const rows = db.prepare<[], { name: string; limit: number }>('SELECT name, requests_per_hour AS "limit" FROM plans WHERE requests_per_hour IS NOT NULL').all();
  return Object.fromEntries(rows.map((row) => [row.name, { limit: row.limit, windowSeconds: 3600 }]));
}

/**
 * Finds the signed-in user's organization. A STAND-IN FOR REAL SESSIONS: the examples trust
 * an `X-User-Id` header (and `X-Org-Id` when the user belongs to several organizations).
 * A real application takes the user from its session or login token instead.
 */
export function findActor(db: Database.Database, userId: string | undefined, orgId: string | undefined): Actor | null {
  if (userId === undefined) return null;
  const memberships = db.prepare<[string], { org_id: string }>('SELECT org_id FROM memberships WHERE user_id = ? ORDER BY org_id').all(userId);
  const chosen = orgId === undefined ? memberships[0] : memberships.find((membership) => membership.org_id === orgId);
  return chosen === undefined ? null : { orgId: chosen.org_id, userId };
}

/** Lists an organization's documents. */
export function listDocuments(db: Database.Database, orgId: string): { id: string; title: string }[] {
  return db.prepare<[string], { id: string; title: string }>('SELECT id, title FROM documents WHERE org_id = ? ORDER BY id').all(orgId);
}

/** Changes a member's role and permissions, as the host application's admin screens would. */
export function setMembership(db: Database.Database, orgId: string, userId: string, role: string, permissions: string[]): void {
  db.prepare('UPDATE memberships SET role = ?, permissions = ? WHERE org_id = ? AND user_id = ?').run(role, JSON.stringify(permissions), orgId, userId);
}
