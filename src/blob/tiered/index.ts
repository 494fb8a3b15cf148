/**
 * blob/tiered: a BlobStore that keeps blobs up to a size threshold in one store and larger
 * ones in another, routing by id form.
 *
 * Allowed imports: core/, blob/ (the port), node:*. It composes stores it is given and
 * imports no implementation. Imported only by the composition root and tests.
 */
export { DEFAULT_SMALL_BLOB_THRESHOLD, TieredBlobStore, type TieredBlobStoreOptions } from './tiered-blob-store.js';
