/** Port: in-progress multipart uploads and their parts. */
import type { CompletedUploadRecord, ListUploadsQuery, Page, PartRecord, UploadRecord } from './types.js';

export interface PartsPage {
  parts: PartRecord[];
  isTruncated: boolean;
}

/**
 * Parts count towards their bucket's usage (UsageRepo): storing, replacing and removing parts
 * updates the counters in the same transaction.
 */
export interface UploadRepo {
  insert(upload: UploadRecord): Promise<void>;
  get(uploadId: string): Promise<UploadRecord | undefined>;
  /** Removes the upload and all its parts; returns the parts (the caller deletes or adopts their blobs). */
  remove(uploadId: string): Promise<PartRecord[] | undefined>;
  /** Stores a part, replacing the same part number; returns the replaced part. */
  putPart(uploadId: string, part: PartRecord): Promise<PartRecord | undefined>;
  /** All parts by part number. */
  parts(uploadId: string): Promise<PartRecord[]>;
  /** Parts with a number above `after`, at most `max`. */
  listParts(uploadId: string, opts: { after?: number; max: number }): Promise<PartsPage>;
  /** Uploads by key, then upload id, with prefix/delimiter grouping. */
  list(query: ListUploadsQuery): Promise<Page<UploadRecord>>;
  /** Removes every upload of a bucket; returns the blob ids of their parts. */
  removeByBucket(bucket: string): Promise<string[]>;
  /** Remembers a completed upload, and forgets those completed before `forgetBefore`. */
  recordCompleted(done: CompletedUploadRecord, forgetBefore: Date): Promise<void>;
  /** A completed upload still remembered. */
  completed(uploadId: string): Promise<CompletedUploadRecord | undefined>;
}
