/**
 * engine/embedded: a composition helper for the embedded deployment (one data directory:
 * SQLite metadata + filesystem blobs), used by the composition root (app/) and tests. It is
 * the only engine code that imports store implementations; the engine itself does not.
 *
 * Allowed imports: engine/, meta/sqlite, blob/fs, node:*.
 */
export { openEmbeddedStorage, type EmbeddedStorage, type EmbeddedStorageOptions } from './open-embedded-storage.js';
