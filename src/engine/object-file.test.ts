import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { body, openHarness, OWNER, pattern, put, type Harness } from './embedded/harness.js';

describe('engine: objectFile (an object as a file, for file readers)', () => {
  let h: Harness;
  let n = 0;
  const dest = () => join(h.dir, `out-${n++}`);
  before(async () => {
    h = await openHarness({ limits: { minPartSize: 1024 } });
    await h.engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  it('links a large object stored as one file blob: same bytes, no copy', async () => {
    const data = pattern(512 * 1024, 3);
    await put(h.engine, 'b', 'big.bin', data);
    const path = dest();
    const r = await h.engine.objectFile({ bucket: 'b', key: 'big.bin', path });
    assert.equal(r.linked, true);
    assert.equal(r.info.size, data.length);
    assert.ok((await readFile(path)).equals(data));
    assert.equal((await stat(path)).nlink, 2, 'a hard link to the blob file');
  });

  it('copies a small object kept inline and a multipart object of several segments', async () => {
    await put(h.engine, 'b', 'small.csv', 'a,b\n1,2\n');
    const small = dest();
    const r1 = await h.engine.objectFile({ bucket: 'b', key: 'small.csv', path: small });
    assert.equal(r1.linked, false);
    assert.equal(await readFile(small, 'utf8'), 'a,b\n1,2\n');

    const up = await h.engine.createMultipartUpload({ bucket: 'b', key: 'mp.bin', owner: OWNER, headers: { userMetadata: {} } });
    const p1 = pattern(300 * 1024, 1);
    const p2 = pattern(200 * 1024, 2);
    const e1 = await h.engine.uploadPart({ bucket: 'b', key: 'mp.bin', uploadId: up.uploadId, partNumber: 1, body: body(p1), claims: {} });
    const e2 = await h.engine.uploadPart({ bucket: 'b', key: 'mp.bin', uploadId: up.uploadId, partNumber: 2, body: body(p2), claims: {} });
    await h.engine.completeMultipartUpload({ bucket: 'b', key: 'mp.bin', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: e1.etag }, { partNumber: 2, etag: e2.etag }] });
    const mp = dest();
    const r2 = await h.engine.objectFile({ bucket: 'b', key: 'mp.bin', path: mp });
    assert.equal(r2.linked, false);
    assert.ok((await readFile(mp)).equals(Buffer.concat([p1, p2])));
  });

  it("answers GetObject's errors and leaves no file behind", async () => {
    const path = dest();
    await assert.rejects(h.engine.objectFile({ bucket: 'b', key: 'missing', path }), { code: 'NoSuchKey' });
    await assert.rejects(h.engine.objectFile({ bucket: 'nope', key: 'x', path }), { code: 'NoSuchBucket' });
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });
});
