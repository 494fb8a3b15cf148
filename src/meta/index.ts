/**
 * meta/: the metadata ports (repositories split by aggregate, a unit of work, an instance
 * registry) and the domain records they return, plus pure listing helpers every
 * implementation shares. Implementations live in subfolders (sqlite/, later postgres/) and
 * are imported only by the composition root and contract tests.
 *
 * Allowed imports: core/ only.
 */
export type * from './types.js';
export type { BucketRepo } from './bucket-repo.js';
export type { ObjectRepo, GetVersionOptions } from './object-repo.js';
export type { UploadRepo, PartsPage } from './upload-repo.js';
export type { UsageRepo } from './usage-repo.js';
export type { BlobRefRepo } from './blob-ref-repo.js';
export type { ReplicationQueueRepo } from './replication-queue-repo.js';
export type { InstanceLease, InstanceRegistry } from './instance-registry.js';
export type { MetaStore, MetaTx, TxOptions } from './meta-store.js';
export { compareUtf8, commonPrefixOf, groupListing, keyAfter, maxKey, prefixEnd, type GroupSpec } from './listing.js';
