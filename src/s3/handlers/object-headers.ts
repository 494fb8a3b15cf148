/**
 * Response headers that describe a stored object, shared by GetObject,
 * HeadObject and the write operations that echo version ids and checksums.
 */
import type { ChecksumValue, ObjectInfo } from '../../engine/types.js';
import { checksumHeaderName } from '../headers.js';
import { metadataToWire } from '../metadata-text.js';

export type Headers = Record<string, string | number | string[]>;

/** A stored checksum in the shape the XML result documents take. */
export function xmlChecksum(c: ChecksumValue | undefined): { checksums?: Partial<Record<ChecksumValue['algorithm'], string>>; checksumType?: ChecksumValue['type'] } {
  return c ? { checksums: { [c.algorithm]: c.value }, checksumType: c.type } : {};
}

export function checksumHeaders(c: ChecksumValue | undefined): Headers {
  if (!c) return {};
  return { [checksumHeaderName(c.algorithm)]: c.value, 'x-amz-checksum-type': c.type };
}

/** x-amz-version-id is sent once a bucket has had versioning; a 'null' id is sent then too, as S3 does. */
function sendsVersionId(versionId: string, bucketVersioned: boolean): boolean {
  return bucketVersioned || versionId !== 'null';
}

export function versionHeader(versionId: string, bucketVersioned: boolean): Headers {
  return sendsVersionId(versionId, bucketVersioned) ? { 'x-amz-version-id': versionId } : {};
}

const OVERRIDES: [string, string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

export function objectHeaders(info: ObjectInfo, opts: { bucketVersioned: boolean; query: URLSearchParams; withChecksum: boolean }): Headers {
  const h = info.headers;
  const out: Headers = {
    etag: info.etag,
    'last-modified': info.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'content-type': h.contentType ?? 'binary/octet-stream',
  };
  if (sendsVersionId(info.versionId, opts.bucketVersioned)) out['x-amz-version-id'] = info.versionId;
  if (h.contentEncoding !== undefined) out['content-encoding'] = h.contentEncoding;
  if (h.contentDisposition !== undefined) out['content-disposition'] = h.contentDisposition;
  if (h.contentLanguage !== undefined) out['content-language'] = h.contentLanguage;
  if (h.cacheControl !== undefined) out['cache-control'] = h.cacheControl;
  if (h.expires !== undefined) out['expires'] = h.expires;
  if (h.storageClass !== undefined && h.storageClass !== 'STANDARD') out['x-amz-storage-class'] = h.storageClass;
  if (h.websiteRedirectLocation !== undefined) out['x-amz-website-redirect-location'] = h.websiteRedirectLocation;
  for (const k in h.userMetadata) out[`x-amz-meta-${k}`] = metadataToWire(h.userMetadata[k] as string);
  if (info.tagCount > 0) out['x-amz-tagging-count'] = info.tagCount;
  if (info.replicationStatus !== undefined) out['x-amz-replication-status'] = info.replicationStatus;
  if (info.parts && info.parts.length > 0 && opts.query.has('partNumber')) out['x-amz-mp-parts-count'] = info.parts.length;
  if (opts.withChecksum) Object.assign(out, checksumHeaders(info.checksum));
  if (opts.query.size > 0) {
    for (const [param, name] of OVERRIDES) {
      const v = opts.query.get(param);
      if (v !== null) out[name] = v;
    }
  }
  return out;
}
