/** Bucket policy text and canned ACLs (buckets and object versions) as the engine stores them. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, openHarness, OWNER, put, type Harness } from './embedded/harness.js';
import type { RegionEngine } from './types.js';

describe('engine: bucket policy and canned ACLs', () => {
  let h: Harness;
  let engine: RegionEngine;
  before(async () => {
    h = await openHarness();
    engine = h.engine;
  });
  after(() => h.dispose());

  it('keeps the policy text verbatim and returns it with getBucket; undefined removes it', async () => {
    await engine.createBucket({ name: 'pol', owner: OWNER, region: 'eu-1' });
    assert.equal((await engine.getBucket('pol')).policy, undefined);
    // Whitespace, key order and comments are the owner's: stored byte for byte.
    const text = '{\n  "Version": "2012-10-17",  // mine\n  "Statement": [ {"Effect":"Allow", "Principal":"*", "Action":"s3:GetObject", "Resource":"arn:aws:s3:::pol/*"} ]\n}\n';
    await engine.putBucketPolicy('pol', text);
    assert.equal((await engine.getBucket('pol')).policy, text);
    await engine.putBucketPolicy('pol', undefined);
    assert.equal('policy' in (await engine.getBucket('pol')), false);
    await assert.rejects(engine.putBucketPolicy('nope', text), { code: 'NoSuchBucket' });
  });

  it('bucket ACL: set at creation or later, returned by getBucket', async () => {
    assert.equal((await engine.createBucket({ name: 'pub', owner: OWNER, region: 'eu-1', acl: 'public-read' })).acl, 'public-read');
    assert.equal((await engine.getBucket('pub')).acl, 'public-read');
    assert.equal((await engine.getBucket('pol')).acl, 'private');
    await engine.putBucketAcl('pub', 'private');
    assert.equal((await engine.getBucket('pub')).acl, 'private');
    await engine.putBucketAcl('pol', 'public-read');
    assert.equal((await engine.getBucket('pol')).acl, 'public-read');
    await assert.rejects(engine.putBucketAcl('nope', 'private'), { code: 'NoSuchBucket' });
  });

  it('object ACL per version: put, copy (not copied), multipart (carried), get/put by version id', async () => {
    await engine.createBucket({ name: 'objs', owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('objs', 'Enabled');
    const v1 = await put(engine, 'objs', 'k', 'one', { acl: 'public-read' });
    const v2 = await put(engine, 'objs', 'k', 'two');
    assert.equal((await engine.headObject({ bucket: 'objs', key: 'k', versionId: v1.versionId })).info.acl, 'public-read');
    assert.equal((await engine.headObject({ bucket: 'objs', key: 'k' })).info.acl, 'private');
    assert.deepEqual(await engine.getObjectAcl({ bucket: 'objs', key: 'k' }), { versionId: v2.versionId, owner: OWNER, acl: 'private' });

    // PutObjectAcl on one version leaves the others alone.
    assert.deepEqual(await engine.putObjectAcl({ bucket: 'objs', key: 'k', acl: 'public-read' }), { versionId: v2.versionId });
    await engine.putObjectAcl({ bucket: 'objs', key: 'k', versionId: v1.versionId, acl: 'private' });
    assert.equal((await engine.getObjectAcl({ bucket: 'objs', key: 'k', versionId: v1.versionId })).acl, 'private');
    assert.equal((await engine.getObjectAcl({ bucket: 'objs', key: 'k' })).acl, 'public-read');

    // Listings carry it too.
    const listed = await engine.listObjectVersions({ bucket: 'objs', maxKeys: 10 });
    assert.deepEqual(listed.entries.map((e) => (e.kind === 'version' ? e.acl : 'marker')), ['public-read', 'private']);
    assert.equal((await engine.listObjects({ bucket: 'objs', maxKeys: 10 })).objects[0]?.acl, 'public-read');

    // A copy gets its own ACL (default private), never the source's.
    await engine.copyObject({ source: { bucket: 'objs', key: 'k' }, dest: { bucket: 'objs', key: 'copy' }, owner: OWNER, metadataDirective: 'COPY', taggingDirective: 'COPY' });
    assert.equal((await engine.getObjectAcl({ bucket: 'objs', key: 'copy' })).acl, 'private');
    await engine.copyObject({ source: { bucket: 'objs', key: 'k', versionId: v1.versionId }, dest: { bucket: 'objs', key: 'copy2' }, owner: OWNER, metadataDirective: 'COPY', taggingDirective: 'COPY', acl: 'public-read' });
    assert.equal((await engine.getObjectAcl({ bucket: 'objs', key: 'copy2' })).acl, 'public-read');

    const up = await engine.createMultipartUpload({ bucket: 'objs', key: 'mp', owner: OWNER, headers: { userMetadata: {} }, acl: 'public-read' });
    assert.equal(up.acl, 'public-read');
    const part = await engine.uploadPart({ bucket: 'objs', key: 'mp', uploadId: up.uploadId, partNumber: 1, body: body('abc'), claims: {} });
    assert.equal((await engine.listParts({ bucket: 'objs', key: 'mp', uploadId: up.uploadId, maxParts: 10 })).upload.acl, 'public-read');
    await engine.completeMultipartUpload({ bucket: 'objs', key: 'mp', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: part.etag }] });
    assert.equal((await engine.getObjectAcl({ bucket: 'objs', key: 'mp' })).acl, 'public-read');

    // Delete markers have no ACL: S3's errors for them.
    const marker = await engine.deleteObject({ bucket: 'objs', key: 'k', owner: OWNER });
    await assert.rejects(engine.getObjectAcl({ bucket: 'objs', key: 'k' }), { code: 'NoSuchKey' });
    await assert.rejects(engine.putObjectAcl({ bucket: 'objs', key: 'k', acl: 'private' }), { code: 'NoSuchKey' });
    await assert.rejects(engine.getObjectAcl({ bucket: 'objs', key: 'k', versionId: marker.versionId as string }), { code: 'MethodNotAllowed' });
    await assert.rejects(engine.putObjectAcl({ bucket: 'objs', key: 'nope', acl: 'private' }), { code: 'NoSuchKey' });
    await assert.rejects(engine.putObjectAcl({ bucket: 'nope', key: 'k', acl: 'private' }), { code: 'NoSuchBucket' });
  });

  it('a replica keeps the ACL it was sent with', async () => {
    await engine.createBucket({ name: 'dest', owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('dest', 'Enabled');
    const data = 'replicated';
    await engine.putReplica({ destBucket: 'dest', key: 'r', versionId: 'a'.repeat(32), lastModified: new Date(), deleteMarker: false, size: data.length, acl: 'public-read', body: body(data) });
    await engine.putReplica({ destBucket: 'dest', key: 'r2', versionId: 'b'.repeat(32), lastModified: new Date(), deleteMarker: false, size: data.length, body: body(data) });
    assert.equal((await engine.getObjectAcl({ bucket: 'dest', key: 'r' })).acl, 'public-read');
    assert.equal((await engine.getObjectAcl({ bucket: 'dest', key: 'r2' })).acl, 'private');
  });
});
