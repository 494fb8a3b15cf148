/**
 * blob/sqlite: the BlobStore implementation in a SQLite database of its own, for small
 * blobs (in-memory writers, batched WAL commits, group-committed fdatasync).
 *
 * Allowed imports: core/, blob/ (the port), better-sqlite3, node:*. Imported only by the
 * composition root (app/, engine/embedded/) and tests.
 */
export { isSqliteBlobId, SqliteBlobStore, type SqliteBlobStoreOptions } from './sqlite-blob-store.js';
