import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashBytes, type HashAlgorithm } from '../core/checksums/index.js';
import { body, bytesOf, md5Hex, openHarness, OWNER, pattern, put, textOf, type Harness } from './embedded/harness.js';
import type { ChecksumAlgorithm, ChecksumType, StorageEngine } from './types.js';

const MIN = 64 * 1024;

describe('engine: multipart uploads', () => {
  let h: Harness;
  let engine: StorageEngine;
  before(async () => {
    h = await openHarness({ limits: { minPartSize: MIN, maxCopySize: 2 * 1024 * 1024 } });
    engine = h.engine;
    await engine.createBucket({ name: 'mp', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  const create = (key: string, checksumAlgorithm?: ChecksumAlgorithm, checksumType?: ChecksumType) =>
    engine.createMultipartUpload({
      bucket: 'mp', key, owner: OWNER, headers: { contentType: 'application/x-test', userMetadata: { m: '1' } }, tags: { t: 'v' },
      ...(checksumAlgorithm ? { checksumAlgorithm } : {}), ...(checksumType ? { checksumType } : {}),
    });
  const upload = (key: string, uploadId: string, partNumber: number, data: Buffer, claims = {}) =>
    engine.uploadPart({ bucket: 'mp', key, uploadId, partNumber, body: body(data), claims });

  it('assembles parts in order without copying; ETag is md5-of-md5s-N; parts are served by number and range', async () => {
    const up = await create('big');
    assert.match(up.uploadId, /^[0-9a-f]{44}$/);
    const datas = [pattern(MIN + 1, 1), pattern(MIN * 2, 2), pattern(1000, 3)];
    const etags: string[] = [];
    for (const [i, d] of datas.entries()) etags.push((await upload('big', up.uploadId, i + 1, d)).etag);
    assert.deepEqual(etags, datas.map((d) => `"${md5Hex(d)}"`));
    const blobsBefore = (await h.counts()).blobs;
    const w = await engine.completeMultipartUpload({ bucket: 'mp', key: 'big', uploadId: up.uploadId, parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    assert.equal((await h.counts()).blobs, blobsBefore, 'no bytes copied');
    const md5s = Buffer.concat(datas.map((d) => createHash('md5').update(d).digest()));
    assert.equal(w.etag, `"${createHash('md5').update(md5s).digest('hex')}-3"`);
    const all = Buffer.concat(datas);
    assert.equal(w.size, all.length);
    const got = await engine.getObject({ bucket: 'mp', key: 'big' });
    assert.ok((await bytesOf(got.body)).equals(all));
    assert.deepEqual(got.info.parts?.map((p) => [p.partNumber, p.size]), [[1, MIN + 1], [2, MIN * 2], [3, 1000]]);
    assert.deepEqual(got.info.headers, { contentType: 'application/x-test', userMetadata: { m: '1' } });
    assert.equal(got.info.tagCount, 1);
    const p2 = await engine.getObject({ bucket: 'mp', key: 'big', partNumber: 2 });
    assert.deepEqual(p2.range, { start: MIN + 1, end: MIN + 1 + MIN * 2 - 1 });
    assert.ok((await bytesOf(p2.body)).equals(datas[1] as Buffer));
    await assert.rejects(engine.getObject({ bucket: 'mp', key: 'big', partNumber: 4 }), { code: 'InvalidRange' });
    const across = await engine.getObject({ bucket: 'mp', key: 'big', range: { start: MIN - 10, end: MIN * 3 + 10 } });
    assert.ok((await bytesOf(across.body)).equals(all.subarray(MIN - 10, MIN * 3 + 11)));
    await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key: 'big', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: etags[0] as string }] }), {
      code: 'NoSuchUpload',
    });
  });

  it('validates Complete: empty list, order, unknown parts or etags, small parts; unlisted parts are deleted', async () => {
    const up = await create('val');
    const a = await upload('val', up.uploadId, 1, pattern(MIN, 4));
    const small = await upload('val', up.uploadId, 2, pattern(10, 5));
    const c = await upload('val', up.uploadId, 3, pattern(10, 6));
    await upload('val', up.uploadId, 5, pattern(10, 7));
    const complete = (parts: { partNumber: number; etag: string }[]) => engine.completeMultipartUpload({ bucket: 'mp', key: 'val', uploadId: up.uploadId, parts });
    await assert.rejects(complete([]), { code: 'InvalidRequest', message: 'You must specify at least one part' });
    await assert.rejects(complete([{ partNumber: 2, etag: small.etag }, { partNumber: 1, etag: a.etag }]), { code: 'InvalidPartOrder' });
    await assert.rejects(complete([{ partNumber: 1, etag: a.etag }, { partNumber: 1, etag: a.etag }]), { code: 'InvalidPartOrder' });
    await assert.rejects(complete([{ partNumber: 1, etag: a.etag }, { partNumber: 4, etag: a.etag }]), { code: 'InvalidPart' });
    await assert.rejects(complete([{ partNumber: 1, etag: '"ffffffffffffffffffffffffffffffff"' }]), { code: 'InvalidPart' });
    await assert.rejects(complete([{ partNumber: 2, etag: small.etag }, { partNumber: 3, etag: c.etag }]), { code: 'EntityTooSmall' });
    await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key: 'other', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: a.etag }] }), { code: 'NoSuchUpload' });
    const blobs = (await h.counts()).blobs;
    await complete([{ partNumber: 1, etag: a.etag.replaceAll('"', '') }, { partNumber: 3, etag: c.etag }]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobs - 2, 'parts 2 and 5 were deleted');
    assert.equal((await engine.headObject({ bucket: 'mp', key: 'val' })).info.size, MIN + 10);
  });

  it('validates part numbers and upload ids; re-uploading a part replaces it', async () => {
    const up = await create('re');
    await assert.rejects(upload('re', up.uploadId, 0, pattern(1)), { code: 'InvalidArgument' });
    await assert.rejects(upload('re', up.uploadId, 10001, pattern(1)), { code: 'InvalidArgument' });
    await assert.rejects(upload('re', 'not-an-upload', 1, pattern(1)), { code: 'NoSuchUpload' });
    await assert.rejects(upload('other-key', up.uploadId, 1, pattern(1)), { code: 'NoSuchUpload' });
    await assert.rejects(engine.uploadPart({ bucket: 'nope', key: 're', uploadId: up.uploadId, partNumber: 1, body: body('x'), claims: {} }), { code: 'NoSuchBucket' });
    await upload('re', up.uploadId, 1, Buffer.from('first'));
    const blobs = (await h.counts()).blobs;
    const second = await upload('re', up.uploadId, 1, Buffer.from('second'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobs);
    const parts = await engine.listParts({ bucket: 'mp', key: 're', uploadId: up.uploadId, maxParts: 10 });
    assert.deepEqual(parts.parts.map((p) => [p.partNumber, p.etag, p.size]), [[1, second.etag, 6]]);
    await engine.completeMultipartUpload({ bucket: 'mp', key: 're', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: second.etag }] });
    assert.equal(await textOf((await engine.getObject({ bucket: 'mp', key: 're' })).body), 'second');
  });

  const digest = (alg: HashAlgorithm, d: Buffer) => hashBytes(alg, d);

  for (const [alg, type] of [['CRC32', 'COMPOSITE'], ['CRC32C', 'FULL_OBJECT'], ['CRC64NVME', undefined], ['SHA256', undefined], ['SHA1', 'COMPOSITE'], ['CRC32', 'FULL_OBJECT']] as const) {
    it(`checksums: ${alg} ${type ?? '(default type)'}`, async () => {
      const key = `ck-${alg}-${type}`;
      const up = await create(key, alg, type);
      const expectType = type ?? (alg === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
      assert.equal(up.checksumType, expectType);
      const datas = [pattern(MIN, 11), pattern(MIN + 7, 12), pattern(333, 13)];
      const parts = [];
      for (const [i, d] of datas.entries()) {
        const claimed = digest(alg, d).toString('base64');
        const p = await upload(key, up.uploadId, i + 1, d, { checksum: { algorithm: alg, value: claimed } });
        assert.equal(p.checksum, claimed);
        parts.push({ partNumber: i + 1, etag: p.etag, checksum: claimed });
      }
      const whole = Buffer.concat(datas);
      const expected =
        expectType === 'FULL_OBJECT'
          ? digest(alg, whole).toString('base64')
          : `${digest(alg, Buffer.concat(datas.map((d) => digest(alg, d)))).toString('base64')}-3`;
      const wrongPart = parts.map((p, i) => (i === 1 ? { ...p, checksum: digest(alg, Buffer.from('x')).toString('base64') } : p));
      await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key, uploadId: up.uploadId, parts: wrongPart }), { code: 'InvalidPart' });
      await assert.rejects(
        engine.completeMultipartUpload({ bucket: 'mp', key, uploadId: up.uploadId, parts, checksum: { algorithm: alg, value: digest(alg, Buffer.from('no')).toString('base64') } }),
        { code: 'BadDigest' },
      );
      const w = await engine.completeMultipartUpload({
        bucket: 'mp', key, uploadId: up.uploadId, parts, ...(expectType === 'FULL_OBJECT' ? { checksum: { algorithm: alg, value: expected, type: 'FULL_OBJECT' } } : {}),
      });
      assert.deepEqual(w.checksum, { algorithm: alg, type: expectType, value: expected });
      const info = (await engine.headObject({ bucket: 'mp', key })).info;
      assert.deepEqual(info.checksum, w.checksum);
      assert.deepEqual(info.parts?.map((p) => p.checksum), parts.map((p) => p.checksum));
    });
  }

  it('COMPOSITE uploads need every part checksum listed in Complete', async () => {
    const up = await create('needs-ck', 'CRC32');
    const p = await upload('needs-ck', up.uploadId, 1, pattern(10));
    await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key: 'needs-ck', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: p.etag }] }), {
      code: 'InvalidRequest',
      message: /must include the checksum for each part. It was missing for part 1/,
    });
    await engine.completeMultipartUpload({ bucket: 'mp', key: 'needs-ck', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: p.etag, checksum: p.checksum as string }] });
  });

  it('uploads without a declared algorithm get the default CRC64NVME full-object checksum', async () => {
    const up = await create('default-ck');
    const datas = [pattern(MIN, 31), pattern(77, 32)];
    const parts = [];
    for (const [i, d] of datas.entries()) parts.push({ partNumber: i + 1, etag: (await upload('default-ck', up.uploadId, i + 1, d)).etag });
    const w = await engine.completeMultipartUpload({ bucket: 'mp', key: 'default-ck', uploadId: up.uploadId, parts });
    assert.deepEqual(w.checksum, { algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: digest('CRC64NVME', Buffer.concat(datas)).toString('base64') });
  });

  it('checksum rules at create and part upload', async () => {
    await assert.rejects(create('x', 'CRC64NVME', 'COMPOSITE'), { code: 'InvalidRequest' });
    await assert.rejects(create('x', 'SHA256', 'FULL_OBJECT'), { code: 'InvalidRequest' });
    await assert.rejects(create('x', undefined, 'COMPOSITE'), { code: 'InvalidRequest' });
    const up = await create('x', 'CRC32');
    await assert.rejects(upload('x', up.uploadId, 1, pattern(5), { checksum: { algorithm: 'SHA1' } }), { code: 'InvalidRequest' });
    const p = await upload('x', up.uploadId, 1, pattern(5));
    assert.equal(p.checksum, digest('CRC32', pattern(5)).toString('base64'), 'computed even when not sent');
    await assert.rejects(upload('x', up.uploadId, 2, pattern(5), { checksum: { algorithm: 'CRC32', value: 'AAAAAA==' } }), { code: 'BadDigest' });
  });

  it('conditional Complete: If-None-Match * and If-Match', async () => {
    await put(engine, 'mp', 'cond', 'exists');
    const up = await create('cond');
    const p = await upload('cond', up.uploadId, 1, pattern(10));
    const parts = [{ partNumber: 1, etag: p.etag }];
    await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key: 'cond', uploadId: up.uploadId, parts, conditions: { ifNoneMatch: '*' } }), { code: 'PreconditionFailed' });
    await assert.rejects(engine.completeMultipartUpload({ bucket: 'mp', key: 'cond', uploadId: up.uploadId, parts, conditions: { ifMatch: '"abc"' } }), { code: 'PreconditionFailed' });
    const current = await engine.headObject({ bucket: 'mp', key: 'cond' });
    await engine.completeMultipartUpload({ bucket: 'mp', key: 'cond', uploadId: up.uploadId, parts, conditions: { ifMatch: current.info.etag } });
    assert.ok((await bytesOf((await engine.getObject({ bucket: 'mp', key: 'cond' })).body)).equals(pattern(10)));
  });

  it('UploadPartCopy copies whole objects or ranges and validates the range', async () => {
    const src = pattern(200_000, 21);
    await put(engine, 'mp', 'src', src);
    const up = await create('copied');
    const p1 = await engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 1, source: { bucket: 'mp', key: 'src' } });
    assert.equal(p1.sourceVersionId, 'null');
    assert.equal(p1.etag, `"${md5Hex(src)}"`);
    const p2 = await engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 2, source: { bucket: 'mp', key: 'src' }, range: { start: 10, end: 19 } });
    assert.equal(p2.size, 10);
    const copyRange = (range: { start: number; end: number }) =>
      engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 3, source: { bucket: 'mp', key: 'src' }, range });
    await assert.rejects(copyRange({ start: 5, end: 2 }), { code: 'InvalidArgument' });
    await assert.rejects(copyRange({ start: 0, end: 200_000 }), { code: 'InvalidArgument', message: 'Range specified is not valid for source object of size: 200000' });
    await assert.rejects(
      engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 3, source: { bucket: 'mp', key: 'src' }, sourceConditions: { ifMatch: '"zzz"' } }),
      { code: 'PreconditionFailed' },
    );
    await assert.rejects(
      engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 3, source: { bucket: 'mp', key: 'missing' } }),
      { code: 'NoSuchKey' },
    );
    await put(engine, 'mp', 'huge', pattern(2 * 1024 * 1024 + 1));
    await assert.rejects(
      engine.uploadPartCopy({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, partNumber: 3, source: { bucket: 'mp', key: 'huge' } }),
      { code: 'InvalidRequest' },
    );
    await engine.completeMultipartUpload({ bucket: 'mp', key: 'copied', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: p1.etag }, { partNumber: 2, etag: p2.etag }] });
    const got = await bytesOf((await engine.getObject({ bucket: 'mp', key: 'copied' })).body);
    assert.ok(got.equals(Buffer.concat([src, src.subarray(10, 20)])));
  });

  it('listParts pages; abort removes the upload and its bytes', async () => {
    const up = await create('paged');
    for (let n = 1; n <= 7; n++) await upload('paged', up.uploadId, n, pattern(n));
    const seen: number[] = [];
    let marker: number | undefined;
    for (;;) {
      const r = await engine.listParts({ bucket: 'mp', key: 'paged', uploadId: up.uploadId, maxParts: 3, ...(marker ? { partNumberMarker: marker } : {}) });
      assert.equal(r.upload.uploadId, up.uploadId);
      assert.deepEqual(r.upload.tags, { t: 'v' });
      seen.push(...r.parts.map((p) => p.partNumber));
      if (!r.isTruncated) break;
      marker = r.nextPartNumberMarker;
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
    const blobs = (await h.counts()).blobs;
    await engine.abortMultipartUpload({ bucket: 'mp', key: 'paged', uploadId: up.uploadId });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobs - 7);
    await assert.rejects(engine.abortMultipartUpload({ bucket: 'mp', key: 'paged', uploadId: up.uploadId }), { code: 'NoSuchUpload' });
    await assert.rejects(engine.listParts({ bucket: 'mp', key: 'paged', uploadId: up.uploadId, maxParts: 3 }), { code: 'NoSuchUpload' });
  });

  it('listMultipartUploads orders by key then initiation, groups by delimiter and resumes from markers', async () => {
    await engine.createBucket({ name: 'ups', owner: OWNER, region: 'eu-1' });
    const ids: string[] = [];
    for (const key of ['b/2', 'a', 'b/1', 'a', 'c']) {
      h.advance(10);
      ids.push((await engine.createMultipartUpload({ bucket: 'ups', key, owner: OWNER, headers: { userMetadata: {} } })).uploadId);
    }
    const all = await engine.listMultipartUploads({ bucket: 'ups', maxUploads: 100 });
    assert.deepEqual(all.uploads.map((u) => u.key), ['a', 'a', 'b/1', 'b/2', 'c']);
    assert.deepEqual(all.uploads.slice(0, 2).map((u) => u.uploadId), [ids[1], ids[3]]);
    const grouped = await engine.listMultipartUploads({ bucket: 'ups', maxUploads: 100, delimiter: '/' });
    assert.deepEqual(grouped.commonPrefixes, ['b/']);
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const r = await engine.listMultipartUploads({ bucket: 'ups', maxUploads: 2, ...(keyMarker ? { keyMarker } : {}), ...(uploadIdMarker ? { uploadIdMarker } : {}) });
      seen.push(...r.uploads.map((u) => u.uploadId));
      if (!r.isTruncated) break;
      keyMarker = r.nextKeyMarker;
      uploadIdMarker = r.nextUploadIdMarker;
    }
    assert.deepEqual(seen, all.uploads.map((u) => u.uploadId));
    assert.deepEqual((await engine.listMultipartUploads({ bucket: 'ups', maxUploads: 10, prefix: 'b/' })).uploads.length, 2);
  });

  it('Complete of a 100 MB upload is fast (no byte copying)', async () => {
    const up = await create('hundred');
    const part = pattern(5 * 1024 * 1024, 77);
    const parts = [];
    for (let n = 1; n <= 20; n++) parts.push({ partNumber: n, etag: (await upload('hundred', up.uploadId, n, part)).etag });
    const t = performance.now();
    const w = await engine.completeMultipartUpload({ bucket: 'mp', key: 'hundred', uploadId: up.uploadId, parts });
    const ms = performance.now() - t;
    console.log(`CompleteMultipartUpload of 20 x 5 MiB: ${ms.toFixed(1)} ms`);
    assert.ok(ms < 500, `complete took ${ms} ms`);
    assert.equal(w.size, 100 * 1024 * 1024);
    const h2 = createHash('md5');
    for await (const c of (await engine.getObject({ bucket: 'mp', key: 'hundred' })).body) h2.update(c as Buffer);
    const expected = createHash('md5');
    for (let n = 0; n < 20; n++) expected.update(part);
    assert.equal(h2.digest('hex'), expected.digest('hex'));
  });
});
