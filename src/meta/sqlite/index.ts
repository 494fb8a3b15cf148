/**
 * meta/sqlite: the MetaStore implementation on better-sqlite3 (WAL, BEGIN IMMEDIATE writes,
 * numbered migrations, prepared statements, file-lock instance registry).
 *
 * Allowed imports: core/, meta/ (the ports), better-sqlite3, node:*. Imported only by the
 * composition root (app/, engine/embedded/) and tests.
 */
export { SqliteMetaStore, type SqliteMetaStoreOptions } from './sqlite-meta-store.js';
export { MIGRATIONS, migrate, type Migration } from './migrations.js';
