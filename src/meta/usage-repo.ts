/**
 * Port: usage. Two kinds of figures live here.
 *
 * - Per-bucket counters: a bucket's `bytes` is the size of every stored version (current
 *   and non-current; delete markers are empty) plus every part of its in-progress multipart
 *   uploads; `objects` counts versions that are not delete markers. ObjectRepo and
 *   UploadRepo keep them in step with their rows inside the same transaction, and in that
 *   same transaction the storage meters (byte-hours, object-hours per UTC hour, see
 *   usage-accrual.ts) are advanced to the moment of the change.
 * - Hourly counters the request meters add (addCounters), one batch at a time.
 *
 * `hours` reads both, adding the storage accrued since each bucket's last change up to
 * the query's `now`.
 */
import type { HourlyUsage, UsageBatch, UsageCounts, UsageHoursQuery } from './types.js';

export interface UsageRepo {
  /** Zero for a bucket with nothing stored (or no bucket). */
  get(bucket: string): Promise<UsageCounts>;
  /** Sums over the owner's buckets in this store, and how many buckets that is. */
  byOwner(owner: string): Promise<UsageCounts & { buckets: number }>;
  /** The counters as the rows say they should be (a full scan of the bucket's rows). */
  recount(bucket: string): Promise<UsageCounts>;
  /** Adds a batch of counters; false (and nothing added) when this batch id was applied before. */
  addCounters(batch: UsageBatch): Promise<boolean>;
  /** Hourly figures of the window, quantity > 0, in no particular order. */
  hours(q: UsageHoursQuery): Promise<HourlyUsage[]>;
}
