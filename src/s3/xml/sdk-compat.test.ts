/**
 * Cross-checks against the real AWS SDK: rendered documents go through the
 * SDK's response deserialisers, and the request bodies the SDK serialises go
 * through our parsers. A stub request handler stands in for the network.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketVersioningCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import * as xml from './index.js';

const T = new Date('2009-10-12T17:50:30.000Z');
const TRICKY_KEYS = [' lead and trail ', 'a&b<c>"d"\'e', 'ctl\u0001\u001F', 'cr\r\nlf', '0123', 'true', 'ünï/😀'];

interface Stub {
  client: S3Client;
  /** Request bodies the SDK sent, as strings. */
  bodies: string[];
}

function stub(responseBody: string, statusCode = 200): Stub {
  const bodies: string[] = [];
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (req: { body?: unknown }) => {
        if (typeof req.body === 'string') bodies.push(req.body);
        else if (req.body instanceof Uint8Array) bodies.push(Buffer.from(req.body).toString('utf8'));
        return {
          response: {
            statusCode,
            headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'REQ' },
            body: Readable.from([Buffer.from(responseBody)]),
          },
        };
      },
    },
  });
  return { client, bodies };
}

test('SDK reads ListObjectsV2 with tricky keys exactly', async () => {
  const doc = xml.renderListBucketV2({
    name: 'b',
    maxKeys: 1000,
    isTruncated: true,
    nextContinuationToken: 'next',
    contents: TRICKY_KEYS.map((key, i) => ({ key, lastModified: T, etag: '"e"', size: i, checksumAlgorithm: 'CRC32' as const })),
    commonPrefixes: ['p &/'],
  });
  const out = await stub(doc).client.send(new ListObjectsV2Command({ Bucket: 'b' }));
  assert.deepEqual(out.Contents?.map((c) => c.Key), TRICKY_KEYS);
  assert.equal(out.Contents?.[0]?.ETag, '"e"');
  assert.deepEqual(out.Contents?.[0]?.LastModified, T);
  assert.deepEqual(out.Contents?.[0]?.ChecksumAlgorithm, ['CRC32']);
  assert.deepEqual(out.CommonPrefixes, [{ Prefix: 'p &/' }]);
  assert.equal(out.KeyCount, TRICKY_KEYS.length + 1);
  assert.equal(out.IsTruncated, true);
  assert.equal(out.NextContinuationToken, 'next');
});

test('SDK reads url-encoded ListObjects v1 and the keys decode back', async () => {
  const doc = xml.renderListBucketV1(
    xml.urlEncodeListBucketV1({
      name: 'b',
      delimiter: '/',
      maxKeys: 1000,
      isTruncated: false,
      contents: TRICKY_KEYS.map((key) => ({ key, lastModified: T, etag: '"e"', size: 1, owner: { id: 'o' } })),
      commonPrefixes: ['a b+c/'],
    }),
  );
  const out = await stub(doc).client.send(new ListObjectsCommand({ Bucket: 'b', EncodingType: 'url' }));
  assert.equal(out.EncodingType, 'url');
  assert.deepEqual(out.Contents?.map((c) => decodeURIComponent(c.Key ?? '')), TRICKY_KEYS);
  assert.deepEqual(out.CommonPrefixes, [{ Prefix: 'a%20b%2Bc/' }]);
  assert.deepEqual(out.Contents?.[0]?.Owner, { ID: 'o' });
});

test('SDK reads ListObjectVersions', async () => {
  const doc = xml.renderListVersions({
    name: 'b',
    maxKeys: 1000,
    isTruncated: false,
    entries: [
      { kind: 'version', key: 'k', versionId: 'v2', isLatest: true, lastModified: T, etag: '"e"', size: 1 },
      { kind: 'deleteMarker', key: 'k', versionId: 'v1', isLatest: false, lastModified: T, owner: { id: 'o' } },
    ],
    commonPrefixes: [],
  });
  const out = await stub(doc).client.send(new ListObjectVersionsCommand({ Bucket: 'b' }));
  assert.deepEqual(out.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest, v.Size]), [['k', 'v2', true, 1]]);
  assert.deepEqual(out.DeleteMarkers?.map((d) => [d.Key, d.VersionId, d.IsLatest, d.Owner?.ID]), [['k', 'v1', false, 'o']]);
});

test('SDK reads ListBuckets and GetBucketLocation', async () => {
  const list = xml.renderListAllMyBuckets({ owner: { id: 'o', displayName: 'd' }, buckets: [{ name: 'b', creationDate: T, region: 'eu-west-1' }] });
  const out = await stub(list).client.send(new ListBucketsCommand({}));
  assert.deepEqual(out.Buckets, [{ Name: 'b', CreationDate: T, BucketRegion: 'eu-west-1' }]);
  assert.deepEqual(out.Owner, { ID: 'o', DisplayName: 'd' });

  const empty = await stub(xml.renderLocationConstraint({ region: 'us-east-1' })).client.send(new GetBucketLocationCommand({ Bucket: 'b' }));
  assert.equal(empty.LocationConstraint, undefined);
  const eu = await stub(xml.renderLocationConstraint({ region: 'eu-west-1' })).client.send(new GetBucketLocationCommand({ Bucket: 'b' }));
  assert.equal(eu.LocationConstraint, 'eu-west-1');
});

test('SDK reads multipart documents', async () => {
  const { client: c1 } = stub(
    xml.renderListParts({
      bucket: 'b',
      key: 'k',
      uploadId: 'u',
      initiator: { id: 'i' },
      owner: { id: 'o' },
      nextPartNumberMarker: 1,
      maxParts: 1,
      isTruncated: true,
      checksumAlgorithm: 'SHA256',
      parts: [{ partNumber: 1, lastModified: T, etag: '"p1"', size: 5242880, checksums: { SHA256: 'c2hh' } }],
    }),
  );
  const parts = await c1.send(new ListPartsCommand({ Bucket: 'b', Key: 'k', UploadId: 'u' }));
  assert.deepEqual(parts.Parts, [{ PartNumber: 1, LastModified: T, ETag: '"p1"', Size: 5242880, ChecksumSHA256: 'c2hh' }]);
  assert.equal(parts.NextPartNumberMarker, '1');
  assert.equal(parts.IsTruncated, true);
  assert.equal(parts.ChecksumAlgorithm, 'SHA256');

  const { client: c2 } = stub(
    xml.renderListMultipartUploads({
      bucket: 'b',
      maxUploads: 1000,
      isTruncated: false,
      uploads: [{ key: 'k', uploadId: 'u', initiator: { id: 'i' }, owner: { id: 'o' }, initiated: T }],
      commonPrefixes: ['d/'],
    }),
  );
  const uploads = await c2.send(new ListMultipartUploadsCommand({ Bucket: 'b' }));
  assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId, u.Initiated, u.StorageClass]), [['k', 'u', T, 'STANDARD']]);
  assert.deepEqual(uploads.CommonPrefixes, [{ Prefix: 'd/' }]);

  const { client: c3 } = stub(
    xml.renderCompleteMultipartUpload({ location: 'http://h/b/k', bucket: 'b', key: 'k', etag: '"x-2"', checksums: { CRC32: 'AAAAAA==' }, checksumType: 'COMPOSITE' }),
  );
  const done = await c3.send(new CompleteMultipartUploadCommand({ Bucket: 'b', Key: 'k', UploadId: 'u' }));
  assert.deepEqual([done.Location, done.ETag, done.ChecksumCRC32, done.ChecksumType], ['http://h/b/k', '"x-2"', 'AAAAAA==', 'COMPOSITE']);
});

test('SDK reads CopyObjectResult', async () => {
  const out = await stub(xml.renderCopyObjectResult({ etag: '"c"', lastModified: T })).client.send(
    new CopyObjectCommand({ Bucket: 'b', Key: 'k', CopySource: 'b/src' }),
  );
  assert.deepEqual(out.CopyObjectResult, { ETag: '"c"', LastModified: T });
});

test('DeleteObjects: our parser reads the SDK request; the SDK reads our result', async () => {
  const { client, bodies } = stub(
    xml.renderDeleteResult({
      deleted: [{ key: TRICKY_KEYS[0] ?? '', deleteMarker: true, deleteMarkerVersionId: 'dm' }],
      errors: [{ key: 'x', code: 'AccessDenied', message: 'Access Denied' }],
    }),
  );
  const out = await client.send(
    new DeleteObjectsCommand({
      Bucket: 'b',
      Delete: { Quiet: false, Objects: [...TRICKY_KEYS.map((Key) => ({ Key })), { Key: 'v', VersionId: '3/L4kqtJl' }] },
    }),
  );
  assert.deepEqual(out.Deleted, [{ Key: TRICKY_KEYS[0], DeleteMarker: true, DeleteMarkerVersionId: 'dm' }]);
  assert.deepEqual(out.Errors, [{ Key: 'x', Code: 'AccessDenied', Message: 'Access Denied' }]);

  const parsed = xml.parseDelete(bodies[0] ?? '');
  assert.equal(parsed.quiet, false);
  assert.deepEqual(parsed.objects, [...TRICKY_KEYS.map((key) => ({ key })), { key: 'v', versionId: '3/L4kqtJl' }]);
});

test('tagging, versioning and CORS round-trip through the SDK in both directions', async () => {
  const tags = [{ key: 'env', value: 'prod' }, { key: ' sp ace ', value: 'a+b=c' }];
  const t = stub(xml.renderTagging({ tags }));
  const got = await t.client.send(new GetObjectTaggingCommand({ Bucket: 'b', Key: 'k' }));
  assert.deepEqual(got.TagSet, tags.map((x) => ({ Key: x.key, Value: x.value })));
  await t.client.send(new PutObjectTaggingCommand({ Bucket: 'b', Key: 'k', Tagging: { TagSet: got.TagSet ?? [] } }));
  assert.deepEqual(xml.parseTagging(t.bodies[0] ?? ''), { tags });

  const v = stub(xml.renderVersioningConfiguration({ status: 'Suspended' }));
  assert.equal((await v.client.send(new GetBucketVersioningCommand({ Bucket: 'b' }))).Status, 'Suspended');
  await v.client.send(new PutBucketVersioningCommand({ Bucket: 'b', VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Disabled' } }));
  assert.deepEqual(xml.parseVersioningConfiguration(v.bodies[0] ?? ''), { status: 'Enabled' });

  const rules = [
    { id: 'r1', allowedOrigins: ['https://a.example'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 60 },
  ];
  const c = stub(xml.renderCorsConfiguration({ rules }));
  const cors = await c.client.send(new GetBucketCorsCommand({ Bucket: 'b' }));
  assert.deepEqual(cors.CORSRules, [
    { ID: 'r1', AllowedOrigins: ['https://a.example'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 60 },
  ]);
  await c.client.send(new PutBucketCorsCommand({ Bucket: 'b', CORSConfiguration: { CORSRules: cors.CORSRules ?? [] } }));
  assert.deepEqual(xml.parseCorsConfiguration(c.bodies[0] ?? ''), { rules });
});

test('our parsers read the SDK CreateBucket and CompleteMultipartUpload bodies', async () => {
  const cb = stub('');
  await cb.client.send(new CreateBucketCommand({ Bucket: 'b', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }));
  assert.deepEqual(xml.parseCreateBucketConfiguration(cb.bodies[0] ?? ''), { locationConstraint: 'eu-central-1' });

  const cm = stub(xml.renderCompleteMultipartUpload({ location: 'l', bucket: 'b', key: 'k', etag: '"e-2"' }));
  await cm.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'b',
      Key: 'k',
      UploadId: 'u',
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"a"' }, { PartNumber: 2, ETag: '"b"', ChecksumCRC32C: 'Yw==' }] },
    }),
  );
  assert.deepEqual(xml.parseCompleteMultipartUpload(cm.bodies[0] ?? ''), {
    parts: [{ partNumber: 1, etag: '"a"' }, { partNumber: 2, etag: '"b"', checksums: { CRC32C: 'Yw==' } }],
  });
});

test('SDK reads AccessControlPolicy', async () => {
  const out = await stub(xml.renderAccessControlPolicy({ owner: { id: 'o', displayName: 'd' } })).client.send(new GetBucketAclCommand({ Bucket: 'b' }));
  assert.deepEqual(out.Owner, { ID: 'o', DisplayName: 'd' });
  assert.deepEqual(out.Grants, [{ Grantee: { ID: 'o', DisplayName: 'd', Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
});

test('SDK reads our Error documents as typed errors', async () => {
  const doc = xml.renderError({ code: 'NoSuchKey', message: 'The specified key does not exist.', resource: '/b/k', requestId: 'REQ', extra: { Key: 'k' } });
  await assert.rejects(stub(doc, 404).client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })), (e: unknown) => {
    assert.ok(e instanceof S3ServiceException);
    assert.equal(e.name, 'NoSuchKey');
    assert.equal(e.message, 'The specified key does not exist.');
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
});
