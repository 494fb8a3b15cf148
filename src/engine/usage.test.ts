/**
 * Usage counters: every metadata change that alters a bucket's footprint updates its counters
 * in the same transaction. A seeded random workload of every kind of change (puts and
 * overwrites under each versioning state, copies, deletes with and without version ids,
 * replicas, multipart with replaced, copied and unused parts, aborts, refused writes) is checked
 * after every step against a recount from the rows and against the engine's own listings.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteMetaStore } from '../meta/sqlite/index.js';
import { body, md5Base64, openHarness, OWNER, pattern, put, type Harness } from './embedded/harness.js';
import type { BucketUsage, RegionEngine } from './types.js';

const MIN_PART = 1024;

/** Deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the engine's listings say a bucket holds: every version's size, every upload's parts. */
async function listedUsage(engine: RegionEngine, bucket: string): Promise<BucketUsage> {
  let bytes = 0;
  let objects = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await engine.listObjectVersions({ bucket, maxKeys: 1000, ...(keyMarker ? { keyMarker } : {}), ...(versionIdMarker ? { versionIdMarker } : {}) });
    for (const e of page.entries) {
      if (e.kind === 'version') {
        bytes += e.size;
        objects++;
      }
    }
    if (!page.isTruncated) break;
    keyMarker = page.nextKeyMarker;
    versionIdMarker = page.nextVersionIdMarker;
  }
  const uploads = await engine.listMultipartUploads({ bucket, maxUploads: 1000 });
  for (const u of uploads.uploads) {
    const parts = await engine.listParts({ bucket, key: u.key, uploadId: u.uploadId, maxParts: 10000 });
    for (const p of parts.parts) bytes += p.size;
  }
  return { bytes, objects };
}

describe('engine: usage counters', () => {
  let h: Harness;
  let engine: RegionEngine;
  let meta: SqliteMetaStore;
  before(async () => {
    h = await openHarness({ limits: { minPartSize: MIN_PART } });
    engine = h.engine;
    // A second connection on the same database reads the rows the engine wrote.
    meta = new SqliteMetaStore({ database: join(h.dir, 'meta.db') });
  });
  after(async () => {
    await meta.close();
    await h.dispose();
  });

  async function check(bucket: string, step: string): Promise<void> {
    const counted = await engine.bucketUsage(bucket);
    const recount = await meta.read((tx) => tx.usage.recount(bucket));
    assert.deepEqual(counted, recount, `${step}: counters vs recount from rows for ${bucket}`);
    assert.deepEqual(counted, await listedUsage(engine, bucket), `${step}: counters vs listings for ${bucket}`);
  }

  it('track puts, overwrites, deletes, copies, replicas and multipart exactly (random mixed workload)', async () => {
    const buckets = ['u-plain', 'u-versioned', 'u-suspended'];
    for (const b of buckets) await engine.createBucket({ name: b, owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('u-versioned', 'Enabled');
    await engine.putBucketVersioning('u-suspended', 'Enabled');
    await engine.createBucket({ name: 'u-other-owner', owner: 'someone-else', region: 'eu-1' });
    await put(engine, 'u-other-owner', 'x', 'not counted for OWNER');

    const random = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const keys = ['a', 'b', 'c', 'dir/d', 'dir/e'];
    const uploads: { bucket: string; key: string; uploadId: string; parts: Map<number, string> }[] = [];
    let seed = 1;
    let replicaSeq = 0;
    const seen = new Map<string, number>();

    for (let step = 0; step < 400; step++) {
      const bucket = pick(buckets);
      const key = pick(keys);
      const r = random();
      let what: string;
      if (r < 0.25) {
        what = 'put';
        await put(engine, bucket, key, pattern(Math.floor(random() * 3000), seed++));
      } else if (r < 0.32) {
        what = 'put (refused: bad MD5)';
        const data = pattern(500, seed++);
        await assert.rejects(put(engine, bucket, key, data, { claims: { md5Base64: md5Base64('other') } }), { code: 'BadDigest' });
      } else if (r < 0.4) {
        what = 'copy';
        const src = pick(buckets);
        const srcKey = pick(keys);
        await engine
          .copyObject({ source: { bucket: src, key: srcKey }, dest: { bucket, key }, owner: OWNER, metadataDirective: 'REPLACE', headers: { userMetadata: { n: String(step) } }, taggingDirective: 'COPY' })
          .catch((e: { code?: string }) => assert.equal(e.code, 'NoSuchKey'));
      } else if (r < 0.52) {
        what = 'delete (no version id)';
        await engine.deleteObject({ bucket, key, owner: OWNER });
      } else if (r < 0.6) {
        what = 'delete a version';
        const versions = (await engine.listObjectVersions({ bucket, maxKeys: 1000 })).entries;
        const v = versions.length > 0 ? pick(versions) : undefined;
        if (v) await engine.deleteObject({ bucket, key: v.key, versionId: v.versionId, owner: OWNER });
      } else if (r < 0.64) {
        what = 'replica';
        if (bucket === 'u-versioned') {
          const data = pattern(200 + Math.floor(random() * 500), seed++);
          const versionId = (++replicaSeq).toString(16).padStart(32, 'f');
          const marker = random() < 0.3;
          await engine.putReplica({
            destBucket: bucket, key, versionId, lastModified: new Date(), deleteMarker: marker,
            ...(marker ? {} : { size: data.length, body: body(data) }),
          });
          // The same version again is a no-op: no double count.
          await engine.putReplica({ destBucket: bucket, key, versionId, lastModified: new Date(), deleteMarker: marker, ...(marker ? {} : { size: data.length, body: body(data) }) });
        }
      } else if (r < 0.7) {
        what = 'versioning change';
        if (bucket === 'u-suspended') await engine.putBucketVersioning(bucket, random() < 0.5 ? 'Suspended' : 'Enabled');
      } else if (r < 0.76) {
        what = 'create upload';
        const up = await engine.createMultipartUpload({ bucket, key, owner: OWNER, headers: { userMetadata: {} } });
        uploads.push({ bucket, key, uploadId: up.uploadId, parts: new Map() });
      } else if (r < 0.88 && uploads.length > 0) {
        const u = pick(uploads);
        // Small part numbers so re-uploads (replacing a part) happen often.
        const partNumber = 1 + Math.floor(random() * 4);
        if (random() < 0.2) {
          what = 'upload part copy';
          const got = await engine
            .uploadPartCopy({ bucket: u.bucket, key: u.key, uploadId: u.uploadId, partNumber, source: { bucket: pick(buckets), key: pick(keys) } })
            .catch((e: { code?: string }) => assert.equal(e.code, 'NoSuchKey'));
          if (got) u.parts.set(partNumber, got.etag);
        } else {
          what = 'upload part';
          const got = await engine.uploadPart({
            bucket: u.bucket, key: u.key, uploadId: u.uploadId, partNumber,
            body: body(pattern(MIN_PART + Math.floor(random() * 800), seed++)), claims: {},
          });
          u.parts.set(partNumber, got.etag);
        }
      } else if (uploads.length > 0) {
        const i = Math.floor(random() * uploads.length);
        const u = uploads[i] as (typeof uploads)[number];
        uploads.splice(i, 1);
        const all = [...u.parts].sort((a, b) => a[0] - b[0]);
        // Complete with a subset: the parts left out are dropped with the upload.
        const chosen = all.filter(() => random() < 0.7);
        if (random() < 0.3 || chosen.length === 0) {
          what = 'abort';
          await engine.abortMultipartUpload({ bucket: u.bucket, key: u.key, uploadId: u.uploadId });
        } else {
          what = `complete ${chosen.length}/${all.length} parts`;
          await engine
            .completeMultipartUpload({ bucket: u.bucket, key: u.key, uploadId: u.uploadId, parts: chosen.map(([partNumber, etag]) => ({ partNumber, etag })) })
            // A copied part may be smaller than the minimum; the upload then stays (and is counted).
            .catch((e: { code?: string }) => {
              assert.equal(e.code, 'EntityTooSmall');
              uploads.push(u);
            });
        }
      } else {
        what = 'idle';
      }
      const kind = what.replace(/ \d+\/\d+ parts$/, '');
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      await check(bucket, `step ${step} (${what})`);
    }

    for (const b of buckets) await check(b, 'end');
    for (const kind of ['put', 'put (refused: bad MD5)', 'copy', 'delete (no version id)', 'delete a version', 'replica', 'versioning change', 'create upload', 'upload part', 'upload part copy', 'abort', 'complete']) {
      assert.ok((seen.get(kind) ?? 0) > 0, `the workload ran '${kind}' at least once (${JSON.stringify([...seen])})`);
    }
    const perBucket = await Promise.all(buckets.map((b) => engine.bucketUsage(b)));
    const byOwner = await engine.usageByOwner(OWNER);
    assert.deepEqual(byOwner, {
      bytes: perBucket.reduce((n, u) => n + u.bytes, 0),
      objects: perBucket.reduce((n, u) => n + u.objects, 0),
      buckets: 3,
    });
    assert.ok(byOwner.objects > 0 && byOwner.bytes > 0, 'the workload left something stored');
    assert.deepEqual(await engine.usageByOwner('nobody'), { bytes: 0, objects: 0, buckets: 0 });
  });

  it('bucket deletion takes its uploads and counters with it', async () => {
    await engine.createBucket({ name: 'u-gone', owner: 'carol', region: 'eu-1' });
    const up = await engine.createMultipartUpload({ bucket: 'u-gone', key: 'k', owner: 'carol', headers: { userMetadata: {} } });
    await engine.uploadPart({ bucket: 'u-gone', key: 'k', uploadId: up.uploadId, partNumber: 1, body: body('12345'), claims: {} });
    await engine.putObject({ bucket: 'u-gone', key: 'o', owner: 'carol', body: body('abc'), claims: {}, headers: { userMetadata: {} } });
    assert.deepEqual(await engine.bucketUsage('u-gone'), { bytes: 8, objects: 1 });
    assert.deepEqual(await engine.usageByOwner('carol'), { bytes: 8, objects: 1, buckets: 1 });
    await engine.deleteObject({ bucket: 'u-gone', key: 'o', owner: 'carol' });
    await engine.deleteBucket('u-gone');
    await assert.rejects(engine.bucketUsage('u-gone'), { code: 'NoSuchBucket' });
    assert.deepEqual(await engine.usageByOwner('carol'), { bytes: 0, objects: 0, buckets: 0 });
    // A new bucket of the same name starts from zero.
    await engine.createBucket({ name: 'u-gone', owner: 'carol', region: 'eu-1' });
    assert.deepEqual(await engine.bucketUsage('u-gone'), { bytes: 0, objects: 0 });
    assert.equal(await meta.read(async (tx) => (await tx.usage.recount('u-gone')).bytes), 0);
  });
});
