/**
 * The storage engine's public contract. The S3 protocol layer talks to the
 * engine only through these types: it knows nothing of SQLite or files, and the
 * engine knows nothing of HTTP, XML or signatures.
 */
import type { Readable } from 'node:stream';
import type { HourlyUsage, ReplicationConfigRecord, ReplicationRuleRecord, UsageBatch, UsageHoursQuery } from '../meta/types.js';

export type { HourlyUsage, UsageBatch, UsageHoursQuery } from '../meta/types.js';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';
export type VersioningStatus = 'Enabled' | 'Suspended' | undefined;
/**
 * The canned ACLs Sovra stores. 'public-read' on a bucket lets anyone list it; on an object,
 * lets anyone read it. Other canned ACLs and grants are refused by the S3 layer.
 */
export type CannedAcl = 'private' | 'public-read';

/**
 * What a bucket stores, the basis of quotas and metering. `bytes`: every stored version
 * (current and non-current; delete markers are empty) plus the parts of in-progress multipart
 * uploads. `objects`: versions that are not delete markers.
 */
export interface BucketUsage {
  bytes: number;
  objects: number;
}

/** An owner's usage summed over its buckets. */
export interface OwnerUsage extends BucketUsage {
  buckets: number;
  /**
   * Regions the sum could not include (a remote region did not answer); absent when every
   * region counted. Only the regional router sets it.
   */
  unreachableRegions?: string[];
}

/** A checksum as S3 shows it: base64 of the digest; composite ones end in `-N`. */
export interface ChecksumValue {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
  value: string;
}

export interface Bucket {
  name: string;
  owner: string;
  region: string;
  createdAt: Date;
  versioning: VersioningStatus;
  /** The bucket policy JSON text exactly as it was stored; absent when none is set. */
  policy?: string;
  acl: CannedAcl;
}

/** Headers that S3 stores with an object and returns on GET/HEAD. */
export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  /** Stored verbatim (an HTTP date string), as S3 does. */
  expires?: string;
  /** x-amz-meta-* without the prefix, names lower-cased. */
  userMetadata: Record<string, string>;
  storageClass?: string;
  websiteRedirectLocation?: string;
}

export interface ObjectInfo {
  bucket: string;
  key: string;
  /** 'null' for objects written while versioning was never enabled or suspended. */
  versionId: string;
  isLatest: boolean;
  size: number;
  /** Quoted, as on the wire: "<md5hex>" or "<md5hex>-<parts>". */
  etag: string;
  lastModified: Date;
  owner: string;
  headers: ObjectHeaders;
  tagCount: number;
  checksum?: ChecksumValue;
  /** For multipart objects: part count, and each part's size (for GET ?partNumber=). */
  parts?: { partNumber: number; size: number; checksum?: string }[];
  /** Set when a replication rule matched the version (source side) or it is a replica. */
  replicationStatus?: ReplicationStatus;
  acl: CannedAcl;
}

export interface DeleteMarkerInfo {
  bucket: string;
  key: string;
  versionId: string;
  isLatest: boolean;
  lastModified: Date;
  owner: string;
}

/** Conditions on the object being read or replaced (RFC 7232 semantics, as S3 applies them). */
export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

/**
 * What the client claimed about the payload; the engine hashes while it streams
 * and refuses the write (nothing stored) when any claim is false.
 */
export interface PayloadClaims {
  /** Exact decoded length, when known up front. A different byte count is IncompleteBody. */
  contentLength?: number;
  /** Content-MD5 header, base64. Mismatch → BadDigest. */
  md5Base64?: string;
  /** x-amz-content-sha256 hex of a signed payload. Mismatch → XAmzContentSHA256Mismatch. */
  sha256Hex?: string;
  /**
   * An x-amz-checksum-* the client asked for. `value` may be a function when the
   * value arrives in a trailer after the body; it is called once the body ended.
   * Mismatch → BadDigest. With no value the engine computes and stores it.
   */
  checksum?: { algorithm: ChecksumAlgorithm; value?: string | (() => string | undefined) };
}

export interface ByteRange {
  /** Inclusive start and end, already resolved against the object size by the engine. */
  start: number;
  end: number;
}

/** As requested: bytes=a-b, bytes=a-, bytes=-n. */
export type RangeRequest = { start: number; end?: number } | { suffix: number };

export interface PutObjectInput {
  bucket: string;
  key: string;
  owner: string;
  body: Readable;
  claims: PayloadClaims;
  headers: ObjectHeaders;
  tags?: Record<string, string>;
  /** Conditional write: ifNoneMatch '*' (create only) or ifMatch etag (replace only that). */
  conditions?: { ifMatch?: string; ifNoneMatch?: string };
  /** Default 'private'. */
  acl?: CannedAcl;
  signal?: AbortSignal;
}

export interface WriteResult {
  etag: string;
  versionId: string;
  lastModified: Date;
  size: number;
  checksum?: ChecksumValue;
  /** True when the write queued replication tasks (so a replicator has work). */
  replicationQueued?: boolean;
}

export interface GetObjectInput {
  bucket: string;
  key: string;
  versionId?: string;
  range?: RangeRequest;
  partNumber?: number;
  conditions?: Preconditions;
  signal?: AbortSignal;
}

export interface GetObjectResult {
  info: ObjectInfo;
  /** Present when a range or part was served (206). */
  range?: ByteRange;
  body: Readable;
}

export interface DeleteResult {
  versionId?: string;
  deleteMarker: boolean;
  /** True when the delete marker queued replication tasks. */
  replicationQueued?: boolean;
}

export interface CopyObjectInput {
  source: { bucket: string; key: string; versionId?: string };
  dest: { bucket: string; key: string };
  owner: string;
  /** COPY keeps the source's headers and metadata; REPLACE uses `headers`. */
  metadataDirective: 'COPY' | 'REPLACE';
  headers?: ObjectHeaders;
  taggingDirective: 'COPY' | 'REPLACE';
  tags?: Record<string, string>;
  /** x-amz-copy-source-if-* */
  sourceConditions?: Preconditions;
  /** If-Match / If-None-Match on the destination. */
  destConditions?: { ifMatch?: string; ifNoneMatch?: string };
  checksumAlgorithm?: ChecksumAlgorithm;
  /** The copy's ACL, default 'private' (as S3, the source's ACL is not copied). */
  acl?: CannedAcl;
  signal?: AbortSignal;
}

export interface CopyResult extends WriteResult {
  sourceVersionId: string;
}

export interface ListObjectsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** Exclusive: list keys (or common prefixes) strictly after this one. */
  after?: string;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned; resume with `after` = this. */
  nextAfter?: string;
}

export interface ListVersionsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  keyMarker?: string;
  versionIdMarker?: string;
}

export type VersionEntry = ({ kind: 'version' } & ObjectInfo) | ({ kind: 'deleteMarker' } & DeleteMarkerInfo);

export interface ListVersionsResult {
  entries: VersionEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

export interface MultipartUpload {
  bucket: string;
  key: string;
  uploadId: string;
  owner: string;
  initiated: Date;
  headers: ObjectHeaders;
  tags?: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** The ACL the completed object will get. */
  acl: CannedAcl;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
  checksum?: string;
}

export interface CreateMultipartInput {
  bucket: string;
  key: string;
  owner: string;
  headers: ObjectHeaders;
  tags?: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** Carried to the completed object; default 'private'. */
  acl?: CannedAcl;
}

export interface UploadPartInput {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  body: Readable;
  claims: PayloadClaims;
  signal?: AbortSignal;
}

export interface UploadPartCopyInput {
  bucket: string;
  key: string;
  uploadId: string;
  partNumber: number;
  source: { bucket: string; key: string; versionId?: string };
  /** x-amz-copy-source-range, inclusive, validated against the source size by the engine. */
  range?: { start: number; end: number };
  sourceConditions?: Preconditions;
  signal?: AbortSignal;
}

export interface CompleteMultipartInput {
  bucket: string;
  key: string;
  uploadId: string;
  parts: { partNumber: number; etag: string; checksum?: string }[];
  /** Full-object checksum the client sent with Complete (x-amz-checksum-*), if any. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string; type?: ChecksumType };
  conditions?: { ifMatch?: string; ifNoneMatch?: string };
  signal?: AbortSignal;
}

export interface ListPartsInput {
  bucket: string;
  key: string;
  uploadId: string;
  maxParts: number;
  partNumberMarker?: number;
}

export interface ListPartsResult {
  upload: MultipartUpload;
  parts: PartInfo[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

export interface ListUploadsInput {
  bucket: string;
  prefix?: string;
  delimiter?: string;
  maxUploads: number;
  keyMarker?: string;
  uploadIdMarker?: string;
}

export interface ListUploadsResult {
  uploads: MultipartUpload[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface CorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export type ReplicationStatus = 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';

/** A rule and the whole configuration: stored as they are, so one definition (src/meta). */
export type ReplicationConfig = ReplicationConfigRecord;
export type ReplicationRule = ReplicationRuleRecord;

/**
 * One pending send of a version or delete marker to one destination bucket. Tasks are
 * written in the same metadata transaction as the version they replicate.
 */
export interface ReplicationTask {
  id: number;
  bucket: string;
  key: string;
  versionId: string;
  deleteMarker: boolean;
  destinationBucket: string;
  ruleId: string;
  /** Claims so far, this one included. */
  attempts: number;
  /** The version's commit time (its lastModified). */
  enqueuedAt: Date;
}

export type ReplicationOutcome =
  | { status: 'COMPLETED' }
  | { status: 'FAILED'; error: string }
  | { retryAt: Date; error: string };

export interface CopySourceInput {
  source: { bucket: string; key: string; versionId?: string };
  /** x-amz-copy-source-range, inclusive. */
  range?: { start: number; end: number };
  conditions?: Preconditions;
  signal?: AbortSignal;
}

export interface CopySourceRead {
  info: ObjectInfo;
  tags: Record<string, string>;
  range?: ByteRange;
  body: Readable;
}

/** A version (or delete marker) replicated into `destBucket`, keeping the source's version id. */
export interface ReplicaWrite {
  destBucket: string;
  key: string;
  versionId: string;
  lastModified: Date;
  deleteMarker: boolean;
  headers?: ObjectHeaders;
  tags?: Record<string, string>;
  etag?: string;
  checksum?: ChecksumValue;
  size?: number;
  /** The source version's ACL (a replica keeps it); default 'private'. */
  acl?: CannedAcl;
  body?: Readable;
  signal?: AbortSignal;
}

export interface ObjectFileInput {
  bucket: string;
  key: string;
  versionId?: string;
  /** Where the file goes: a path that does not exist yet, on the data directory's filesystem for a zero-copy link. */
  path: string;
  signal?: AbortSignal;
}

export interface ObjectFileResult {
  info: ObjectInfo;
  /**
   * How the file was made: a hard link to the stored blob ('linked'), a hard link to the
   * engine's cached assembly of the object ('cached'), or the bytes copied now ('copied').
   * In every case it must only be read: it may share its bytes with a blob or a cache entry.
   */
  made: 'linked' | 'cached' | 'copied';
}

/**
 * Everything the S3 layer may ask of storage. Every method throws AppError with
 * the precise code (NoSuchBucket, NoSuchKey, PreconditionFailed, ...).
 */
export interface StorageEngine {
  /** acl defaults to 'private'. */
  createBucket(input: { name: string; owner: string; region: string; acl?: CannedAcl }): Promise<Bucket>;
  deleteBucket(name: string): Promise<void>;
  getBucket(name: string): Promise<Bucket>;
  listBuckets(owner?: string): Promise<Bucket[]>;
  putBucketVersioning(name: string, status: 'Enabled' | 'Suspended'): Promise<void>;
  putBucketCors(name: string, rules: CorsRule[] | null): Promise<void>;
  /** Empty array when none is set; the S3 layer turns that into NoSuchCORSConfiguration. */
  getBucketCors(name: string): Promise<CorsRule[]>;
  /** null (or no tags) removes the tag set. */
  putBucketTagging(name: string, tags: Record<string, string> | null): Promise<void>;
  /** NoSuchTagSet when none is set. */
  getBucketTagging(name: string): Promise<Record<string, string>>;
  /** null removes the configuration. Requires versioning Enabled (InvalidRequest otherwise). */
  putBucketReplication(name: string, config: ReplicationConfig | null): Promise<void>;
  getBucketReplication(name: string): Promise<ReplicationConfig | undefined>;
  /**
   * Stores the bucket policy text verbatim (the S3 layer validates it first); undefined
   * removes it. getBucket returns it as `policy`.
   */
  putBucketPolicy(name: string, policy: string | undefined): Promise<void>;
  putBucketAcl(name: string, acl: CannedAcl): Promise<void>;
  /** The usage counters of one bucket (NoSuchBucket when there is none). */
  bucketUsage(name: string): Promise<BucketUsage>;
  /**
   * Usage summed over the owner's buckets: an engine counts the buckets it holds; the regional
   * router sums every region it can reach (only totals cross regions, never keys).
   */
  usageByOwner(owner: string): Promise<OwnerUsage>;

  putObject(input: PutObjectInput): Promise<WriteResult>;
  getObject(input: GetObjectInput): Promise<GetObjectResult>;
  headObject(input: Omit<GetObjectInput, 'range'> & { range?: RangeRequest }): Promise<{ info: ObjectInfo; range?: ByteRange }>;
  deleteObject(input: { bucket: string; key: string; versionId?: string; owner: string }): Promise<DeleteResult>;
  copyObject(input: CopyObjectInput): Promise<CopyResult>;
  getObjectTagging(input: { bucket: string; key: string; versionId?: string }): Promise<{ versionId: string; tags: Record<string, string> }>;
  putObjectTagging(input: { bucket: string; key: string; versionId?: string; tags: Record<string, string> }): Promise<{ versionId: string }>;
  deleteObjectTagging(input: { bucket: string; key: string; versionId?: string }): Promise<{ versionId: string }>;
  /** The version's ACL and owner (the latest when no version id), with GetObject's errors for markers. */
  getObjectAcl(input: { bucket: string; key: string; versionId?: string }): Promise<{ versionId: string; owner: string; acl: CannedAcl }>;
  putObjectAcl(input: { bucket: string; key: string; versionId?: string; acl: CannedAcl }): Promise<{ versionId: string }>;
  listObjects(input: ListObjectsInput): Promise<ListObjectsResult>;
  listObjectVersions(input: ListVersionsInput): Promise<ListVersionsResult>;
  /**
   * The version's bytes as a file at `path` (GetObject's errors), for file-based readers such
   * as the analytics engine; the caller deletes the file. Only a region's own engine can:
   * the router answers PermanentRedirect for a bucket held elsewhere.
   */
  objectFile(input: ObjectFileInput): Promise<ObjectFileResult>;

  createMultipartUpload(input: CreateMultipartInput): Promise<MultipartUpload>;
  uploadPart(input: UploadPartInput): Promise<PartInfo>;
  uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo & { sourceVersionId: string }>;
  completeMultipartUpload(input: CompleteMultipartInput): Promise<WriteResult>;
  abortMultipartUpload(input: { bucket: string; key: string; uploadId: string }): Promise<void>;
  listParts(input: ListPartsInput): Promise<ListPartsResult>;
  listMultipartUploads(input: ListUploadsInput): Promise<ListUploadsResult>;


  close(): Promise<void>;
}

/**
 * What only one region's own engine does (the regional router does not): its replication
 * outbox, and storing replicas that arrive from another region.
 */
export interface RegionEngine extends StorageEngine {
  /**
   * Opens a copy source as CopyObject and UploadPartCopy read it (copy-source conditions
   * answer 412, a delete marker by version id is InvalidRequest, range and size limits
   * apply), for a copy whose destination is in another region.
   */
  readCopySource(input: CopySourceInput): Promise<CopySourceRead>;
  /**
   * Replication outbox. Claims up to `limit` tasks due at `now` (oldest first, at most one
   * per key and destination so a key's versions arrive in order) and leases them for
   * `leaseMs` (default 60 s): a peer process sharing the store skips them until then.
   */
  claimReplicationTasks(limit: number, now: Date, leaseMs?: number): Promise<ReplicationTask[]>;
  /** Completes, fails or reschedules a task and updates its version's status, atomically. */
  finishReplicationTask(id: number, outcome: ReplicationOutcome): Promise<void>;
  /** Counts of queued tasks (for stats): all of them, and those due at `now`. */
  replicationBacklog(now: Date): Promise<{ queued: number; due: number }>;
  /**
   * Stores a replica with the given version id and lastModified (status REPLICA). The
   * same version id again is a no-op; bytes that do not match etag/checksum/size are refused.
   */
  putReplica(input: ReplicaWrite): Promise<void>;
  /** Adds a recorder's batch of hourly counters durably; a batch id already applied is a no-op. */
  recordUsage(batch: UsageBatch): Promise<void>;
  /** This region's hourly usage (stored figures plus storage accrued up to q.now). */
  readUsage(q: UsageHoursQuery): Promise<HourlyUsage[]>;
}
