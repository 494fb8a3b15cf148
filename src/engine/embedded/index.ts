/**
 * engine/embedded: a composition helper for the embedded deployment (one data directory:
 * SQLite metadata, small blobs as SQLite rows, larger blobs as files), used by the
 * composition root (app/) and tests. It is the only engine code that imports store
 * implementations; the engine itself does not.
 *
 * Allowed imports: engine/, meta/sqlite, blob/fs, blob/sqlite, blob/tiered, node:*.
 */
export { openEmbeddedStorage, type EmbeddedStorage, type EmbeddedStorageOptions } from './open-embedded-storage.js';
