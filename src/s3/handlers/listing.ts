/**
 * ListObjects (v1), ListObjectsV2, ListObjectVersions, ListMultipartUploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * Continuation tokens are opaque to clients: base64url of the last key returned.
 */
import { fail } from '../../core/errors.js';
import type { ObjectInfo } from '../../engine/types.js';
import { ownerDisplayName, type S3Context } from '../context.js';
import { readInt } from '../headers.js';
import type { ProtocolResponse } from '../request.js';
import { xmlResponse } from '../respond.js';
import {
  renderListBucketV1,
  renderListBucketV2,
  renderListMultipartUploads,
  renderListVersions,
  urlEncodeListBucketV1,
  urlEncodeListBucketV2,
  urlEncodeListMultipartUploads,
  urlEncodeListVersions,
  type ListBucketV1Xml,
  type ListBucketV2Xml,
  type ListMultipartUploadsXml,
  type ListVersionsXml,
  type XmlObjectEntry,
} from '../xml/index.js';
import { bucketOf } from './target.js';

const MAX_KEYS = 1000;

/** encoding-type=url: true when asked for; anything else is refused as S3 does. */
function encodingOf(query: URLSearchParams): boolean {
  const e = query.get('encoding-type');
  if (e === null) return false;
  if (e.toLowerCase() !== 'url') throw fail('InvalidArgument', 'Invalid Encoding Method specified in Request', { details: { ArgumentName: 'encoding-type', ArgumentValue: e } });
  return true;
}

function str(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  return v === null ? undefined : v;
}

function maxOf(query: URLSearchParams, name: string): number {
  const n = readInt(query.get(name), name, { min: 0 }) ?? MAX_KEYS;
  return Math.min(n, MAX_KEYS);
}

function entry(o: ObjectInfo, withOwner: boolean, displayName: string): XmlObjectEntry {
  const e: XmlObjectEntry = { key: o.key, lastModified: o.lastModified, etag: o.etag, size: o.size, storageClass: o.headers.storageClass ?? 'STANDARD' };
  if (withOwner) e.owner = { id: o.owner, displayName };
  if (o.checksum) {
    e.checksumAlgorithm = o.checksum.algorithm;
    e.checksumType = o.checksum.type;
  }
  return e;
}

export async function listObjectsV2(ctx: S3Context): Promise<ProtocolResponse> {
  const q = ctx.query;
  const encode = encodingOf(q);
  const token = str(q, 'continuation-token');
  let after = str(q, 'start-after');
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(decoded, 'utf8').toString('base64url') !== token) {
      throw fail('InvalidArgument', 'The continuation token provided is incorrect', { details: { ArgumentName: 'continuation-token' } });
    }
    after = decoded;
  }
  const prefix = str(q, 'prefix');
  const delimiter = str(q, 'delimiter') || undefined; // an empty delimiter is none: S3 leaves it out of the result
  const maxKeys = maxOf(q, 'max-keys');
  const r = await ctx.deps.engine.listObjects({ bucket: bucketOf(ctx), maxKeys, ...(prefix ? { prefix } : {}), ...(delimiter ? { delimiter } : {}), ...(after ? { after } : {}) });
  const withOwner = q.get('fetch-owner') === 'true';
  const name = ownerDisplayName(ctx, ctx.bucketInfo?.owner ?? '');
  const doc: ListBucketV2Xml = {
      name: bucketOf(ctx),
      prefix: prefix ?? '',
      delimiter,
      maxKeys,
      isTruncated: r.isTruncated,
      continuationToken: token,
      nextContinuationToken: r.isTruncated && r.nextAfter !== undefined ? Buffer.from(r.nextAfter, 'utf8').toString('base64url') : undefined,
      startAfter: str(q, 'start-after'),
      contents: r.objects.map((o) => entry(o, withOwner, name)),
      commonPrefixes: r.commonPrefixes,
  };
  return xmlResponse(renderListBucketV2(encode ? urlEncodeListBucketV2(doc) : doc));
}

export async function listObjects(ctx: S3Context): Promise<ProtocolResponse> {
  const q = ctx.query;
  const encode = encodingOf(q);
  const marker = str(q, 'marker');
  const prefix = str(q, 'prefix');
  const delimiter = str(q, 'delimiter') || undefined; // an empty delimiter is none: S3 leaves it out of the result
  const maxKeys = maxOf(q, 'max-keys');
  const r = await ctx.deps.engine.listObjects({ bucket: bucketOf(ctx), maxKeys, ...(prefix ? { prefix } : {}), ...(delimiter ? { delimiter } : {}), ...(marker ? { after: marker } : {}) });
  const name = ownerDisplayName(ctx, ctx.bucketInfo?.owner ?? '');
  const doc: ListBucketV1Xml = {
      name: bucketOf(ctx),
      prefix: prefix ?? '',
      marker: marker ?? '',
      // S3 sends NextMarker only with a delimiter; clients use the last key otherwise.
      nextMarker: r.isTruncated && delimiter ? r.nextAfter : undefined,
      delimiter,
      maxKeys,
      isTruncated: r.isTruncated,
      contents: r.objects.map((o) => entry(o, true, name)),
      commonPrefixes: r.commonPrefixes,
  };
  return xmlResponse(renderListBucketV1(encode ? urlEncodeListBucketV1(doc) : doc));
}

export async function listObjectVersions(ctx: S3Context): Promise<ProtocolResponse> {
  const q = ctx.query;
  const encode = encodingOf(q);
  const prefix = str(q, 'prefix');
  const delimiter = str(q, 'delimiter') || undefined; // an empty delimiter is none: S3 leaves it out of the result
  const keyMarker = str(q, 'key-marker');
  const versionIdMarker = str(q, 'version-id-marker');
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw fail('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { details: { ArgumentName: 'version-id-marker' } });
  }
  const maxKeys = maxOf(q, 'max-keys');
  const r = await ctx.deps.engine.listObjectVersions({
    bucket: bucketOf(ctx), maxKeys,
    ...(prefix ? { prefix } : {}), ...(delimiter ? { delimiter } : {}), ...(keyMarker ? { keyMarker } : {}), ...(versionIdMarker ? { versionIdMarker } : {}),
  });
  const name = ownerDisplayName(ctx, ctx.bucketInfo?.owner ?? '');
  const doc: ListVersionsXml = {
      name: bucketOf(ctx),
      prefix: prefix ?? '',
      keyMarker: keyMarker ?? '',
      versionIdMarker: versionIdMarker ?? '',
      nextKeyMarker: r.isTruncated ? r.nextKeyMarker : undefined,
      nextVersionIdMarker: r.isTruncated ? r.nextVersionIdMarker : undefined,
      delimiter,
      maxKeys,
      isTruncated: r.isTruncated,
      entries: r.entries.map((e) =>
        e.kind === 'version'
          ? { kind: 'version' as const, ...entry(e, true, name), versionId: e.versionId, isLatest: e.isLatest }
          : { kind: 'deleteMarker' as const, key: e.key, versionId: e.versionId, isLatest: e.isLatest, lastModified: e.lastModified, owner: { id: e.owner, displayName: name } },
      ),
      commonPrefixes: r.commonPrefixes,
  };
  return xmlResponse(renderListVersions(encode ? urlEncodeListVersions(doc) : doc));
}

export async function listMultipartUploads(ctx: S3Context): Promise<ProtocolResponse> {
  const q = ctx.query;
  const encode = encodingOf(q);
  const prefix = str(q, 'prefix');
  const delimiter = str(q, 'delimiter') || undefined; // an empty delimiter is none: S3 leaves it out of the result
  const keyMarker = str(q, 'key-marker');
  const uploadIdMarker = str(q, 'upload-id-marker');
  const maxUploads = maxOf(q, 'max-uploads');
  const r = await ctx.deps.engine.listMultipartUploads({
    bucket: bucketOf(ctx), maxUploads,
    ...(prefix ? { prefix } : {}), ...(delimiter ? { delimiter } : {}), ...(keyMarker ? { keyMarker } : {}), ...(uploadIdMarker ? { uploadIdMarker } : {}),
  });
  const name = ownerDisplayName(ctx, ctx.bucketInfo?.owner ?? '');
  const doc: ListMultipartUploadsXml = {
      bucket: bucketOf(ctx),
      prefix: prefix ?? '',
      delimiter,
      keyMarker: keyMarker ?? '',
      uploadIdMarker: uploadIdMarker ?? '',
      nextKeyMarker: r.nextKeyMarker,
      nextUploadIdMarker: r.nextUploadIdMarker,
      maxUploads,
      isTruncated: r.isTruncated,
      uploads: r.uploads.map((u) => ({
        key: u.key,
        uploadId: u.uploadId,
        initiated: u.initiated,
        storageClass: u.headers.storageClass ?? 'STANDARD',
        owner: { id: u.owner, displayName: name },
        initiator: { id: u.owner, displayName: name },
        ...(u.checksumAlgorithm ? { checksumAlgorithm: u.checksumAlgorithm } : {}),
        ...(u.checksumType ? { checksumType: u.checksumType } : {}),
      })),
      commonPrefixes: r.commonPrefixes,
  };
  return xmlResponse(renderListMultipartUploads(encode ? urlEncodeListMultipartUploads(doc) : doc));
}
