/**
 * The metering contract (issue 5): what is counted where, and how usage is read back.
 *
 * Usage for a bucket lives with the bucket, in its region's metadata store: storage
 * (byte-hours, object-hours) is accumulated in the same transaction as the metadata change
 * that alters it; requests and transfer are counted by the S3 front end that served the
 * client, batched, and flushed to the bucket's region. Reading usage fans out to every
 * region and never carries object keys: a row names account, bucket, region, meter and
 * time only. Quantities are whole base units of the meter (see billing/meters.ts).
 */
import type { MeterName } from '../billing/meters.js';

export type { MeterName } from '../billing/meters.js';

/** S3 request classes as priced: write = PUT/POST/COPY/LIST (and other mutations), read = GET/HEAD. */
export type RequestClass = 'write' | 'read';

/** One client request served, as the S3 front end saw it. */
export interface RequestUsage {
  /** The bucket owner's account (usage is billed to the owner, as S3 does). */
  accountId: string;
  bucket: string;
  region: string;
  class: RequestClass;
  /** Request body bytes accepted from the client. */
  bytesIn: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
  /** When the request was served (ms since epoch); it is counted in that UTC hour. */
  at: number;
}

/** Bytes shipped to another region by replication, counted by the sending region. */
export interface ReplicationUsage {
  accountId: string;
  bucket: string;
  region: string;
  bytes: number;
  at: number;
}

/** One analytics query's cost, counted in the region that ran it. */
export interface AnalyticsUsage {
  accountId: string;
  bucket: string;
  region: string;
  bytesScanned: number;
  /** Wall-clock query time in milliseconds (billed as query-seconds, rounded up per query). */
  elapsedMs: number;
  at: number;
}

/**
 * Where the front ends report what they served. Calls are cheap and synchronous (counted in
 * memory); `flush` makes everything counted so far durable; `close` flushes and stops.
 */
export interface UsageRecorder {
  request(u: RequestUsage): void;
  replicated(u: ReplicationUsage): void;
  analytics(u: AnalyticsUsage): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type Granularity = 'hour' | 'day' | 'month' | 'total';

export interface UsageQuery {
  /** Restrict to these bucket owners (absent: every account the caller may see; the admin layer decides). */
  accountIds?: readonly string[];
  bucket?: string;
  region?: string;
  meters?: readonly MeterName[];
  /** Whole UTC hours, ISO 8601 ('2026-03-01T00:00:00Z'); the window is [from, to). */
  from: string;
  to: string;
  granularity: Granularity;
}

/** One summed figure. `start` is the first hour of the bucket of time (the window's from for 'total'). */
export interface UsageRow {
  accountId: string;
  bucket: string;
  region: string;
  meter: MeterName;
  start: string;
  quantity: bigint;
}

/**
 * Reads metered usage across every region. Rows are sorted by accountId, bucket, region,
 * meter, start; rows with quantity 0 are omitted. Storage meters include the open (current)
 * hour up to `now` when the window reaches it.
 */
export interface UsageSource {
  query(q: UsageQuery): Promise<UsageRow[]>;
}
