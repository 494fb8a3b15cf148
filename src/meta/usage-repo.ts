/**
 * Port: per-bucket usage counters, the basis of quotas and metering. A bucket's `bytes` is the
 * size of every stored version (current and non-current; delete markers are empty) plus every
 * part of its in-progress multipart uploads; `objects` counts versions that are not delete
 * markers. ObjectRepo and UploadRepo keep the counters in step with their rows inside the
 * same transaction; this port only reads them (and recounts, to verify or repair).
 */
import type { UsageCounts } from './types.js';

export interface UsageRepo {
  /** Zero for a bucket with nothing stored (or no bucket). */
  get(bucket: string): Promise<UsageCounts>;
  /** Sums over the owner's buckets in this store, and how many buckets that is. */
  byOwner(owner: string): Promise<UsageCounts & { buckets: number }>;
  /** The counters as the rows say they should be (a full scan of the bucket's rows). */
  recount(bucket: string): Promise<UsageCounts>;
}
