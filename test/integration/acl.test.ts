/**
 * Canned ACLs through the real AWS SDK against a real in-process Sovra server: x-amz-acl on
 * CreateBucket, PutObject, CopyObject, CreateMultipartUpload and the form POST's acl field;
 * Get/PutBucketAcl and Get/PutObjectAcl (header or AccessControlPolicy body, by version id).
 * Expected answers follow the S3 API reference (PutBucketAcl, GetBucketAcl, PutObjectAcl,
 * GetObjectAcl) and the canned ACL table of the S3 user guide; what Sovra does not store
 * (other canned ACLs, grants to other accounts) is NotImplemented, never silently ignored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  UploadPartCommand,
  type GetBucketAclCommandOutput,
  type Grant,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { ACCESS_KEY, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** Grants as comparable strings: "user:<id> FULL_CONTROL", "group:<uri> READ". */
function grants(out: Pick<GetBucketAclCommandOutput, 'Grants'>): string[] {
  return (out.Grants ?? [])
    .map((g: Grant) => `${g.Grantee?.Type === 'Group' ? `group:${g.Grantee.URI}` : `user:${g.Grantee?.ID}`} ${g.Permission}`)
    .sort();
}

describe('canned ACLs', () => {
  let srv: TestServer;
  let s3: S3Client;
  let owner: string;
  let privateAcl: string[];
  let publicAcl: string[];

  before(async () => {
    srv = await startTestServer();
    s3 = srv.client;
    const probe = uniqueBucket('acl-probe');
    await s3.send(new CreateBucketCommand({ Bucket: probe }));
    owner = (await s3.send(new GetBucketAclCommand({ Bucket: probe }))).Owner?.ID ?? '';
    assert.ok(owner !== '', 'GetBucketAcl names the owner');
    privateAcl = [`user:${owner} FULL_CONTROL`];
    publicAcl = [`group:${ALL_USERS} READ`, `user:${owner} FULL_CONTROL`];
  });
  after(() => srv.stop());

  test('bucket: x-amz-acl at creation, PutBucketAcl by header or by an equivalent AccessControlPolicy', async () => {
    const bucket = uniqueBucket('acl-b');
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ACL: 'public-read' }));
    const got = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.deepEqual(grants(got), publicAcl);
    assert.equal(got.Owner?.ID, owner);

    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
    assert.deepEqual(grants(await s3.send(new GetBucketAclCommand({ Bucket: bucket }))), privateAcl);

    // The document GetBucketAcl returns for public-read, sent back, is public-read again.
    await s3.send(new PutBucketAclCommand({
      Bucket: bucket,
      AccessControlPolicy: {
        Owner: { ID: owner },
        Grants: [
          { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
          { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'READ' },
        ],
      },
    }));
    assert.deepEqual(grants(await s3.send(new GetBucketAclCommand({ Bucket: bucket }))), publicAcl);
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: { ID: owner }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' }] } }));
    assert.deepEqual(grants(await s3.send(new GetBucketAclCommand({ Bucket: bucket }))), privateAcl);

    // Anything else is refused and changes nothing.
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read' }));
    const refused = [
      s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'public-read-write' })),
      s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'authenticated-read' })),
      s3.send(new PutBucketAclCommand({ Bucket: bucket, GrantRead: 'id="someone-else"' })),
      s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: { ID: owner }, Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'CanonicalUser', ID: 'someone-else' }, Permission: 'READ' },
      ] } })),
      s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: { ID: owner }, Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'Group', URI: ALL_USERS }, Permission: 'WRITE' },
      ] } })),
    ];
    for (const p of refused) assert.deepEqual(await errorStatus(p), { code: 'NotImplemented', status: 501 });
    assert.deepEqual(await errorStatus(s3.send(new CreateBucketCommand({ Bucket: uniqueBucket('acl-rw'), ACL: 'public-read-write' }))), { code: 'NotImplemented', status: 501 });
    assert.deepEqual(grants(await s3.send(new GetBucketAclCommand({ Bucket: bucket }))), publicAcl);
  });

  test('object: PutObject, CopyObject (never copies the ACL), multipart, Put/GetObjectAcl by version', async () => {
    const bucket = uniqueBucket('acl-o');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'one', ACL: 'public-read' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'two' }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'k' }))), privateAcl);
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'k', VersionId: v1.VersionId }))), publicAcl);

    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'k', VersionId: v1.VersionId, ACL: 'private' }));
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'k', ACL: 'public-read' }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'k', VersionId: v1.VersionId }))), privateAcl);
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'k', VersionId: v2.VersionId }))), publicAcl);

    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/k` }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'copy' }))), privateAcl);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-pub', CopySource: `${bucket}/k?versionId=${v1.VersionId}`, ACL: 'public-read' }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'copy-pub' }))), publicAcl);

    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ACL: 'public-read' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, Body: 'abc' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'mp' }))), publicAcl);

    // The body form works for objects too; the owner is the object's.
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'mp', AccessControlPolicy: { Owner: { ID: owner }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: owner }, Permission: 'FULL_CONTROL' }] } }));
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'mp' }))), privateAcl);

    assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'rw', Body: 'x', ACL: 'public-read-write' }))), { code: 'NotImplemented', status: 501 });
    assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'rw', Body: 'x', GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }))), { code: 'NotImplemented', status: 501 });
    assert.deepEqual(await errorStatus(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'rw' }))), { code: 'NoSuchKey', status: 404 });
    assert.deepEqual(await errorStatus(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'missing', ACL: 'private' }))), { code: 'NoSuchKey', status: 404 });
    assert.deepEqual(await errorStatus(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'k', ACL: 'private', AccessControlPolicy: { Owner: { ID: owner }, Grants: [] } }))), { code: 'InvalidRequest', status: 400 });
  });

  test('a missing key: 404 NoSuchKey to whoever may list the bucket, 403 to anyone else', async () => {
    // S3: "If you have the s3:ListBucket permission on the bucket, Amazon S3 returns 404 Not
    // Found; if you don't, 403 Forbidden" (GetObject). public-read grants everyone ListBucket.
    const open = uniqueBucket('acl-404');
    const closed = uniqueBucket('acl-403');
    await s3.send(new CreateBucketCommand({ Bucket: open, ACL: 'public-read' }));
    await s3.send(new CreateBucketCommand({ Bucket: closed }));
    await s3.send(new PutObjectCommand({ Bucket: open, Key: 'private.txt', Body: 'not for everyone' }));
    for (const method of ['GET', 'HEAD'] as const) {
      const missing = await fetch(`${srv.url}/${open}/missing.txt`, { method });
      assert.equal(missing.status, 404, `${method} missing key in a listable bucket`);
      if (method === 'GET') assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
      // An object that exists but is private stays 403: listing rights do not grant reading.
      assert.equal((await fetch(`${srv.url}/${open}/private.txt`, { method })).status, 403);
      const hidden = await fetch(`${srv.url}/${closed}/missing.txt`, { method });
      assert.equal(hidden.status, 403, `${method} missing key in a bucket the caller may not list`);
      if (method === 'GET') assert.match(await hidden.text(), /<Code>AccessDenied<\/Code>/);
    }
  });

  test('a form POST sets the acl field', async () => {
    const bucket = uniqueBucket('acl-post');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: 'form.txt', Fields: { acl: 'public-read' }, Expires: 300 });
    assert.equal(post.fields['X-Amz-Credential']?.startsWith(ACCESS_KEY), true);
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(Buffer.from('posted'))]), 'form.txt');
    const res = await fetch(post.url, { method: 'POST', body: form });
    assert.equal(res.status, 204);
    assert.deepEqual(grants(await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'form.txt' }))), publicAcl);
  });
});
