/**
 * Port: the unit of work over all metadata repositories. A callback sees one consistent
 * snapshot (unless a read asks for none); write() callbacks commit atomically or not at
 * all. Callbacks must only touch the repositories (no blob I/O, no waiting on the network)
 * because a write holds the store's write lock for its duration. Transactions do not nest.
 */
import type { BlobRefRepo } from './blob-ref-repo.js';
import type { BucketRepo } from './bucket-repo.js';
import type { InstanceRegistry } from './instance-registry.js';
import type { ObjectRepo } from './object-repo.js';
import type { ReplicationQueueRepo } from './replication-queue-repo.js';
import type { UploadRepo } from './upload-repo.js';
import type { UsageRepo } from './usage-repo.js';

export interface MetaTx {
  readonly buckets: BucketRepo;
  readonly objects: ObjectRepo;
  readonly uploads: UploadRepo;
  readonly blobRefs: BlobRefRepo;
  readonly replication: ReplicationQueueRepo;
  readonly usage: UsageRepo;
}

export interface TxOptions {
  signal?: AbortSignal;
  /**
   * read() only. false: the callback's queries need not share one snapshot (it runs one, or
   * the later ones do not depend on the earlier), so the store may skip the transaction
   * around them, which costs more than a point query. Never concurrent with a write.
   */
  snapshot?: boolean;
}

export interface MetaStore {
  read<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T>;
  write<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T>;
  readonly instances: InstanceRegistry;
  /** Releases this store's registrations and closes what it opened. */
  close(): Promise<void>;
}
