/**
 * blob/fs: the BlobStore implementation on a local filesystem (fan-out directories,
 * temp-file + fsync + rename commits, large-chunk ranged reads).
 *
 * Allowed imports: core/, blob/ (the port), node:*. Imported only by the composition root
 * (app/, engine/embedded/) and tests.
 */
export { FsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.js';
