/**
 * blob/: the BlobStore port (streamed writes committed atomically, ranged reads, delete,
 * listing for garbage collection). Implementations live in subfolders (fs/ files, sqlite/
 * rows for small blobs, tiered/ which routes between two stores by size; later s3/) and
 * are imported only by the composition root and contract tests.
 *
 * Allowed imports: core/ only (and node: built-ins).
 */
export type { BlobStat, BlobStore, BlobWriter, CleanTempOptions, IoOptions, ReadOptions } from './blob-store.js';
