import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { hashBytes } from '../core/checksums/index.js';
import { body, bytesOf, md5Base64, md5Hex, openHarness, OWNER, pattern, put, sha256Hex, textOf, type Harness } from './embedded/harness.js';
import type { StorageEngine } from './types.js';

describe('engine: PutObject / GetObject / HeadObject / DeleteObject', () => {
  let h: Harness;
  let engine: StorageEngine;
  before(async () => {
    h = await openHarness({ limits: { maxPutSize: 8 * 1024 * 1024 } });
    engine = h.engine;
    await engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  const assertNoLeak = async (blobsBefore: number) => {
    await new Promise((r) => setTimeout(r, 20));
    const c = await h.counts();
    assert.equal(c.tmp, 0, 'temp files left behind');
    assert.equal(c.blobs, blobsBefore, 'blob count changed');
  };

  it('stores bytes, headers, tags and checksums and returns them', async () => {
    const data = 'hello, sovra';
    const crc = hashBytes('CRC32C', Buffer.from(data)).toString('base64');
    const w = await engine.putObject({
      bucket: 'b',
      key: 'dir/hello.txt',
      owner: OWNER,
      body: body(data, 3),
      claims: { contentLength: data.length, md5Base64: md5Base64(data), sha256Hex: sha256Hex(data), checksum: { algorithm: 'CRC32C', value: crc } },
      headers: { contentType: 'text/plain', cacheControl: 'no-cache', userMetadata: { colour: 'blue' } },
      tags: { a: '1', b: '2' },
    });
    assert.equal(w.etag, `"${md5Hex(data)}"`);
    assert.equal(w.versionId, 'null');
    assert.equal(w.size, data.length);
    assert.deepEqual(w.checksum, { algorithm: 'CRC32C', type: 'FULL_OBJECT', value: crc });
    const r = await engine.getObject({ bucket: 'b', key: 'dir/hello.txt' });
    assert.equal(await textOf(r.body), data);
    assert.equal(r.range, undefined);
    assert.equal(r.info.etag, w.etag);
    assert.equal(r.info.isLatest, true);
    assert.equal(r.info.tagCount, 2);
    assert.equal(r.info.owner, OWNER);
    assert.deepEqual(r.info.headers, { contentType: 'text/plain', cacheControl: 'no-cache', userMetadata: { colour: 'blue' } });
    assert.deepEqual(r.info.checksum, w.checksum);
    assert.equal(r.info.parts, undefined);
    const head = await engine.headObject({ bucket: 'b', key: 'dir/hello.txt' });
    assert.deepEqual(head.info, r.info);
  });

  it('computes a requested checksum when no value is given, and checks trailer values after the body', async () => {
    const data = pattern(300_000, 3);
    const w = await engine.putObject({ bucket: 'b', key: 'ck', owner: OWNER, body: body(data), claims: { checksum: { algorithm: 'CRC64NVME' } }, headers: { userMetadata: {} } });
    assert.equal(w.checksum?.value, hashBytes('CRC64NVME', data).toString('base64'));
    let called = false;
    const trailer = () => {
      called = true;
      return hashBytes('SHA256', data).toString('base64');
    };
    const w2 = await engine.putObject({ bucket: 'b', key: 'ck2', owner: OWNER, body: body(data), claims: { checksum: { algorithm: 'SHA256', value: trailer } }, headers: { userMetadata: {} } });
    assert.ok(called);
    assert.equal(w2.checksum?.algorithm, 'SHA256');
  });

  it('objects written without a checksum get the default CRC64NVME (as S3 does)', async () => {
    const data = pattern(12345, 8);
    const w = await put(engine, 'b', 'default-ck', data);
    assert.deepEqual(w.checksum, { algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: hashBytes('CRC64NVME', data).toString('base64') });
    assert.deepEqual((await engine.headObject({ bucket: 'b', key: 'default-ck' })).info.checksum, w.checksum);
  });

  it('refuses false claims and leaves nothing behind', async () => {
    const before = (await h.counts()).blobs;
    const data = 'some payload';
    const attempt = (claims: Parameters<StorageEngine['putObject']>[0]['claims']) =>
      engine.putObject({ bucket: 'b', key: 'bad', owner: OWNER, body: body(data), claims, headers: { userMetadata: {} } });
    await assert.rejects(attempt({ contentLength: data.length + 1 }), { code: 'IncompleteBody' });
    await assert.rejects(attempt({ contentLength: data.length - 1 }), { code: 'IncompleteBody' });
    await assert.rejects(attempt({ md5Base64: md5Base64('other') }), { code: 'BadDigest' });
    await assert.rejects(attempt({ md5Base64: 'not-md5' }), { code: 'InvalidDigest' });
    await assert.rejects(attempt({ sha256Hex: sha256Hex('other') }), { code: 'XAmzContentSHA256Mismatch' });
    await assert.rejects(attempt({ checksum: { algorithm: 'CRC32', value: hashBytes('CRC32', Buffer.from('x')).toString('base64') } }), {
      code: 'BadDigest',
      message: 'The CRC32 you specified did not match the calculated checksum.',
    });
    await assert.rejects(attempt({ checksum: { algorithm: 'CRC32', value: () => 'AAAAAA==' } }), { code: 'BadDigest' });
    await assert.rejects(attempt({ checksum: { algorithm: 'CRC32', value: 'zz' } }), { code: 'InvalidRequest' });
    await assert.rejects(attempt({ contentLength: 9 * 1024 * 1024 }), { code: 'EntityTooLarge' });
    await assert.rejects(
      engine.putObject({ bucket: 'b', key: 'big', owner: OWNER, body: body(pattern(9 * 1024 * 1024)), claims: {}, headers: { userMetadata: {} } }),
      { code: 'EntityTooLarge' },
    );
    await assert.rejects(engine.headObject({ bucket: 'b', key: 'bad' }), { code: 'NoSuchKey' });
    await assertNoLeak(before);
  });

  it('a failing or aborted body stream leaves no trace', async () => {
    const before = (await h.counts()).blobs;
    const broken = new Readable({ read() {} });
    broken.push(pattern(600_000));
    setTimeout(() => broken.destroy(new Error('socket hang up')), 10);
    await assert.rejects(
      engine.putObject({ bucket: 'b', key: 'broken', owner: OWNER, body: broken, claims: {}, headers: { userMetadata: {} } }),
      /socket hang up/,
    );
    const ac = new AbortController();
    const slow = new PassThrough();
    slow.write(pattern(700_000));
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(
      engine.putObject({ bucket: 'b', key: 'aborted', owner: OWNER, body: slow, claims: {}, headers: { userMetadata: {} }, signal: ac.signal }),
      { name: 'AbortError' },
    );
    await assert.rejects(engine.headObject({ bucket: 'b', key: 'aborted' }), { code: 'NoSuchKey' });
    await assertNoLeak(before);
  });

  it('streams large objects with flat memory and exact bytes', async () => {
    const data = pattern(7 * 1024 * 1024 + 3, 9);
    const w = await put(engine, 'b', 'large', data);
    assert.equal(w.etag, `"${md5Hex(data)}"`);
    const r = await engine.getObject({ bucket: 'b', key: 'large' });
    const got = createHash('md5');
    let n = 0;
    for await (const c of r.body) {
      got.update(c as Buffer);
      n += (c as Buffer).length;
    }
    assert.equal(n, data.length);
    assert.equal(got.digest('hex'), md5Hex(data));
  });

  it('overwrites replace the null version and free the old bytes', async () => {
    await put(engine, 'b', 'over', 'one');
    const blobs = (await h.counts()).blobs;
    await put(engine, 'b', 'over', 'two!');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobs);
    assert.equal(await textOf((await engine.getObject({ bucket: 'b', key: 'over' })).body), 'two!');
  });

  it('conditional writes: If-None-Match * creates only, If-Match replaces only a matching etag', async () => {
    const first = await put(engine, 'b', 'cond', 'v1', { conditions: { ifNoneMatch: '*' } });
    await assert.rejects(put(engine, 'b', 'cond', 'v2', { conditions: { ifNoneMatch: '*' } }), { code: 'PreconditionFailed' });
    await assert.rejects(put(engine, 'b', 'cond', 'v2', { conditions: { ifMatch: '"0000"' } }), { code: 'PreconditionFailed' });
    await assert.rejects(put(engine, 'b', 'cond-missing', 'v2', { conditions: { ifMatch: first.etag } }), { code: 'NoSuchKey' });
    const second = await put(engine, 'b', 'cond', 'v2', { conditions: { ifMatch: first.etag.replaceAll('"', '') } });
    assert.equal(await textOf((await engine.getObject({ bucket: 'b', key: 'cond' })).body), 'v2');
    await put(engine, 'b', 'cond', 'v3', { conditions: { ifMatch: second.etag } });
    await assert.rejects(put(engine, 'b', 'cond', 'v4', { conditions: { ifMatch: second.etag } }), { code: 'PreconditionFailed' });
  });

  it('concurrent If-None-Match * writers: exactly one wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => put(engine, 'b', 'race', `writer ${i}`, { conditions: { ifNoneMatch: '*' } })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('rejects keys over 1024 UTF-8 bytes and unknown buckets', async () => {
    await assert.rejects(put(engine, 'b', 'é'.repeat(513), 'x'), { code: 'KeyTooLongError' });
    await put(engine, 'b', 'k'.repeat(1024), 'x');
    await assert.rejects(put(engine, 'nope', 'k', 'x'), { code: 'NoSuchBucket' });
    await assert.rejects(engine.getObject({ bucket: 'nope', key: 'k' }), { code: 'NoSuchBucket' });
    await assert.rejects(engine.getObject({ bucket: 'b', key: 'nope' }), { code: 'NoSuchKey' });
  });

  it('ranges: a-b, a-, -n, clamping, unsatisfiable with Content-Range, empty objects', async () => {
    await put(engine, 'b', 'digits', '0123456789');
    const read = async (range: Parameters<StorageEngine['getObject']>[0]['range']) => {
      const r = await engine.getObject({ bucket: 'b', key: 'digits', range });
      return { text: await textOf(r.body), range: r.range };
    };
    assert.deepEqual(await read({ start: 2, end: 4 }), { text: '234', range: { start: 2, end: 4 } });
    assert.deepEqual(await read({ start: 7 }), { text: '789', range: { start: 7, end: 9 } });
    assert.deepEqual(await read({ suffix: 3 }), { text: '789', range: { start: 7, end: 9 } });
    assert.deepEqual(await read({ suffix: 50 }), { text: '0123456789', range: { start: 0, end: 9 } });
    assert.deepEqual(await read({ start: 8, end: 100 }), { text: '89', range: { start: 8, end: 9 } });
    assert.deepEqual(await read({ start: 5, end: 2 }), { text: '0123456789', range: undefined });
    await assert.rejects(read({ start: 10 }), (e: { code: string; headers: Record<string, string> }) => {
      assert.equal(e.code, 'InvalidRange');
      assert.equal(e.headers['Content-Range'], 'bytes */10');
      return true;
    });
    await assert.rejects(read({ suffix: 0 }), { code: 'InvalidRange' });
    const head = await engine.headObject({ bucket: 'b', key: 'digits', range: { start: 1, end: 1 } });
    assert.deepEqual(head.range, { start: 1, end: 1 });
    await put(engine, 'b', 'empty', '');
    await assert.rejects(engine.getObject({ bucket: 'b', key: 'empty', range: { start: 0 } }), { code: 'InvalidRange' });
    const suffix = await engine.getObject({ bucket: 'b', key: 'empty', range: { suffix: 5 } });
    assert.equal(suffix.range, undefined);
    assert.equal((await bytesOf(suffix.body)).length, 0);
    const part1 = await engine.getObject({ bucket: 'b', key: 'digits', partNumber: 1 });
    assert.deepEqual(part1.range, { start: 0, end: 9 });
    await bytesOf(part1.body);
    await assert.rejects(engine.getObject({ bucket: 'b', key: 'digits', partNumber: 2 }), { code: 'InvalidRange' });
  });

  it('preconditions: If-Match 412, If-None-Match 304, dates at one-second granularity, RFC precedence', async () => {
    const w = await put(engine, 'b', 'pre', 'content');
    const t = w.lastModified;
    const sec = (d: number) => new Date(Math.floor(t.getTime() / 1000) * 1000 + d);
    const get = (conditions: Parameters<StorageEngine['getObject']>[0]['conditions']) => engine.headObject({ bucket: 'b', key: 'pre', conditions });
    await get({ ifMatch: w.etag });
    await get({ ifMatch: `"x", ${w.etag}` });
    await get({ ifMatch: '*' });
    await assert.rejects(get({ ifMatch: '"nope"' }), { code: 'PreconditionFailed' });
    await assert.rejects(get({ ifNoneMatch: w.etag }), (e: { code: string; headers: Record<string, string> }) => {
      assert.equal(e.code, 'NotModified');
      assert.equal(e.headers.ETag, w.etag);
      return true;
    });
    await assert.rejects(get({ ifNoneMatch: '*' }), { code: 'NotModified' });
    await get({ ifNoneMatch: '"other"' });
    await assert.rejects(get({ ifModifiedSince: sec(500) }), { code: 'NotModified' });
    await assert.rejects(get({ ifModifiedSince: sec(0) }), { code: 'NotModified' });
    await get({ ifModifiedSince: sec(-1000) });
    await get({ ifNoneMatch: '"other"', ifModifiedSince: sec(5000) });
    await assert.rejects(get({ ifUnmodifiedSince: sec(-1000) }), { code: 'PreconditionFailed' });
    await get({ ifUnmodifiedSince: sec(999) });
    await get({ ifMatch: w.etag, ifUnmodifiedSince: sec(-5000) });
    await assert.rejects(get({ ifMatch: '"nope"', ifNoneMatch: w.etag }), { code: 'PreconditionFailed' });
    await assert.rejects(engine.getObject({ bucket: 'b', key: 'pre', conditions: { ifMatch: '"x"' }, range: { start: 100 } }), {
      code: 'PreconditionFailed',
    });
  });

  it('a GET stream honours its signal', async () => {
    await put(engine, 'b', 'abortable', pattern(6 * 1024 * 1024));
    const ac = new AbortController();
    const r = await engine.getObject({ bucket: 'b', key: 'abortable', signal: ac.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of r.body) ac.abort();
      })(),
      { name: 'AbortError' },
    );
  });

  it('delete without versioning removes the object and is idempotent', async () => {
    await put(engine, 'b', 'gone', 'bye');
    assert.deepEqual(await engine.deleteObject({ bucket: 'b', key: 'gone', owner: OWNER }), { deleteMarker: false });
    assert.deepEqual(await engine.deleteObject({ bucket: 'b', key: 'gone', owner: OWNER }), { deleteMarker: false });
    await assert.rejects(engine.getObject({ bucket: 'b', key: 'gone' }), { code: 'NoSuchKey' });
    await assert.rejects(engine.deleteObject({ bucket: 'nope', key: 'gone', owner: OWNER }), { code: 'NoSuchBucket' });
  });

  it('tagging: get, put, delete on the latest version', async () => {
    await put(engine, 'b', 'tagged', 'x', { tags: { k: 'v' } });
    assert.deepEqual(await engine.getObjectTagging({ bucket: 'b', key: 'tagged' }), { versionId: 'null', tags: { k: 'v' } });
    await engine.putObjectTagging({ bucket: 'b', key: 'tagged', tags: { a: '1', b: '2' } });
    assert.equal((await engine.headObject({ bucket: 'b', key: 'tagged' })).info.tagCount, 2);
    await engine.deleteObjectTagging({ bucket: 'b', key: 'tagged' });
    assert.deepEqual((await engine.getObjectTagging({ bucket: 'b', key: 'tagged' })).tags, {});
    await assert.rejects(engine.putObjectTagging({ bucket: 'b', key: 'untagged-missing', tags: {} }), { code: 'NoSuchKey' });
  });
});
