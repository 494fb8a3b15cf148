/**
 * Domain records the metadata store keeps. They are plain values (no SQL, no
 * driver types) so that the SQLite and a later PostgreSQL implementation share them.
 * Shapes mirror engine/types.ts structurally; meta/ may not import engine/.
 */
import type { ChecksumType, HashAlgorithm } from '../core/checksums/index.js';

export type ChecksumAlgorithmName = Exclude<HashAlgorithm, 'MD5'>;
export type { ChecksumType };
export type VersioningState = 'Enabled' | 'Suspended';
/** The canned ACLs Sovra stores; a record without one is 'private'. */
export type CannedAclName = 'private' | 'public-read';

/** A bucket's stored footprint (see UsageRepo for what counts). */
export interface UsageCounts {
  bytes: number;
  objects: number;
}

/**
 * One metered figure of one UTC hour (hour index = ms since epoch / 3,600,000). Names an
 * account, bucket, region and meter only: usage never carries object keys.
 */
export interface HourlyUsage {
  accountId: string;
  bucket: string;
  region: string;
  meter: string;
  hour: number;
  quantity: bigint;
}

/**
 * Counters to add, as one recorder flush: applied once per id (a retried batch whose first
 * attempt did commit is a no-op), all rows or none.
 */
export interface UsageBatch {
  id: string;
  rows: HourlyUsage[];
}

export interface UsageHoursQuery {
  /** Hour indexes, [fromHour, toHour). */
  fromHour: number;
  toHour: number;
  /** Storage accrues up to this moment (ms since epoch) for the open interval since the last change. */
  now: number;
  accountIds?: readonly string[];
  bucket?: string;
  meters?: readonly string[];
}

export interface CorsRuleRecord {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface BucketRecord {
  name: string;
  owner: string;
  region: string;
  createdAt: Date;
  /** Never set → undefined (S3 reports no Status). */
  versioning?: VersioningState;
  /** The bucket policy JSON, verbatim as the owner sent it. */
  policy?: string;
  /** Absent means 'private'. */
  acl?: CannedAclName;
}

/** The object headers S3 returns on GET/HEAD (same shape as engine ObjectHeaders). */
export interface StoredHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  userMetadata: Record<string, string>;
  storageClass?: string;
  websiteRedirectLocation?: string;
}

export interface StoredChecksum {
  algorithm: ChecksumAlgorithmName;
  type: ChecksumType;
  /** base64 digest; composite values end in "-N". */
  value: string;
}

/**
 * One run of an object's bytes: a whole blob. A simple object has one segment;
 * a multipart object has one per completed part (partNumber and the part's
 * checksum kept for GET ?partNumber= and GetObjectAttributes).
 */
export interface Segment {
  blobId: string;
  size: number;
  partNumber?: number;
  checksum?: string;
}

/** A version of a key: an object or a delete marker. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  /** 'null' for versions written while versioning was off or suspended. */
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  /** Quoted, as on the wire. Empty for delete markers. */
  etag: string;
  lastModified: Date;
  owner: string;
  headers: StoredHeaders;
  tags: Record<string, string>;
  checksum?: StoredChecksum;
  /** Present when asked for (withSegments) and on removal results. */
  segments?: Segment[];
  replicationStatus?: ReplicationStatusName;
  /** Absent means 'private'. */
  acl?: CannedAclName;
}

export type ReplicationStatusName = 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';

export interface ReplicationRuleRecord {
  /** Unique within the configuration. */
  id: string;
  /** Higher wins when several enabled rules to one destination match a key. */
  priority: number;
  status: 'Enabled' | 'Disabled';
  /** Key prefix filter; '' matches every key. */
  prefix: string;
  /** Bucket name (not the ARN). */
  destinationBucket: string;
  /** Whether delete markers are replicated (S3's DeleteMarkerReplication Status). */
  deleteMarkerReplication: boolean;
  storageClass?: string;
}

/** A bucket's replication configuration (the engine's ReplicationConfig). */
export interface ReplicationConfigRecord {
  /** IAM role ARN as sent; stored and returned, not interpreted. */
  role: string;
  rules: ReplicationRuleRecord[];
}

export interface NewReplicationTask {
  bucket: string;
  key: string;
  versionId: string;
  deleteMarker: boolean;
  destinationBucket: string;
  ruleId: string;
  enqueuedAt: Date;
}

export interface ReplicationTaskRecord extends NewReplicationTask {
  id: number;
  attempts: number;
  /** When the task may next be claimed (a retry time or a lease's end). */
  dueAt: Date;
  lastError?: string;
}

/** What the engine hands the store for a new version (isLatest is implied). */
export type NewObjectVersion = Omit<ObjectVersion, 'isLatest' | 'segments'> & { segments: Segment[] };

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  owner: string;
  initiated: Date;
  headers: StoredHeaders;
  tags?: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithmName;
  checksumType?: ChecksumType;
  /** The ACL the completed object gets; absent means 'private'. */
  acl?: CannedAclName;
}

/** A multipart upload that was completed, kept a while so that a retried Complete is answered again. */
export interface CompletedUploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  versionId: string;
  /** Quoted, as stored on the version. */
  etag: string;
  /** Identifies the part list the upload was completed with (see engine/complete-multipart.ts). */
  partsDigest: string;
  completedAt: Date;
}

export interface PartRecord {
  partNumber: number;
  blobId: string;
  size: number;
  /** Quoted MD5 hex. */
  etag: string;
  lastModified: Date;
  /** The part's flexible checksum (base64) and its algorithm, when one was computed. */
  checksumAlgorithm?: ChecksumAlgorithmName;
  checksum?: string;
}

/** A page of a grouped listing (S3 prefix/delimiter semantics). */
export interface Page<T> {
  items: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last entry returned, in listing order: an item or a common prefix. */
  last?: { item: T } | { prefix: string };
}

export interface ListLatestQuery {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  /** Exclusive position: keys and common prefixes at or before it are skipped. */
  after?: string;
  maxKeys: number;
}

export interface ListVersionsQuery {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  /** With keyMarker: continue after this version of keyMarker. */
  versionIdMarker?: string;
  maxKeys: number;
}

export interface ListUploadsQuery {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  /** With keyMarker: continue after this upload of keyMarker (upload ids sort by initiation). */
  uploadIdMarker?: string;
  maxUploads: number;
}
