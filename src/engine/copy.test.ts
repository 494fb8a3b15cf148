import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashBytes } from '../core/checksums/index.js';
import { body, bytesOf, getText, md5Hex, openHarness, OWNER, pattern, put, type Harness } from './embedded/harness.js';
import type { CopyObjectInput, StorageEngine } from './types.js';

describe('engine: CopyObject', () => {
  let h: Harness;
  let engine: StorageEngine;
  before(async () => {
    h = await openHarness({ limits: { maxCopySize: 1024 * 1024, minPartSize: 10 } });
    engine = h.engine;
    await engine.createBucket({ name: 'src', owner: OWNER, region: 'eu-1' });
    await engine.createBucket({ name: 'dst', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  const copy = (extra: Partial<CopyObjectInput> & Pick<CopyObjectInput, 'source' | 'dest'>) =>
    engine.copyObject({ owner: OWNER, metadataDirective: 'COPY', taggingDirective: 'COPY', ...extra });

  it('COPY directives keep the source metadata and tags; bytes are independent of the source', async () => {
    await put(engine, 'src', 'a', 'source bytes', { headers: { contentType: 'text/x', userMetadata: { k: 'v' } }, tags: { t: '1' } });
    const r = await copy({ source: { bucket: 'src', key: 'a' }, dest: { bucket: 'dst', key: 'b' } });
    assert.equal(r.etag, `"${md5Hex('source bytes')}"`);
    assert.equal(r.sourceVersionId, 'null');
    assert.equal(r.versionId, 'null');
    const info = (await engine.headObject({ bucket: 'dst', key: 'b' })).info;
    assert.deepEqual(info.headers, { contentType: 'text/x', userMetadata: { k: 'v' } });
    assert.equal(info.tagCount, 1);
    await engine.deleteObject({ bucket: 'src', key: 'a', owner: OWNER });
    assert.equal(await getText(engine, 'dst', 'b'), 'source bytes');
  });

  it('REPLACE directives take the request metadata and tags', async () => {
    await put(engine, 'src', 'r', 'x', { headers: { contentType: 'text/old', userMetadata: { old: '1' } }, tags: { old: '1' } });
    await copy({
      source: { bucket: 'src', key: 'r' }, dest: { bucket: 'dst', key: 'r' },
      metadataDirective: 'REPLACE', headers: { contentType: 'text/new', userMetadata: { new: '1' } },
      taggingDirective: 'REPLACE', tags: { n: '1', m: '2' },
    });
    const info = (await engine.headObject({ bucket: 'dst', key: 'r' })).info;
    assert.deepEqual(info.headers, { contentType: 'text/new', userMetadata: { new: '1' } });
    assert.deepEqual((await engine.getObjectTagging({ bucket: 'dst', key: 'r' })).tags, { n: '1', m: '2' });
  });

  it('copying an object onto itself needs a change', async () => {
    await put(engine, 'src', 'self', 'me', { headers: { userMetadata: { a: '1' } } });
    await assert.rejects(copy({ source: { bucket: 'src', key: 'self' }, dest: { bucket: 'src', key: 'self' } }), {
      code: 'InvalidRequest',
      message: /copy an object to itself without changing/,
    });
    await copy({ source: { bucket: 'src', key: 'self' }, dest: { bucket: 'src', key: 'self' }, metadataDirective: 'REPLACE', headers: { userMetadata: { a: '2' } } });
    assert.deepEqual((await engine.headObject({ bucket: 'src', key: 'self' })).info.headers.userMetadata, { a: '2' });
    await copy({ source: { bucket: 'src', key: 'self' }, dest: { bucket: 'src', key: 'self' }, headers: { storageClass: 'STANDARD_IA', userMetadata: {} } });
    const info = (await engine.headObject({ bucket: 'src', key: 'self' })).info;
    assert.equal(info.headers.storageClass, 'STANDARD_IA');
    assert.deepEqual(info.headers.userMetadata, { a: '2' });
    assert.equal(await getText(engine, 'src', 'self'), 'me');
  });

  it('copies a specific source version, including onto the same key (restore)', async () => {
    await engine.createBucket({ name: 'vsrc', owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('vsrc', 'Enabled');
    const v1 = await put(engine, 'vsrc', 'k', 'first');
    await put(engine, 'vsrc', 'k', 'second');
    const restored = await copy({ source: { bucket: 'vsrc', key: 'k', versionId: v1.versionId }, dest: { bucket: 'vsrc', key: 'k' } });
    assert.equal(restored.sourceVersionId, v1.versionId);
    assert.notEqual(restored.versionId, v1.versionId);
    assert.equal(await getText(engine, 'vsrc', 'k'), 'first');
    const dm = await engine.deleteObject({ bucket: 'vsrc', key: 'k', owner: OWNER });
    await assert.rejects(copy({ source: { bucket: 'vsrc', key: 'k' }, dest: { bucket: 'dst', key: 'x' } }), { code: 'NoSuchKey' });
    await assert.rejects(copy({ source: { bucket: 'vsrc', key: 'k', versionId: dm.versionId }, dest: { bucket: 'dst', key: 'x' } }), { code: 'InvalidRequest' });
    await assert.rejects(copy({ source: { bucket: 'vsrc', key: 'k', versionId: 'zz' }, dest: { bucket: 'dst', key: 'x' } }), { code: 'InvalidArgument' });
  });

  it('source conditions fail with 412 (never 304); destination conditions apply', async () => {
    const w = await put(engine, 'src', 'c', 'cond');
    const src = { bucket: 'src', key: 'c' };
    const dest = { bucket: 'dst', key: 'c' };
    const secs = Math.floor(w.lastModified.getTime() / 1000) * 1000;
    await assert.rejects(copy({ source: src, dest, sourceConditions: { ifMatch: '"nope"' } }), { code: 'PreconditionFailed' });
    await assert.rejects(copy({ source: src, dest, sourceConditions: { ifNoneMatch: w.etag } }), { code: 'PreconditionFailed' });
    await assert.rejects(copy({ source: src, dest, sourceConditions: { ifModifiedSince: new Date(secs + 10_000) } }), { code: 'PreconditionFailed' });
    await assert.rejects(copy({ source: src, dest, sourceConditions: { ifUnmodifiedSince: new Date(secs - 10_000) } }), { code: 'PreconditionFailed' });
    await copy({ source: src, dest, sourceConditions: { ifMatch: w.etag, ifUnmodifiedSince: new Date(secs - 10_000) } });
    await assert.rejects(copy({ source: src, dest, destConditions: { ifNoneMatch: '*' } }), { code: 'PreconditionFailed' });
    await assert.rejects(copy({ source: src, dest: { bucket: 'dst', key: 'none' }, destConditions: { ifMatch: w.etag } }), { code: 'NoSuchKey' });
    await assert.rejects(copy({ source: src, dest: { bucket: 'nobucket', key: 'x' } }), { code: 'NoSuchBucket' });
    await assert.rejects(copy({ source: { bucket: 'nobucket', key: 'x' }, dest }), { code: 'NoSuchBucket' });
  });

  it('refuses sources above the copy limit', async () => {
    await put(engine, 'src', 'big', pattern(1024 * 1024 + 1));
    await assert.rejects(copy({ source: { bucket: 'src', key: 'big' }, dest: { bucket: 'dst', key: 'big' } }), {
      code: 'InvalidRequest',
      message: 'The specified copy source is larger than the maximum allowable size for a copy source: 1048576',
    });
  });

  it('copies multipart objects into a plain object and computes requested checksums', async () => {
    const up = await engine.createMultipartUpload({ bucket: 'src', key: 'mp', owner: OWNER, headers: { userMetadata: {} }, checksumAlgorithm: 'CRC32' });
    const parts = [];
    for (let n = 1; n <= 3; n++) {
      const p = await engine.uploadPart({ bucket: 'src', key: 'mp', uploadId: up.uploadId, partNumber: n, body: body(pattern(100, n)), claims: {} });
      parts.push({ partNumber: n, etag: p.etag, checksum: p.checksum as string });
    }
    await engine.completeMultipartUpload({ bucket: 'src', key: 'mp', uploadId: up.uploadId, parts });
    const all = Buffer.concat([pattern(100, 1), pattern(100, 2), pattern(100, 3)]);
    const r = await copy({ source: { bucket: 'src', key: 'mp' }, dest: { bucket: 'dst', key: 'mp' } });
    assert.equal(r.etag, `"${md5Hex(all)}"`);
    assert.deepEqual(r.checksum, { algorithm: 'CRC32', type: 'FULL_OBJECT', value: hashBytes('CRC32', all).toString('base64') });
    const r2 = await copy({ source: { bucket: 'src', key: 'mp' }, dest: { bucket: 'dst', key: 'mp2' }, checksumAlgorithm: 'SHA256' });
    assert.equal(r2.checksum?.value, hashBytes('SHA256', all).toString('base64'));
    const got = await engine.getObject({ bucket: 'dst', key: 'mp' });
    assert.ok((await bytesOf(got.body)).equals(all));
    assert.equal(got.info.parts, undefined);
  });
});
