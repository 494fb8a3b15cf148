import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { bytesOf, countFiles, getText, openHarness, OWNER, pattern, put, type Harness } from './embedded/harness.js';
import { SqliteMetaStore } from '../meta/sqlite/index.js';
import { openEmbeddedStorage } from './embedded/index.js';

const EMBEDDED = new URL('./embedded/index.js', import.meta.url).href;

/** Writes a committed-looking blob file that no metadata references. */
async function orphanBlob(dir: string, ageMs: number): Promise<string> {
  const id = randomBytes(16).toString('hex');
  const sub = join(dir, 'blobs', id.slice(0, 2), id.slice(2, 4));
  await mkdir(sub, { recursive: true });
  await writeFile(join(sub, id), 'orphan');
  const t = new Date(Date.now() - ageMs);
  await utimes(join(sub, id), t, t);
  return join(sub, id);
}

const exists = async (path: string) => existsSync(path);

/** Runs a child process that starts writes against dataDir and stalls; resolves once they are under way. */
function crashingWriter(dataDir: string) {
  const code = `
    import { PassThrough } from 'node:stream';
    const { openEmbeddedStorage } = await import(${JSON.stringify(EMBEDDED)});
    const s = await openEmbeddedStorage({ dataDir: ${JSON.stringify(dataDir)}, fsync: true });
    const stalled = new PassThrough();
    stalled.write(Buffer.alloc(3 * 1024 * 1024, 7));
    s.engine.putObject({ bucket: 'b', key: 'half-written', owner: 'o', body: stalled, claims: { contentLength: 10 * 1024 * 1024 }, headers: { userMetadata: {} } }).catch(() => {});
    const up = await s.engine.createMultipartUpload({ bucket: 'b', key: 'mp', owner: 'o', headers: { userMetadata: {} } });
    const part = new PassThrough();
    part.write(Buffer.alloc(1024 * 1024, 1));
    s.engine.uploadPart({ bucket: 'b', key: 'mp', uploadId: up.uploadId, partNumber: 1, body: part, claims: {} }).catch(() => {});
    setTimeout(() => process.stdout.write('ready\\n'), 300);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (c) => reject(new Error(`child exited early: ${c}`)));
  });
  return { child, ready };
}

describe('engine: crash safety and startup recovery', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    await h.engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
    await put(h.engine, 'b', 'keep', 'precious');
  });
  after(() => h.dispose());

  it('kill -9 mid-write leaves no object; restart removes temp files and orphan blobs only', async () => {
    await h.storage.engine.close();
    const { child, ready } = crashingWriter(h.dir);
    await ready;
    assert.ok((await countFiles(join(h.dir, 'tmp'))) >= 1, 'the child has in-flight temp files');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const oldOrphan = await orphanBlob(h.dir, 10_000);
    const blobsBefore = await countFiles(join(h.dir, 'blobs'));
    const reopened = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    try {
      assert.equal(reopened.startup.exclusive, true);
      assert.ok(reopened.startup.tempFilesRemoved >= 1);
      assert.equal(reopened.startup.orphanBlobsRemoved, 1);
      assert.equal(await exists(oldOrphan), false);
      assert.equal(await countFiles(join(h.dir, 'tmp')), 0);
      assert.equal(await countFiles(join(h.dir, 'blobs')), blobsBefore - 1);
      assert.equal(await getText(reopened.engine, 'b', 'keep'), 'precious');
      await assert.rejects(reopened.engine.headObject({ bucket: 'b', key: 'half-written' }), { code: 'NoSuchKey' });
      // The crashed process's upload survives as an upload record (no parts): clients may abort it.
      const ups = await reopened.engine.listMultipartUploads({ bucket: 'b', maxUploads: 10 });
      assert.equal(ups.uploads.length, 1);
      const parts = await reopened.engine.listParts({ bucket: 'b', key: 'mp', uploadId: ups.uploads[0]?.uploadId as string, maxParts: 10 });
      assert.deepEqual(parts.parts, []);
    } finally {
      await reopened.engine.close();
    }
  });

  it('a second live instance keeps the first one’s in-flight writes and the blobs written since it registered', async () => {
    const a = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    const stalled = new PassThrough();
    stalled.write(pattern(600 * 1024));
    const pending = a.engine.putObject({ bucket: 'b', key: 'slow', owner: OWNER, body: stalled, claims: {}, headers: { userMetadata: {} } });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await countFiles(join(h.dir, 'tmp')), 1);
    // Written after a registered: possibly a's write between its bytes and its commit.
    const recent = await orphanBlob(h.dir, 0);
    // Older than a's registration: no live instance can still be writing it (a crashed one's).
    const beforeA = await orphanBlob(h.dir, 5_000);
    const ancient = await orphanBlob(h.dir, 2 * 60 * 60 * 1000);
    const b = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    try {
      assert.equal(b.startup.exclusive, false);
      assert.equal(b.startup.tempFilesRemoved, 0);
      assert.equal(b.startup.orphanBlobsRemoved, 2);
      assert.equal(await exists(recent), true);
      assert.equal(await exists(beforeA), false);
      assert.equal(await exists(ancient), false);
      stalled.end(pattern(10));
      await pending;
      assert.equal((await b.engine.headObject({ bucket: 'b', key: 'slow' })).info.size, 600 * 1024 + 10);
      const gc = await b.collectGarbage();
      assert.equal(gc.orphanBlobsRemoved, 0, 'periodic GC keeps recent unreferenced blobs');
    } finally {
      await b.engine.close();
      await a.engine.close();
    }
    // A restart takes longer than the startup margin (Node alone boots in >100 ms).
    await new Promise((r) => setTimeout(r, 120));
    const c = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    assert.equal(c.startup.exclusive, true);
    assert.equal(await exists(recent), false, 'collected once no other instance lives');
    assert.equal((await bytesOf((await c.engine.getObject({ bucket: 'b', key: 'slow' })).body)).length, 600 * 1024 + 10);
    await c.engine.close();
    h.storage = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    h.engine = h.storage.engine;
  });

  it('workers starting together after a crash both see each other live and still collect what the crash left', async () => {
    await h.storage.engine.close();
    const left = await orphanBlob(h.dir, 300);
    // A peer worker registers first (as cluster workers do, starting together)...
    const peerMeta = new SqliteMetaStore({ database: join(h.dir, 'meta.db') });
    const peer = await peerMeta.instances.register();
    try {
      const later = await orphanBlob(h.dir, 0);
      const b = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
      try {
        assert.equal(b.startup.exclusive, false);
        assert.equal(await exists(left), false, 'older than every live registration: the crashed process left it');
        assert.equal(await exists(later), true, 'written after the peer registered: may be its in-flight write');
      } finally {
        await b.engine.close();
      }
    } finally {
      await peer.release();
      await peerMeta.close();
    }
    h.storage = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    h.engine = h.storage.engine;
  });
});
