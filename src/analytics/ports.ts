/**
 * What the analytics engine needs from the rest of Sovra, for one caller: where a bucket is
 * and what its residency allows, its keys, and an object's bytes as a file, each after the
 * caller's permission was checked (the protocol layer implements it with the S3 API's own
 * authorization). The engine itself knows nothing of HTTP, SigV4 or SQLite.
 */
import type { Readable } from 'node:stream';

export interface BucketPlace {
  name: string;
  owner: string;
  /** The region that holds the bucket; the node serves it (else bucket() throws PermanentRedirect). */
  region: string;
  /** The residency policy: zones the bucket's data may be in. */
  zones: readonly string[];
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface ObjectAccess {
  /** The bucket, if this node holds it (NoSuchBucket, or PermanentRedirect naming the region's endpoint). */
  bucket(name: string): Promise<BucketPlace>;
  /** Keys under `prefix`, in order, after checking the caller may list the bucket (s3:ListBucket). */
  list(bucket: string, prefix: string, signal?: AbortSignal): AsyncIterable<ListedObject>;
  /**
   * The object's current bytes as a file at `path`, after checking the caller may read it
   * (s3:GetObject); `version` names those bytes (version id and ETag).
   */
  materialize(bucket: string, key: string, path: string, signal?: AbortSignal): Promise<{ size: number; version: string }>;
  /** Checks the caller may write the key (s3:PutObject) before any work is done. */
  authorizeWrite(bucket: string, key: string): Promise<void>;
  /** Stores a result as an object (the bucket owner's), answering its etag and size. */
  write(bucket: string, key: string, body: Readable, size: number, contentType: string, signal?: AbortSignal): Promise<{ etag: string; size: number }>;
}

/** Whether a region is inside a set of residency zones, and whether one zone set lies within another. */
export interface ResidencyRules {
  regionAllowed(region: string, zones: readonly string[]): boolean;
  isWithin(zones: readonly string[], outer: readonly string[]): boolean;
}
