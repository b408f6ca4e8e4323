// Wires the library to the host application: tokens in the same SQLite database, read
// through the SQL token store, with the application's memberships and plans.
import type Database from 'better-sqlite3';
import { createApiTokens, type ApiTokens } from 'api-tokens';
import { SqlTokenStore } from 'api-tokens/sql';
import { createDirectory, openDatabase, plansWithApiAccess, rateLimitsByPlan } from './directory.js';

/** Options of every example's `startServer`. */
export interface StartOptions {
  /** The SQLite file. Default `:memory:`, a database that lives as long as the server. */
  databaseFile?: string;
  /** The TCP port. Default 3000, and 0 picks a free port. */
  port?: number;
  /** The interface to listen on. Default `127.0.0.1`. */
  host?: string;
}

/** A started example server. */
export interface RunningExample {
  url: string;
  port: number;
  db: Database.Database;
  apiTokens: ApiTokens;
  close(): Promise<void>;
}

/** Opens the database, creates the token table and returns the configured `ApiTokens`. */
export async function setUp(databaseFile: string | undefined): Promise<{ db: Database.Database; apiTokens: ApiTokens }> {
  const db = openDatabase(databaseFile);
  const store = SqlTokenStore.sqlite(db);
  await store.migrate();

  const secret = process.env['API_TOKEN_SECRET'];
  const apiTokens = createApiTokens({
    store,
    prefix: 'acme',
    directory: createDirectory(db),
    adminRoles: ['Admin'],
    apiPlans: plansWithApiAccess(db),
    rateLimits: { plans: rateLimitsByPlan(db) },
    // With a server secret, stored digests are HMAC-SHA-256 and useless without the secret.
    secrets: secret === undefined ? [] : [{ id: 'primary', secret }],
  });
  return { db, apiTokens };
}
