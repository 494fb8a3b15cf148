import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { body, openHarness, OWNER, put, type Harness } from './embedded/harness.js';
import type { StorageEngine } from './types.js';

describe('engine: buckets', () => {
  let h: Harness;
  let engine: StorageEngine;
  before(async () => {
    h = await openHarness();
    engine = h.engine;
  });
  after(() => h.dispose());

  it('creates buckets once: BucketAlreadyOwnedByYou for the owner, BucketAlreadyExists for others', async () => {
    const b = await engine.createBucket({ name: 'photos', owner: OWNER, region: 'eu-1' });
    assert.deepEqual(b, { name: 'photos', owner: OWNER, region: 'eu-1', createdAt: new Date(Date.UTC(2025, 0, 1, 12)), versioning: undefined, acl: 'private' });
    await assert.rejects(engine.createBucket({ name: 'photos', owner: OWNER, region: 'eu-1' }), { code: 'BucketAlreadyOwnedByYou' });
    await assert.rejects(engine.createBucket({ name: 'photos', owner: 'someone-else', region: 'eu-1' }), { code: 'BucketAlreadyExists' });
    assert.deepEqual(await engine.getBucket('photos'), b);
    await assert.rejects(engine.getBucket('nope'), { code: 'NoSuchBucket' });
  });

  it('lists buckets by owner, sorted by name', async () => {
    for (const n of ['zeta', 'alpha', 'mid']) await engine.createBucket({ name: n, owner: OWNER, region: 'eu-1' });
    await engine.createBucket({ name: 'bobs', owner: 'bob', region: 'eu-1' });
    assert.deepEqual((await engine.listBuckets(OWNER)).map((b) => b.name), ['alpha', 'mid', 'photos', 'zeta']);
    assert.deepEqual((await engine.listBuckets('bob')).map((b) => b.name), ['bobs']);
    assert.equal((await engine.listBuckets()).length, 5);
  });

  it('stores versioning status and CORS rules', async () => {
    await engine.putBucketVersioning('mid', 'Suspended');
    assert.equal((await engine.getBucket('mid')).versioning, 'Suspended');
    assert.deepEqual(await engine.getBucketCors('mid'), []);
    const rules = [{ id: 'r1', allowedOrigins: ['https://a.example'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 600 }];
    await engine.putBucketCors('mid', rules);
    assert.deepEqual(await engine.getBucketCors('mid'), rules);
    await engine.putBucketCors('mid', null);
    assert.deepEqual(await engine.getBucketCors('mid'), []);
    await assert.rejects(engine.putBucketVersioning('nope', 'Enabled'), { code: 'NoSuchBucket' });
    await assert.rejects(engine.getBucketCors('nope'), { code: 'NoSuchBucket' });
  });

  it('refuses to delete a bucket with objects; aborts its in-progress uploads on delete', async () => {
    await put(engine, 'zeta', 'obj', 'data');
    await assert.rejects(engine.deleteBucket('zeta'), { code: 'BucketNotEmpty' });
    await engine.deleteObject({ bucket: 'zeta', key: 'obj', owner: OWNER });
    const up = await engine.createMultipartUpload({ bucket: 'zeta', key: 'mp', owner: OWNER, headers: { userMetadata: {} } });
    await engine.uploadPart({ bucket: 'zeta', key: 'mp', uploadId: up.uploadId, partNumber: 1, body: body('part'), claims: {} });
    const blobs = (await h.counts()).blobs;
    await engine.deleteBucket('zeta');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobs - 1);
    await assert.rejects(engine.getBucket('zeta'), { code: 'NoSuchBucket' });
    await assert.rejects(engine.deleteBucket('zeta'), { code: 'NoSuchBucket' });
    await engine.createBucket({ name: 'zeta', owner: 'bob', region: 'eu-1' });
    assert.deepEqual((await engine.listMultipartUploads({ bucket: 'zeta', maxUploads: 10 })).uploads, []);
  });
});
