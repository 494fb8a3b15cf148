/** Row shapes of the SQLite schema and their mapping to domain records. */
import type {
  BucketRecord,
  CannedAclName,
  ChecksumAlgorithmName,
  ChecksumType,
  ObjectVersion,
  PartRecord,
  ReplicationStatusName,
  Segment,
  StoredHeaders,
  UploadRecord,
  VersioningState,
} from '../types.js';

export interface BucketRow {
  name: string;
  owner: string;
  region: string;
  created_at: number;
  versioning: string | null;
  policy: string | null;
  acl: string | null;
}

export const BUCKET_COLUMNS = 'name, owner, region, created_at, versioning, policy, acl';

/*
 * Hot lookups (every GET) read rows as arrays, in their COLUMNS order: better-sqlite3 builds
 * an object row with one V8 property store per column from C++, which costs several times
 * more than the array and the literal below.
 */
export type BucketArray = [string, string, string, number, string | null, string | null, string | null];

export function bucketRowOf(r: BucketArray): BucketRow {
  return { name: r[0], owner: r[1], region: r[2], created_at: r[3], versioning: r[4], policy: r[5], acl: r[6] };
}

export interface VersionRow {
  id: number;
  bucket: string;
  object_key: string;
  version_id: string;
  is_latest: number;
  delete_marker: number;
  size: number;
  etag: string;
  last_modified: number;
  owner: string;
  headers: string;
  tags: string | null;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  checksum_value: string | null;
  replication_status?: string | null;
  acl?: string | null;
}

export const VERSION_COLUMNS =
  'id, bucket, object_key, version_id, is_latest, delete_marker, size, etag, last_modified, owner, headers, tags, checksum_algorithm, checksum_type, checksum_value, replication_status, acl';

export type VersionArray = [
  number, string, string, string, number, number, number, string, number, string, string,
  string | null, string | null, string | null, string | null, string | null, string | null,
];

export function versionRowOf(r: VersionArray): VersionRow {
  return {
    id: r[0], bucket: r[1], object_key: r[2], version_id: r[3], is_latest: r[4], delete_marker: r[5], size: r[6],
    etag: r[7], last_modified: r[8], owner: r[9], headers: r[10], tags: r[11], checksum_algorithm: r[12],
    checksum_type: r[13], checksum_value: r[14], replication_status: r[15], acl: r[16],
  };
}

/** Listings read rows as arrays (much cheaper than objects in better-sqlite3) in this column order. */
export const LIST_COLUMNS =
  'object_key, version_id, is_latest, delete_marker, size, etag, last_modified, owner, headers, tags, checksum_algorithm, checksum_type, checksum_value, acl';

export type ListRow = [
  key: string, versionId: string, isLatest: number, deleteMarker: number, size: number, etag: string,
  lastModified: number, owner: string, headers: string, tags: string | null,
  checksumAlgorithm: string | null, checksumType: string | null, checksumValue: string | null, acl: string | null,
];

export function listRowToVersion(bucket: string, r: ListRow): ObjectVersion {
  return toVersion({
    id: 0,
    bucket,
    object_key: r[0],
    version_id: r[1],
    is_latest: r[2],
    delete_marker: r[3],
    size: r[4],
    etag: r[5],
    last_modified: r[6],
    owner: r[7],
    headers: r[8],
    tags: r[9],
    checksum_algorithm: r[10],
    checksum_type: r[11],
    checksum_value: r[12],
    acl: r[13],
  });
}

export const SEGMENT_COLUMNS = 'blob_id, size, part_number, checksum';
export type SegmentArray = [string, number, number | null, string | null];

export function segmentOf(r: SegmentArray): Segment {
  const s: Segment = { blobId: r[0], size: r[1] };
  if (r[2] !== null) s.partNumber = r[2];
  if (r[3] !== null) s.checksum = r[3];
  return s;
}

export interface UploadRow {
  upload_id: string;
  bucket: string;
  object_key: string;
  owner: string;
  initiated: number;
  headers: string;
  tags: string | null;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  acl: string | null;
}

export const UPLOAD_COLUMNS =
  'upload_id, bucket, object_key, owner, initiated, headers, tags, checksum_algorithm, checksum_type, acl';

export interface PartRow {
  part_number: number;
  blob_id: string;
  size: number;
  etag: string;
  last_modified: number;
  checksum_algorithm: string | null;
  checksum: string | null;
}

export const PART_COLUMNS = 'part_number, blob_id, size, etag, last_modified, checksum_algorithm, checksum';

export function toBucket(r: BucketRow): BucketRecord {
  const b: BucketRecord = { name: r.name, owner: r.owner, region: r.region, createdAt: new Date(r.created_at) };
  if (r.versioning !== null) b.versioning = r.versioning as VersioningState;
  if (r.policy !== null) b.policy = r.policy;
  if (r.acl !== null) b.acl = r.acl as CannedAclName;
  return b;
}

function parseHeaders(json: string): StoredHeaders {
  const h = JSON.parse(json) as StoredHeaders;
  if (h.userMetadata === undefined) h.userMetadata = {};
  return h;
}

export function encodeHeaders(h: StoredHeaders): string {
  return JSON.stringify(h);
}

export function encodeTags(tags: Record<string, string> | undefined): string | null {
  return tags === undefined || Object.keys(tags).length === 0 ? null : JSON.stringify(tags);
}

function parseTags(json: string | null): Record<string, string> {
  return json === null ? {} : (JSON.parse(json) as Record<string, string>);
}

export function toVersion(r: VersionRow, segments?: Segment[]): ObjectVersion {
  const v: ObjectVersion = {
    bucket: r.bucket,
    key: r.object_key,
    versionId: r.version_id,
    isLatest: r.is_latest === 1,
    deleteMarker: r.delete_marker === 1,
    size: r.size,
    etag: r.etag,
    lastModified: new Date(r.last_modified),
    owner: r.owner,
    headers: parseHeaders(r.headers),
    tags: parseTags(r.tags),
  };
  if (r.checksum_algorithm !== null && r.checksum_type !== null && r.checksum_value !== null) {
    v.checksum = {
      algorithm: r.checksum_algorithm as ChecksumAlgorithmName,
      type: r.checksum_type as ChecksumType,
      value: r.checksum_value,
    };
  }
  if (segments !== undefined) v.segments = segments;
  if (r.replication_status != null) v.replicationStatus = r.replication_status as ReplicationStatusName;
  if (r.acl != null) v.acl = r.acl as CannedAclName;
  return v;
}

export function toUpload(r: UploadRow): UploadRecord {
  const u: UploadRecord = {
    uploadId: r.upload_id,
    bucket: r.bucket,
    key: r.object_key,
    owner: r.owner,
    initiated: new Date(r.initiated),
    headers: parseHeaders(r.headers),
  };
  if (r.tags !== null) u.tags = parseTags(r.tags);
  if (r.checksum_algorithm !== null) u.checksumAlgorithm = r.checksum_algorithm as ChecksumAlgorithmName;
  if (r.checksum_type !== null) u.checksumType = r.checksum_type as ChecksumType;
  if (r.acl !== null) u.acl = r.acl as CannedAclName;
  return u;
}

export function toPart(r: PartRow): PartRecord {
  const p: PartRecord = {
    partNumber: r.part_number,
    blobId: r.blob_id,
    size: r.size,
    etag: r.etag,
    lastModified: new Date(r.last_modified),
  };
  if (r.checksum_algorithm !== null) p.checksumAlgorithm = r.checksum_algorithm as ChecksumAlgorithmName;
  if (r.checksum !== null) p.checksum = r.checksum;
  return p;
}

/** A stored ACL column: NULL for private, the canned name otherwise. */
export function encodeAcl(acl: CannedAclName | undefined): string | null {
  return acl === undefined || acl === 'private' ? null : acl;
}
