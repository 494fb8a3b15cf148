/**
 * Reading S3 request headers into engine values: stored object headers and
 * user metadata (with S3's size limits), tags, preconditions, ranges, copy
 * sources and checksum claims. Pure functions over a header map.
 */
import { fail } from '../core/errors.js';
import type { ChecksumAlgorithm, ChecksumType, ObjectHeaders, Preconditions, RangeRequest } from '../engine/types.js';
import { metadataFromWire } from './metadata-text.js';
import { header, type HeaderMap } from './request.js';

/** AWS: user-defined metadata is limited to 2 KB (sum of names and values, UTF-8). */
export const MAX_USER_METADATA_BYTES = 2048;
const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR', 'OUTPOSTS', 'SNOW', 'EXPRESS_ONEZONE']);

export function readObjectHeaders(h: HeaderMap): ObjectHeaders {
  const userMetadata: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, raw] of Object.entries(h)) {
    if (!name.startsWith('x-amz-meta-') || raw === undefined) continue;
    const key = name.slice('x-amz-meta-'.length);
    const value = metadataFromWire(Array.isArray(raw) ? raw.join(',') : raw);
    metaBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    userMetadata[key] = value;
  }
  if (metaBytes > MAX_USER_METADATA_BYTES) {
    throw fail('MetadataTooLarge', `Your metadata headers exceed the maximum allowed metadata size (${MAX_USER_METADATA_BYTES} bytes).`, {
      details: { Size: String(metaBytes), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) },
    });
  }
  const out: ObjectHeaders = { userMetadata };
  const set = <K extends keyof ObjectHeaders>(k: K, name: string) => {
    const v = header(h, name);
    if (v !== undefined) (out[k] as string) = v;
  };
  set('contentType', 'content-type');
  set('contentEncoding', 'content-encoding');
  set('contentDisposition', 'content-disposition');
  set('contentLanguage', 'content-language');
  set('cacheControl', 'cache-control');
  set('expires', 'expires');
  set('websiteRedirectLocation', 'x-amz-website-redirect-location');
  const sc = header(h, 'x-amz-storage-class');
  if (sc !== undefined) {
    if (!STORAGE_CLASSES.has(sc)) throw fail('InvalidStorageClass', 'The storage class you specified is not valid', { details: { StorageClassRequested: sc } });
    out.storageClass = sc;
  }
  // aws-chunked is a transfer framing, not a content coding to store (AWS strips it too).
  if (out.contentEncoding !== undefined) {
    const kept = out.contentEncoding.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
    if (kept.length === 0) delete out.contentEncoding;
    else out.contentEncoding = kept.join(', ');
  }
  return out;
}

/** x-amz-tagging: a URL-encoded query string of tags. */
export function readTaggingHeader(h: HeaderMap): Record<string, string> | undefined {
  const raw = header(h, 'x-amz-tagging');
  if (raw === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (k in tags) throw fail('InvalidTag', 'Cannot provide multiple Tags with the same key', { details: { TagKey: k } });
    tags[k] = v;
  }
  validateTags(tags);
  return tags;
}

/** S3's tag rules: at most 10 tags on an object (50 on a bucket), keys 1-128 and values up to 256 characters. */
export function validateTags(tags: Record<string, string>, limit: { max: number; what: string } = { max: 10, what: 'Object tags' }): void {
  const keys = Object.keys(tags);
  if (keys.length > limit.max) throw fail('InvalidTag', `${limit.what} cannot be greater than ${limit.max}`);
  for (const k of keys) {
    if (k.length === 0 || k.length > 128) throw fail('InvalidTag', 'The TagKey you have provided is invalid', { details: { TagKey: k } });
    if ((tags[k] ?? '').length > 256) throw fail('InvalidTag', 'The TagValue you have provided is too long', { details: { TagKey: k } });
  }
}

function httpDate(v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  // RFC 7232: an invalid date makes the condition ignored.
  return Number.isNaN(t) ? undefined : new Date(t);
}

function conditions(h: HeaderMap, prefix: string): Preconditions {
  const out: Preconditions = {};
  const im = header(h, `${prefix}if-match`);
  const inm = header(h, `${prefix}if-none-match`);
  const ims = httpDate(header(h, `${prefix}if-modified-since`));
  const ius = httpDate(header(h, `${prefix}if-unmodified-since`));
  if (im !== undefined) out.ifMatch = im;
  if (inm !== undefined) out.ifNoneMatch = inm;
  if (ims) out.ifModifiedSince = ims;
  if (ius) out.ifUnmodifiedSince = ius;
  return out;
}

export const readPreconditions = (h: HeaderMap): Preconditions => conditions(h, '');
export const readCopySourcePreconditions = (h: HeaderMap): Preconditions => conditions(h, 'x-amz-copy-source-');

/** If-Match / If-None-Match on a write. S3 supports only `If-None-Match: *` there. */
export function readWriteConditions(h: HeaderMap): { ifMatch?: string; ifNoneMatch?: string } | undefined {
  const ifMatch = header(h, 'if-match');
  const ifNoneMatch = header(h, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw fail('NotImplemented', 'A header you provided implies functionality that is not implemented: If-None-Match on a write supports only "*".', { details: { Header: 'If-None-Match' } });
  }
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  const out: { ifMatch?: string; ifNoneMatch?: string } = {};
  if (ifMatch !== undefined) out.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) out.ifNoneMatch = '*';
  return out;
}

/** Range header; a syntactically invalid or multi-range header is ignored (RFC 7233), as S3 does. */
export function readRange(h: HeaderMap): RangeRequest | undefined {
  const v = header(h, 'range');
  if (v === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(v);
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') return { suffix: Number(b) };
  const start = Number(a);
  if (b === '') return { start };
  const end = Number(b);
  if (end < start) return undefined;
  return { start, end };
}

/** x-amz-copy-source: "/bucket/key?versionId=v", URL-encoded. */
export function readCopySource(h: HeaderMap): { bucket: string; key: string; versionId?: string } {
  const raw = header(h, 'x-amz-copy-source') ?? '';
  const q = raw.indexOf('?');
  const pathPart = (q < 0 ? raw : raw.slice(0, q)).replace(/^\/+/, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart);
  } catch {
    throw fail('InvalidArgument', 'Invalid copy source encoding', { details: { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw } });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw fail('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', {
      details: { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw },
    });
  }
  const out: { bucket: string; key: string; versionId?: string } = { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
  if (q >= 0) {
    const versionId = new URLSearchParams(raw.slice(q + 1)).get('versionId');
    if (versionId !== null) out.versionId = versionId;
  }
  return out;
}

/** x-amz-copy-source-range: bytes=first-last (both required). */
export function readCopySourceRange(h: HeaderMap): { start: number; end: number } | undefined {
  const v = header(h, 'x-amz-copy-source-range');
  if (v === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(v.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw fail('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', {
      details: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: v },
    });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

export function parseChecksumAlgorithm(v: string | undefined, argName: string): ChecksumAlgorithm | undefined {
  if (v === undefined || v === '') return undefined;
  const alg = v.toUpperCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(alg)) {
    throw fail('InvalidRequest', `Value for ${argName} header is invalid.`, { details: { ArgumentName: argName, ArgumentValue: v } });
  }
  return alg;
}

export function parseChecksumType(v: string | undefined): ChecksumType | undefined {
  if (v === undefined || v === '') return undefined;
  const t = v.toUpperCase();
  if (t !== 'COMPOSITE' && t !== 'FULL_OBJECT') throw fail('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  return t;
}

/** The single x-amz-checksum-<alg> header a request carries, if any. */
export function readChecksumHeader(h: HeaderMap): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = header(h, checksumHeaderName(alg));
    if (value === undefined) continue;
    if (found) throw fail('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    found = { algorithm: alg, value };
  }
  return found;
}

/** Content-MD5 must be base64 of 16 bytes, else InvalidDigest. */
export function readContentMd5(h: HeaderMap): string | undefined {
  const v = header(h, 'content-md5');
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  if (!/^[A-Za-z0-9+/]{22}==$/.test(trimmed)) throw fail('InvalidDigest', 'The Content-MD5 you specified is not valid.');
  return trimmed;
}

export function readInt(v: string | null | undefined, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw fail('InvalidArgument', `Provided ${name} not an integer or within integer range`, { details: { ArgumentName: name, ArgumentValue: v } });
  const n = Number(v);
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
    throw fail('InvalidArgument', `Argument ${name} must be an integer between ${opts.min ?? '-inf'} and ${opts.max ?? 'inf'}`, { details: { ArgumentName: name, ArgumentValue: v } });
  }
  return n;
}
