/**
 * Applying encoding-type=url to a list document before rendering. Each helper
 * returns a copy with exactly the fields AWS documents as encoded, plus
 * CommonPrefixes/Prefix (observed on AWS, decoded by botocore), and sets
 * encodingType: 'url'. Opaque tokens and version/upload ids are never encoded.
 *
 *   ListObjects v1:        Delimiter, Marker, Prefix, NextMarker, Key
 *   ListObjectsV2:         Delimiter, Prefix, StartAfter, Key
 *   ListObjectVersions:    KeyMarker, NextKeyMarker, Prefix, Delimiter, Key
 *   ListMultipartUploads:  Delimiter, KeyMarker, Prefix, NextKeyMarker, Key
 *
 * (botocore does not decode a v1 Prefix; AWS's documentation says it is
 * encoded, and we follow the documentation.)
 */
import type { ListMultipartUploadsXml } from './render-multipart.js';
import type { ListBucketV1Xml, ListBucketV2Xml, ListVersionsXml } from './render-list.js';
import { s3UrlEncode } from './url-encode.js';

function opt(s: string | undefined): string | undefined {
  return s === undefined ? undefined : s3UrlEncode(s);
}

export function urlEncodeListBucketV1(r: ListBucketV1Xml): ListBucketV1Xml {
  return {
    ...r,
    prefix: opt(r.prefix),
    marker: opt(r.marker),
    nextMarker: opt(r.nextMarker),
    delimiter: opt(r.delimiter),
    encodingType: 'url',
    contents: r.contents.map((o) => ({ ...o, key: s3UrlEncode(o.key) })),
    commonPrefixes: r.commonPrefixes.map(s3UrlEncode),
  };
}

export function urlEncodeListBucketV2(r: ListBucketV2Xml): ListBucketV2Xml {
  return {
    ...r,
    prefix: opt(r.prefix),
    startAfter: opt(r.startAfter),
    delimiter: opt(r.delimiter),
    encodingType: 'url',
    contents: r.contents.map((o) => ({ ...o, key: s3UrlEncode(o.key) })),
    commonPrefixes: r.commonPrefixes.map(s3UrlEncode),
  };
}

export function urlEncodeListVersions(r: ListVersionsXml): ListVersionsXml {
  return {
    ...r,
    prefix: opt(r.prefix),
    keyMarker: opt(r.keyMarker),
    nextKeyMarker: opt(r.nextKeyMarker),
    delimiter: opt(r.delimiter),
    encodingType: 'url',
    entries: r.entries.map((e) => ({ ...e, key: s3UrlEncode(e.key) })),
    commonPrefixes: r.commonPrefixes.map(s3UrlEncode),
  };
}

export function urlEncodeListMultipartUploads(r: ListMultipartUploadsXml): ListMultipartUploadsXml {
  return {
    ...r,
    prefix: opt(r.prefix),
    keyMarker: opt(r.keyMarker),
    nextKeyMarker: opt(r.nextKeyMarker),
    delimiter: opt(r.delimiter),
    encodingType: 'url',
    uploads: r.uploads.map((u) => ({ ...u, key: s3UrlEncode(u.key) })),
    commonPrefixes: r.commonPrefixes.map(s3UrlEncode),
  };
}
