/** Metadata records → the engine's public types. */
import type { BucketRecord, ObjectVersion, PartRecord, UploadRecord } from '../meta/index.js';
import type { Bucket, DeleteMarkerInfo, MultipartUpload, ObjectInfo, PartInfo, VersionEntry } from './types.js';

export function toBucket(b: BucketRecord): Bucket {
  const out: Bucket = { name: b.name, owner: b.owner, region: b.region, createdAt: b.createdAt, versioning: b.versioning, acl: b.acl ?? 'private' };
  if (b.policy !== undefined) out.policy = b.policy;
  return out;
}

export function toObjectInfo(v: ObjectVersion): ObjectInfo {
  const info: ObjectInfo = {
    bucket: v.bucket,
    key: v.key,
    versionId: v.versionId,
    isLatest: v.isLatest,
    size: v.size,
    etag: v.etag,
    lastModified: v.lastModified,
    owner: v.owner,
    headers: v.headers,
    tagCount: Object.keys(v.tags).length,
    acl: v.acl ?? 'private',
  };
  if (v.checksum !== undefined) info.checksum = { ...v.checksum };
  if (v.replicationStatus !== undefined) info.replicationStatus = v.replicationStatus;
  const parts = v.segments?.filter((s) => s.partNumber !== undefined);
  if (parts !== undefined && parts.length > 0) {
    info.parts = parts.map((s) => {
      const p: { partNumber: number; size: number; checksum?: string } = { partNumber: s.partNumber as number, size: s.size };
      if (s.checksum !== undefined) p.checksum = s.checksum;
      return p;
    });
  }
  return info;
}

export function toDeleteMarkerInfo(v: ObjectVersion): DeleteMarkerInfo {
  return { bucket: v.bucket, key: v.key, versionId: v.versionId, isLatest: v.isLatest, lastModified: v.lastModified, owner: v.owner };
}

export function toVersionEntry(v: ObjectVersion): VersionEntry {
  return v.deleteMarker ? { kind: 'deleteMarker', ...toDeleteMarkerInfo(v) } : { kind: 'version', ...toObjectInfo(v) };
}

export function toUpload(u: UploadRecord): MultipartUpload {
  const out: MultipartUpload = {
    bucket: u.bucket,
    key: u.key,
    uploadId: u.uploadId,
    owner: u.owner,
    initiated: u.initiated,
    headers: u.headers,
    acl: u.acl ?? 'private',
  };
  if (u.tags !== undefined) out.tags = u.tags;
  if (u.checksumAlgorithm !== undefined) out.checksumAlgorithm = u.checksumAlgorithm;
  if (u.checksumType !== undefined) out.checksumType = u.checksumType;
  return out;
}

export function toPartInfo(p: PartRecord): PartInfo {
  const out: PartInfo = { partNumber: p.partNumber, etag: p.etag, size: p.size, lastModified: p.lastModified };
  if (p.checksum !== undefined) out.checksum = p.checksum;
  return out;
}
