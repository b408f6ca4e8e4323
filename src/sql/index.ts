export { SqlTokenStore } from './sql-token-store.js';
export { mysqlSchema } from './mysql.js';
export { postgresSchema } from './postgres.js';
export { sqliteSchema } from './sqlite.js';

export type { SqlTokenStoreOptions } from './sql-token-store.js';
export type { MysqlPoolLike } from './mysql.js';
export type { PgPoolLike, PgQueryResultLike } from './postgres.js';
export type { SqliteDatabaseLike, SqliteStatementLike } from './sqlite.js';
