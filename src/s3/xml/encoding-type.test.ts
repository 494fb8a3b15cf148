import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  urlEncodeListBucketV1,
  urlEncodeListBucketV2,
  urlEncodeListMultipartUploads,
  urlEncodeListVersions,
} from './encoding-type.js';
import { renderListBucketV2 } from './render-list.js';

const T = new Date('2009-10-12T17:50:30Z');
const entry = { key: 'a b/c+d', lastModified: T, etag: '"e"', size: 1 };

test('v1 encodes Prefix, Marker, NextMarker, Delimiter, Key and CommonPrefixes', () => {
  const out = urlEncodeListBucketV1({
    name: 'my bucket',
    prefix: 'a b/',
    marker: 'a b/0',
    nextMarker: 'a b/c+d',
    delimiter: ' ',
    maxKeys: 1,
    isTruncated: true,
    contents: [entry],
    commonPrefixes: ['a b/x y/'],
  });
  assert.deepEqual(out, {
    name: 'my bucket',
    prefix: 'a%20b/',
    marker: 'a%20b/0',
    nextMarker: 'a%20b/c%2Bd',
    delimiter: '%20',
    maxKeys: 1,
    isTruncated: true,
    encodingType: 'url',
    contents: [{ ...entry, key: 'a%20b/c%2Bd' }],
    commonPrefixes: ['a%20b/x%20y/'],
  });
});

test('v2 encodes StartAfter but never the continuation tokens', () => {
  const out = urlEncodeListBucketV2({
    name: 'b',
    prefix: 'é',
    startAfter: 'é/0',
    continuationToken: 'tok+/=',
    nextContinuationToken: 'next+/=',
    maxKeys: 1,
    isTruncated: true,
    contents: [entry],
    commonPrefixes: [],
  });
  assert.equal(out.prefix, '%C3%A9');
  assert.equal(out.startAfter, '%C3%A9/0');
  assert.equal(out.continuationToken, 'tok+/=');
  assert.equal(out.nextContinuationToken, 'next+/=');
  assert.equal(out.delimiter, undefined);
  assert.ok(renderListBucketV2(out).includes('<EncodingType>url</EncodingType>'));
});

test('ListObjectVersions encodes key markers and entry keys, not version ids', () => {
  const out = urlEncodeListVersions({
    name: 'b',
    keyMarker: 'k m',
    versionIdMarker: 'v+1',
    nextKeyMarker: 'n m',
    nextVersionIdMarker: 'v+2',
    maxKeys: 2,
    isTruncated: true,
    entries: [
      { kind: 'version', versionId: 'v+3', isLatest: true, ...entry },
      { kind: 'deleteMarker', key: 'd m', versionId: 'v+4', isLatest: false, lastModified: T },
    ],
    commonPrefixes: [],
  });
  assert.deepEqual(
    [out.keyMarker, out.versionIdMarker, out.nextKeyMarker, out.nextVersionIdMarker, out.encodingType],
    ['k%20m', 'v+1', 'n%20m', 'v+2', 'url'],
  );
  assert.deepEqual(out.entries.map((e) => [e.key, e.versionId]), [
    ['a%20b/c%2Bd', 'v+3'],
    ['d%20m', 'v+4'],
  ]);
});

test('ListMultipartUploads encodes key markers and upload keys, not upload ids', () => {
  const out = urlEncodeListMultipartUploads({
    bucket: 'b',
    keyMarker: 'k m',
    uploadIdMarker: 'u+1',
    nextKeyMarker: 'n m',
    nextUploadIdMarker: 'u+2',
    prefix: 'p q',
    delimiter: '/',
    maxUploads: 1,
    isTruncated: true,
    uploads: [{ key: 'x y', uploadId: 'u+3', initiator: { id: 'i' }, owner: { id: 'o' }, initiated: T }],
    commonPrefixes: ['c d/'],
  });
  assert.deepEqual(
    [out.keyMarker, out.uploadIdMarker, out.nextKeyMarker, out.nextUploadIdMarker, out.prefix, out.delimiter, out.encodingType],
    ['k%20m', 'u+1', 'n%20m', 'u+2', 'p%20q', '/', 'url'],
  );
  assert.deepEqual(out.uploads.map((u) => [u.key, u.uploadId]), [['x%20y', 'u+3']]);
  assert.deepEqual(out.commonPrefixes, ['c%20d/']);
});
