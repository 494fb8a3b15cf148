/**
 * GetObjectAttributes through the real AWS SDK: single-part and multipart objects, checksums,
 * paged parts, versions and delete markers, and the errors of a malformed request.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorStatus, serverWithBucket, uniqueBucket, type TestServer } from './harness.js';
import { encodeKey, expectS3Error, rawRequest, signRequest } from './raw-http.js';

const ALL = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');

describe('GetObjectAttributes', () => {
  const env = serverWithBucket('attrs');
  let srv: TestServer;
  let s3: S3Client;
  let bucket: string;
  before(() => ({ srv, s3, bucket } = env));

  test('a single-part object: ETag (unquoted), checksum, size and storage class; no parts', async () => {
    const body = randomBytes(1024);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'one', Body: body, ChecksumAlgorithm: 'SHA256' }));
    const r = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'one', ObjectAttributes: [...ALL] }));
    assert.equal(r.ETag, md5(body));
    assert.equal(r.Checksum?.ChecksumSHA256, sha256b64(body));
    assert.equal(r.Checksum?.ChecksumType, 'FULL_OBJECT');
    assert.equal(r.ObjectSize, body.length);
    assert.equal(r.StorageClass, 'STANDARD');
    assert.equal(r.ObjectParts, undefined);
    assert.equal(r.VersionId, undefined, 'no version id in a bucket that never had versioning');
    assert.ok(r.LastModified instanceof Date);
  });

  test('only the attributes asked for are returned', async () => {
    const r = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'one', ObjectAttributes: ['ObjectSize'] }));
    assert.equal(r.ObjectSize, 1024);
    assert.equal(r.ETag, undefined);
    assert.equal(r.Checksum, undefined);
    assert.equal(r.StorageClass, undefined);
  });

  test('a multipart object: its parts with their checksums, paged by MaxParts and PartNumberMarker', async () => {
    const key = 'multi';
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }));
    const listed = [];
    for (const [i, p] of parts.entries()) {
      const up = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: p, ChecksumAlgorithm: 'SHA256' }));
      assert.equal(up.ChecksumSHA256, sha256b64(p));
      listed.push({ PartNumber: i + 1, ETag: up.ETag!, ChecksumSHA256: up.ChecksumSHA256! });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: listed } }));

    const all = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: [...ALL] }));
    assert.equal(all.ETag, done.ETag!.replace(/"/g, ''));
    assert.match(all.ETag!, /-3$/);
    assert.equal(all.Checksum?.ChecksumSHA256, done.ChecksumSHA256);
    assert.equal(all.Checksum?.ChecksumType, 'COMPOSITE');
    assert.equal(all.ObjectSize, parts.reduce((n, p) => n + p.length, 0));
    assert.equal(all.ObjectParts?.TotalPartsCount, 3);
    assert.equal(all.ObjectParts?.IsTruncated, false);
    assert.deepEqual(all.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256]), parts.map((p, i) => [i + 1, p.length, sha256b64(p)]));

    const page = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['ObjectParts'], MaxParts: 1, PartNumberMarker: '1' }));
    assert.equal(page.ObjectParts?.TotalPartsCount, 3);
    assert.equal(page.ObjectParts?.PartNumberMarker, '1'); // the SDK models markers as strings
    assert.equal(page.ObjectParts?.MaxParts, 1);
    assert.equal(page.ObjectParts?.IsTruncated, true);
    assert.equal(page.ObjectParts?.NextPartNumberMarker, '2');
    assert.deepEqual(page.ObjectParts?.Parts?.map((p) => p.PartNumber), [2]);
    const last = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ['ObjectParts'], MaxParts: 10, PartNumberMarker: '2' }));
    assert.equal(last.ObjectParts?.IsTruncated, false);
    assert.deepEqual(last.ObjectParts?.Parts?.map((p) => p.PartNumber), [3]);
  });

  test('versions: the current one by default, an older one by VersionId, 404 with DeleteMarker once deleted', async () => {
    const vb = uniqueBucket('attrs-v');
    await s3.send(new CreateBucketCommand({ Bucket: vb }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'first' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: 'second!' }));
    const cur = await s3.send(new GetObjectAttributesCommand({ Bucket: vb, Key: 'k', ObjectAttributes: ['ETag', 'ObjectSize'] }));
    assert.equal(cur.VersionId, v2.VersionId);
    assert.equal(cur.ObjectSize, 7);
    const old = await s3.send(new GetObjectAttributesCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId, ObjectAttributes: ['ETag', 'ObjectSize'] }));
    assert.equal(old.VersionId, v1.VersionId);
    assert.equal(old.ObjectSize, 5);
    assert.equal(old.ETag, md5(Buffer.from('first')));
    await s3.send(new DeleteObjectCommand({ Bucket: vb, Key: 'k' }));
    assert.deepEqual(await errorStatus(s3.send(new GetObjectAttributesCommand({ Bucket: vb, Key: 'k', ObjectAttributes: ['ETag'] }))), { code: 'NoSuchKey', status: 404 });
  });

  test('a missing key is NoSuchKey; a missing or unknown attribute list is refused', async () => {
    assert.deepEqual(await errorStatus(s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'nope', ObjectAttributes: ['ETag'] }))), { code: 'NoSuchKey', status: 404 });
    const path = `/${bucket}/${encodeKey('one')}`;
    const none = await signRequest(srv.url, { method: 'GET', path, query: { attributes: '' } });
    expectS3Error(await rawRequest(srv.url, { method: 'GET', path: none.path, headers: none.headers }), 400, 'InvalidRequest');
    const bad = await signRequest(srv.url, { method: 'GET', path, query: { attributes: '' }, headers: { 'x-amz-object-attributes': 'ETag,Colour' } });
    expectS3Error(await rawRequest(srv.url, { method: 'GET', path: bad.path, headers: bad.headers }), 400, 'InvalidArgument');
  });

  test('an anonymous caller is denied', async () => {
    const res = await fetch(`${srv.url}/${bucket}/one?attributes`, { headers: { 'x-amz-object-attributes': 'ETag' } });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>AccessDenied<\/Code>/);
  });
});
