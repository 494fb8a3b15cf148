/**
 * Listing documents: ListObjects (v1), ListObjectsV2 and ListObjectVersions.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 *
 * These are the hot path (up to 1000 entries per page), so entries are
 * appended to one string with no intermediate arrays or objects.
 *
 * With encoding-type=url the caller encodes key-like fields first (see
 * encoding-type.ts) and sets encodingType; the renderer only echoes it.
 */
import { escapeXml } from './escape.js';
import type { XmlChecksumAlgorithm, XmlChecksumType, XmlOwner } from './types.js';
import { boolEl, commonPrefixEls, el, numEl, optEl, ownerEl, xmlDocument } from './writer.js';

/** One `<Contents>` (or the object part of a `<Version>`). */
export interface XmlObjectEntry {
  key: string;
  lastModified: Date;
  /** As on the wire, quoted: "<md5hex>" or "<md5hex>-<parts>". Rendered escaped (&quot;), as AWS does. */
  etag: string;
  size: number;
  /** Defaults to STANDARD. */
  storageClass?: string;
  /** v1 and ListObjectVersions always show it; v2 only with fetch-owner=true. Omitted when undefined. */
  owner?: XmlOwner;
  checksumAlgorithm?: XmlChecksumAlgorithm;
  checksumType?: XmlChecksumType;
}

export interface ListBucketV1Xml {
  name: string;
  /** Always rendered; '' when the request had none. */
  prefix?: string;
  /** Always rendered; '' when the request had none. */
  marker?: string;
  /** AWS returns it only when truncated and a delimiter was given; the caller decides. */
  nextMarker?: string;
  delimiter?: string;
  maxKeys: number;
  isTruncated: boolean;
  encodingType?: 'url';
  contents: XmlObjectEntry[];
  commonPrefixes: string[];
}

export interface ListBucketV2Xml {
  name: string;
  /** Always rendered; '' when the request had none. */
  prefix?: string;
  continuationToken?: string;
  nextContinuationToken?: string;
  startAfter?: string;
  delimiter?: string;
  maxKeys: number;
  isTruncated: boolean;
  encodingType?: 'url';
  contents: XmlObjectEntry[];
  commonPrefixes: string[];
}

export type XmlVersionEntry =
  | ({ kind: 'version'; versionId: string; isLatest: boolean } & XmlObjectEntry)
  | { kind: 'deleteMarker'; key: string; versionId: string; isLatest: boolean; lastModified: Date; owner?: XmlOwner };

export interface ListVersionsXml {
  name: string;
  /** Always rendered; '' when the request had none. */
  prefix?: string;
  /** Always rendered; '' when the request had none. */
  keyMarker?: string;
  /** Always rendered; '' when the request had none. */
  versionIdMarker?: string;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
  delimiter?: string;
  maxKeys: number;
  isTruncated: boolean;
  encodingType?: 'url';
  /** Versions and delete markers interleaved, rendered in exactly this order. */
  entries: XmlVersionEntry[];
  commonPrefixes: string[];
}

/** Everything after Key (and VersionId/IsLatest for versions) in Contents and Version. */
function objectTail(o: XmlObjectEntry): string {
  let s = `<LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${escapeXml(o.etag)}</ETag>`;
  if (o.checksumAlgorithm !== undefined) s += `<ChecksumAlgorithm>${escapeXml(o.checksumAlgorithm)}</ChecksumAlgorithm>`;
  if (o.checksumType !== undefined) s += `<ChecksumType>${escapeXml(o.checksumType)}</ChecksumType>`;
  s += `<Size>${o.size}</Size>`;
  if (o.owner !== undefined) s += ownerEl('Owner', o.owner);
  return s + `<StorageClass>${escapeXml(o.storageClass ?? 'STANDARD')}</StorageClass>`;
}

function contentsEls(contents: readonly XmlObjectEntry[]): string {
  let s = '';
  for (const o of contents) s += `<Contents><Key>${escapeXml(o.key)}</Key>${objectTail(o)}</Contents>`;
  return s;
}

function encodingTypeEl(encodingType: 'url' | undefined): string {
  return encodingType === undefined ? '' : `<EncodingType>${encodingType}</EncodingType>`;
}

export function renderListBucketV1(r: ListBucketV1Xml): string {
  const body =
    el('Name', r.name) +
    el('Prefix', r.prefix ?? '') +
    el('Marker', r.marker ?? '') +
    optEl('NextMarker', r.nextMarker) +
    numEl('MaxKeys', r.maxKeys) +
    optEl('Delimiter', r.delimiter) +
    encodingTypeEl(r.encodingType) +
    boolEl('IsTruncated', r.isTruncated) +
    contentsEls(r.contents) +
    commonPrefixEls(r.commonPrefixes);
  return xmlDocument('ListBucketResult', body);
}

/** KeyCount is computed: objects plus common prefixes on this page, as AWS counts it. */
export function renderListBucketV2(r: ListBucketV2Xml): string {
  const body =
    el('Name', r.name) +
    el('Prefix', r.prefix ?? '') +
    optEl('ContinuationToken', r.continuationToken) +
    optEl('NextContinuationToken', r.nextContinuationToken) +
    optEl('StartAfter', r.startAfter) +
    numEl('KeyCount', r.contents.length + r.commonPrefixes.length) +
    numEl('MaxKeys', r.maxKeys) +
    optEl('Delimiter', r.delimiter) +
    encodingTypeEl(r.encodingType) +
    boolEl('IsTruncated', r.isTruncated) +
    contentsEls(r.contents) +
    commonPrefixEls(r.commonPrefixes);
  return xmlDocument('ListBucketResult', body);
}

export function renderListVersions(r: ListVersionsXml): string {
  let body =
    el('Name', r.name) +
    el('Prefix', r.prefix ?? '') +
    el('KeyMarker', r.keyMarker ?? '') +
    el('VersionIdMarker', r.versionIdMarker ?? '') +
    optEl('NextKeyMarker', r.nextKeyMarker) +
    optEl('NextVersionIdMarker', r.nextVersionIdMarker) +
    numEl('MaxKeys', r.maxKeys) +
    optEl('Delimiter', r.delimiter) +
    encodingTypeEl(r.encodingType) +
    boolEl('IsTruncated', r.isTruncated);
  for (const e of r.entries) {
    const head = `<Key>${escapeXml(e.key)}</Key><VersionId>${escapeXml(e.versionId)}</VersionId>${boolEl('IsLatest', e.isLatest)}`;
    if (e.kind === 'version') {
      body += `<Version>${head}${objectTail(e)}</Version>`;
    } else {
      body += `<DeleteMarker>${head}<LastModified>${e.lastModified.toISOString()}</LastModified>${ownerEl('Owner', e.owner)}</DeleteMarker>`;
    }
  }
  body += commonPrefixEls(r.commonPrefixes);
  return xmlDocument('ListVersionsResult', body);
}
