import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EmbeddedStorageOptions } from './embedded/index.js';
import { body, openHarness, OWNER, pattern, put, type Harness } from './embedded/harness.js';
import type { StorageEngine } from './types.js';

const KiB = 1024;

/** A multipart object of the given parts; returns its bytes. */
async function putMultipart(engine: StorageEngine, bucket: string, key: string, parts: Buffer[]): Promise<{ data: Buffer; versionId: string | undefined }> {
  const up = await engine.createMultipartUpload({ bucket, key, owner: OWNER, headers: { userMetadata: {} } });
  const done = [];
  for (const [i, p] of parts.entries()) {
    const { etag } = await engine.uploadPart({ bucket, key, uploadId: up.uploadId, partNumber: i + 1, body: body(p), claims: {} });
    done.push({ partNumber: i + 1, etag });
  }
  const r = await engine.completeMultipartUpload({ bucket, key, uploadId: up.uploadId, parts: done });
  return { data: Buffer.concat(parts), versionId: r.versionId };
}

/** The object file cache's entries (files under <dataDir>/object-files). */
async function entries(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'object-files');
  if (!existsSync(root)) return [];
  const all = await readdir(root, { recursive: true, withFileTypes: true });
  return all.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** Waits for best-effort background work of the engine (blob discards), failing after 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('the condition never held');
}

async function withHarness(extra: Partial<EmbeddedStorageOptions>, fn: (h: Harness, dest: () => string) => Promise<void>): Promise<void> {
  const h = await openHarness({ limits: { minPartSize: 1024 }, ...extra });
  let n = 0;
  try {
    await h.engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
    await fn(h, () => join(h.dir, `out-${n++}`));
  } finally {
    await h.dispose();
  }
}

describe('engine: objectFile (an object as a file, for file readers)', () => {
  let h: Harness;
  let n = 0;
  const dest = () => join(h.dir, `out-${n++}`);
  before(async () => {
    h = await openHarness({ limits: { minPartSize: 1024 } });
    await h.engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  it('links a large object stored as one file blob: same bytes, no copy, nothing cached', async () => {
    const data = pattern(512 * KiB, 3);
    await put(h.engine, 'b', 'big.bin', data);
    const path = dest();
    const r = await h.engine.objectFile({ bucket: 'b', key: 'big.bin', path });
    assert.equal(r.made, 'linked');
    assert.equal(r.info.size, data.length);
    assert.ok((await readFile(path)).equals(data));
    assert.equal((await stat(path)).nlink, 2, 'a hard link to the blob file');
    assert.deepEqual(await entries(h.dir), []);
  });

  it('copies a small object kept inline, every time, without caching it', async () => {
    await put(h.engine, 'b', 'small.csv', 'a,b\n1,2\n');
    for (let i = 0; i < 2; i++) {
      const path = dest();
      const r = await h.engine.objectFile({ bucket: 'b', key: 'small.csv', path });
      assert.equal(r.made, 'copied');
      assert.equal(await readFile(path, 'utf8'), 'a,b\n1,2\n');
    }
    assert.deepEqual(await entries(h.dir), []);
  });

  it('assembles a multipart object once: the next call links the cached file', async () => {
    const { data } = await putMultipart(h.engine, 'b', 'mp.bin', [pattern(300 * KiB, 1), pattern(200 * KiB, 2)]);
    const first = dest();
    const r1 = await h.engine.objectFile({ bucket: 'b', key: 'mp.bin', path: first });
    assert.equal(r1.made, 'copied');
    assert.equal(r1.info.size, data.length);
    assert.ok((await readFile(first)).equals(data));
    const [entry, ...more] = await entries(h.dir);
    assert.ok(entry !== undefined && more.length === 0, 'one cache entry');
    assert.equal((await stat(entry)).ino, (await stat(first)).ino, "the caller's file is the entry");
    assert.equal((await stat(entry)).mode & 0o777, 0o444, 'read-only');

    const second = dest();
    const r2 = await h.engine.objectFile({ bucket: 'b', key: 'mp.bin', path: second });
    assert.equal(r2.made, 'cached');
    assert.ok((await readFile(second)).equals(data));
    const s = await stat(second);
    assert.equal(s.ino, (await stat(entry)).ino, 'a hard link to the cache entry');
    assert.equal(s.nlink, 3, 'entry, first and second file');
    assert.equal((await h.counts()).tmp, 0, 'no temp file left');
  });

  it('takes turns within a process: concurrent calls fill an entry once', async () => {
    const { data } = await putMultipart(h.engine, 'b', 'turns.bin', [pattern(300 * KiB, 4), pattern(10 * KiB, 5)]);
    const before = await entries(h.dir);
    const paths = [dest(), dest(), dest()];
    const made = await Promise.all(paths.map((path) => h.engine.objectFile({ bucket: 'b', key: 'turns.bin', path })));
    assert.deepEqual(made.map((r) => r.made), ['copied', 'cached', 'cached']);
    for (const p of paths) assert.ok((await readFile(p)).equals(data));
    assert.equal((await entries(h.dir)).length, before.length + 1);
  });

  it("answers GetObject's errors and leaves no file behind", async () => {
    const path = dest();
    await assert.rejects(h.engine.objectFile({ bucket: 'b', key: 'missing', path }), { code: 'NoSuchKey' });
    await assert.rejects(h.engine.objectFile({ bucket: 'nope', key: 'x', path }), { code: 'NoSuchBucket' });
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });
});

describe('engine: the object file cache', () => {
  it('serves the new bytes after an overwrite, never the old; the old entry goes', () =>
    withHarness({}, async (h, dest) => {
      const old = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'k', path: dest() })).made, 'copied');
      const [oldEntry] = await entries(h.dir);
      assert.ok(oldEntry !== undefined);

      const now = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 3), pattern(100 * KiB, 4)]);
      await eventually(async () => !existsSync(oldEntry));
      for (const made of ['copied', 'cached']) {
        const path = dest();
        const r = await h.engine.objectFile({ bucket: 'b', key: 'k', path });
        assert.equal(r.made, made);
        assert.ok((await readFile(path)).equals(now.data));
        assert.ok(!(await readFile(path)).equals(old.data));
      }
      assert.equal((await entries(h.dir)).length, 1);
    }));

  it('keeps one entry per version in a versioned bucket', () =>
    withHarness({}, async (h, dest) => {
      await h.engine.putBucketVersioning('b', 'Enabled');
      const v1 = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      const v2 = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 3), pattern(100 * KiB, 4)]);
      assert.ok(v1.versionId !== undefined);
      for (let i = 0; i < 2; i++) {
        const p1 = dest();
        const p2 = dest();
        await h.engine.objectFile({ bucket: 'b', key: 'k', versionId: v1.versionId, path: p1 });
        await h.engine.objectFile({ bucket: 'b', key: 'k', path: p2 });
        assert.ok((await readFile(p1)).equals(v1.data));
        assert.ok((await readFile(p2)).equals(v2.data));
      }
      assert.equal((await entries(h.dir)).length, 2);
    }));

  it('drops the entry of a deleted object; a reader holding a link keeps its bytes', () =>
    withHarness({}, async (h, dest) => {
      const { data } = await putMultipart(h.engine, 'b', 'gone', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      const held = dest();
      await h.engine.objectFile({ bucket: 'b', key: 'gone', path: held });
      assert.equal((await entries(h.dir)).length, 1);
      await h.engine.deleteObject({ bucket: 'b', key: 'gone', owner: OWNER });
      await eventually(async () => (await entries(h.dir)).length === 0);
      assert.ok((await readFile(held)).equals(data));
      await assert.rejects(h.engine.objectFile({ bucket: 'b', key: 'gone', path: dest() }), { code: 'NoSuchKey' });
    }));

  it('evicts the least recently used entries beyond the budget', () =>
    withHarness({ objectFileCache: { maxBytes: 1000 * KiB } }, async (h, dest) => {
      const objects = [];
      for (const key of ['one', 'two', 'three']) {
        objects.push(await putMultipart(h.engine, 'b', key, [pattern(300 * KiB, key.length), pattern(100 * KiB, 9)]));
      }
      const seen = new Map<string, string>();
      const fill = async (key: string) => {
        await h.engine.objectFile({ bucket: 'b', key, path: dest() });
        const list = await entries(h.dir);
        const newest = list.find((e) => !seen.has(e));
        if (newest !== undefined) seen.set(newest, key);
      };
      await fill('one');
      await fill('two');
      // Last uses well apart, whatever the filesystem's timestamp granularity.
      const times = [...seen.keys()];
      await utimes(times[0]!, new Date(Date.now() - 20_000), new Date(Date.now() - 20_000));
      await utimes(times[1]!, new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));
      // A hit on 'one' makes it the most recently used, so 'two' goes when 'three' is filled.
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'one', path: dest() })).made, 'cached');
      await fill('three');
      const left = await entries(h.dir);
      assert.equal(left.length, 2);
      assert.deepEqual(left.map((e) => seen.get(e)).sort(), ['one', 'three']);
      const path = dest();
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'two', path })).made, 'copied');
      assert.ok((await readFile(path)).equals(objects[1]!.data));
    }));

  it('detects a truncated entry and fills it again', () =>
    withHarness({}, async (h, dest) => {
      const { data } = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      await h.engine.objectFile({ bucket: 'b', key: 'k', path: dest() });
      const [entry] = await entries(h.dir);
      await truncate(entry!, 1000);
      const path = dest();
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'k', path })).made, 'copied');
      assert.ok((await readFile(path)).equals(data));
      assert.equal((await stat(entry!)).size, data.length);
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'k', path: dest() })).made, 'cached');
    }));

  it('sweeps entries unused for the idle time', () =>
    withHarness({}, async (h, dest) => {
      await putMultipart(h.engine, 'b', 'old', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      await putMultipart(h.engine, 'b', 'new', [pattern(300 * KiB, 3), pattern(100 * KiB, 4)]);
      await h.engine.objectFile({ bucket: 'b', key: 'old', path: dest() });
      const [oldEntry] = await entries(h.dir);
      await h.engine.objectFile({ bucket: 'b', key: 'new', path: dest() });
      const idle = new Date(Date.now() - 16 * 60 * 1000);
      await utimes(oldEntry!, idle, idle);
      assert.equal(await h.storage.objectFiles!.sweep(), 1);
      assert.ok(!existsSync(oldEntry!));
      assert.equal((await entries(h.dir)).length, 1);
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'new', path: dest() })).made, 'cached');
    }));

  it('is shared by engines on one data directory; concurrent fills all give the right bytes', () =>
    withHarness({}, async (h, dest) => {
      const peer = await h.openPeer();
      const { data } = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 1), pattern(200 * KiB, 2)]);
      const paths = [dest(), dest(), dest(), dest()];
      const made = await Promise.all(paths.map((path, i) => (i % 2 === 0 ? h.engine : peer.engine).objectFile({ bucket: 'b', key: 'k', path })));
      assert.ok(made.some((r) => r.made === 'copied'));
      for (const p of paths) assert.ok((await readFile(p)).equals(data));
      assert.equal((await entries(h.dir)).length, 1);
      assert.equal((await h.counts()).tmp, 0);
      assert.equal((await peer.engine.objectFile({ bucket: 'b', key: 'k', path: dest() })).made, 'cached');
      assert.equal((await h.engine.objectFile({ bucket: 'b', key: 'k', path: dest() })).made, 'cached');
    }));

  it("keeps this boot's entries when an engine opens, removes other boots'; 0 turns it off and empties it", () =>
    withHarness({}, async (h, dest) => {
      const { data } = await putMultipart(h.engine, 'b', 'k', [pattern(300 * KiB, 1), pattern(100 * KiB, 2)]);
      await h.engine.objectFile({ bucket: 'b', key: 'k', path: dest() });
      const stale = join(h.dir, 'object-files', 'aaaa', 'bbbb');
      await mkdir(stale, { recursive: true });
      await writeFile(join(stale, 'cccc'), 'bytes of an earlier boot');
      const peer = await h.openPeer();
      assert.ok(!existsSync(stale));
      assert.equal((await peer.engine.objectFile({ bucket: 'b', key: 'k', path: dest() })).made, 'cached');

      const off = await h.openPeer({ objectFileCache: { maxBytes: 0 } });
      assert.equal(off.objectFiles, undefined);
      assert.ok(!existsSync(join(h.dir, 'object-files')));
      for (let i = 0; i < 2; i++) {
        const path = dest();
        assert.equal((await off.engine.objectFile({ bucket: 'b', key: 'k', path })).made, 'copied');
        assert.ok((await readFile(path)).equals(data));
      }
      assert.ok(!existsSync(join(h.dir, 'object-files')));
    }));
});
