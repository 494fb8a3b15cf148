/**
 * Request → S3Op. Parsing happens before authentication (like Garage's
 * Endpoint::from_request) so that authorization and metering can key on the
 * operation name, and so that an unknown operation is refused uniformly.
 */
import { fail } from '../core/errors.js';
import type { S3Op } from './ops.js';
import { header, type HeaderMap } from './request.js';

export interface AddressingOptions {
  /** Base domains for virtual-host-style addressing: `<bucket>.<domain>`. */
  domains: readonly string[];
}

export interface ParsedRequest {
  op: S3Op;
  query: URLSearchParams;
}

/** Bucket sub-resources that S3 has but Sovra cannot configure yet: GET answers "not set", writes NotImplemented. */
const UNSET_BUCKET_CONFIG = new Set([
  'lifecycle', 'encryption', 'website', 'object-lock', 'ownershipControls',
  'publicAccessBlock', 'logging', 'notification', 'accelerate', 'requestPayment', 'policyStatus',
  'intelligent-tiering', 'analytics', 'metrics', 'inventory',
]);
/** Sub-resources that change behaviour and that Sovra does not support at all yet. */
const UNSUPPORTED = new Set(['restore', 'torrent', 'retention', 'legal-hold', 'session', 'renameObject']);

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw fail('InvalidURI', "Couldn't parse the specified URI.", { resource: raw });
  }
}

/** Split the target into bucket and key, from the Host header (virtual-host) or the path. */
export function resolveTarget(rawPath: string, headers: HeaderMap, opts: AddressingOptions): { bucket?: string; key?: string } {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const host = (header(headers, 'host') ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  for (const domain of opts.domains) {
    if (host.length > domain.length && host.endsWith('.' + domain)) {
      const bucket = host.slice(0, host.length - domain.length - 1);
      return path === '' ? { bucket } : { bucket, key: decodeSegment(path) };
    }
  }
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash < 0) return { bucket: decodeSegment(path) };
  const bucket = decodeSegment(path.slice(0, slash));
  const rest = path.slice(slash + 1);
  return rest === '' ? { bucket } : { bucket, key: decodeSegment(rest) };
}

function notSupported(what: string): never {
  throw fail('NotImplemented', `${what} is not implemented in Sovra yet.`);
}

export function parseRequest(
  req: { method: string; rawPath: string; rawQuery: string; headers: HeaderMap },
  opts: AddressingOptions,
): ParsedRequest {
  const query = new URLSearchParams(req.rawQuery);
  const method = req.method.toUpperCase();
  const { bucket, key } = resolveTarget(req.rawPath, req.headers, opts);
  const has = (k: string) => query.has(k);
  const op = (o: S3Op): ParsedRequest => ({ op: o, query });

  if (method === 'OPTIONS') {
    const o: S3Op = { name: 'Preflight' };
    if (bucket !== undefined) o.bucket = bucket;
    if (key !== undefined) o.key = key;
    return op(o);
  }
  if (bucket === undefined) {
    if (method === 'GET') return op({ name: 'ListBuckets' });
    throw fail('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  for (const s of UNSUPPORTED) if (has(s)) notSupported(`The "${s}" sub-resource`);
  // S3 Select is a POST on an object; any other use of ?select is not an operation S3 has either.
  if (has('select') && (method !== 'POST' || key === undefined)) notSupported('The "select" sub-resource other than POST on an object');

  if (key === undefined) {
    for (const s of UNSET_BUCKET_CONFIG) {
      if (!has(s)) continue;
      if (method === 'GET') return op({ name: 'GetBucketUnsetConfig', bucket, subresource: s });
      if (method === 'DELETE') return op({ name: 'GetBucketUnsetConfig', bucket, subresource: s });
      notSupported(`Configuring bucket ${s}`);
    }
    switch (method) {
      case 'GET':
        if (has('location')) return op({ name: 'GetBucketLocation', bucket });
        if (has('policy')) return op({ name: 'GetBucketPolicy', bucket });
        if (has('versioning')) return op({ name: 'GetBucketVersioning', bucket });
        if (has('cors')) return op({ name: 'GetBucketCors', bucket });
        if (has('tagging')) return op({ name: 'GetBucketTagging', bucket });
        if (has('residency')) return op({ name: 'GetBucketResidency', bucket });
        if (has('replication')) return op({ name: 'GetBucketReplication', bucket });
        if (has('acl')) return op({ name: 'GetBucketAcl', bucket });
        if (has('uploads')) return op({ name: 'ListMultipartUploads', bucket });
        if (has('versions')) return op({ name: 'ListObjectVersions', bucket });
        if (query.get('list-type') === '2') return op({ name: 'ListObjectsV2', bucket });
        return op({ name: 'ListObjects', bucket });
      case 'HEAD':
        return op({ name: 'HeadBucket', bucket });
      case 'PUT':
        if (has('versioning')) return op({ name: 'PutBucketVersioning', bucket });
        if (has('policy')) return op({ name: 'PutBucketPolicy', bucket });
        if (has('cors')) return op({ name: 'PutBucketCors', bucket });
        if (has('tagging')) return op({ name: 'PutBucketTagging', bucket });
        if (has('residency')) return op({ name: 'PutBucketResidency', bucket });
        if (has('replication')) return op({ name: 'PutBucketReplication', bucket });
        if (has('acl')) return op({ name: 'PutBucketAcl', bucket });
        return op({ name: 'CreateBucket', bucket });
      case 'DELETE':
        if (has('cors')) return op({ name: 'DeleteBucketCors', bucket });
        if (has('tagging')) return op({ name: 'DeleteBucketTagging', bucket });
        if (has('policy')) return op({ name: 'DeleteBucketPolicy', bucket });
        if (has('residency')) return op({ name: 'DeleteBucketResidency', bucket });
        if (has('replication')) return op({ name: 'DeleteBucketReplication', bucket });
        return op({ name: 'DeleteBucket', bucket });
      case 'POST':
        if (has('delete')) return op({ name: 'DeleteObjects', bucket });
        if ((header(req.headers, 'content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
          return op({ name: 'PostObject', bucket });
        }
        throw fail('InvalidRequest', 'A POST to a bucket must be a ?delete request or a multipart/form-data upload.');
    }
    throw fail('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }

  const t = { bucket, key };
  switch (method) {
    case 'GET':
      if (has('uploadId')) return op({ name: 'ListParts', ...t });
      if (has('tagging')) return op({ name: 'GetObjectTagging', ...t });
      if (has('acl')) return op({ name: 'GetObjectAcl', ...t });
      if (has('attributes')) return op({ name: 'GetObjectAttributes', ...t });
      return op({ name: 'GetObject', ...t });
    case 'HEAD':
      return op({ name: 'HeadObject', ...t });
    case 'PUT':
      if (has('partNumber') || has('uploadId')) {
        return op({ name: header(req.headers, 'x-amz-copy-source') !== undefined ? 'UploadPartCopy' : 'UploadPart', ...t });
      }
      if (has('tagging')) return op({ name: 'PutObjectTagging', ...t });
      if (has('acl')) return op({ name: 'PutObjectAcl', ...t });
      if (header(req.headers, 'x-amz-copy-source') !== undefined) return op({ name: 'CopyObject', ...t });
      return op({ name: 'PutObject', ...t });
    case 'DELETE':
      if (has('uploadId')) return op({ name: 'AbortMultipartUpload', ...t });
      if (has('tagging')) return op({ name: 'DeleteObjectTagging', ...t });
      return op({ name: 'DeleteObject', ...t });
    case 'POST':
      if (has('select')) {
        const type = query.get('select-type');
        if (type !== null && type !== '2') throw fail('InvalidArgument', 'select-type must be 2.', { details: { ArgumentName: 'select-type', ArgumentValue: type } });
        return op({ name: 'SelectObjectContent', ...t });
      }
      if (has('uploads')) return op({ name: 'CreateMultipartUpload', ...t });
      if (has('uploadId')) return op({ name: 'CompleteMultipartUpload', ...t });
      throw fail('InvalidRequest', 'A POST to an object must be ?uploads or ?uploadId=.');
  }
  throw fail('MethodNotAllowed', 'The specified method is not allowed against this resource.');
}
