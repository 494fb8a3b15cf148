import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteBlobStore } from '../../blob/sqlite/index.js';
import { bytesOf, countFiles, countSmallBlobs, getText, openHarness, OWNER, pattern, put, type Harness } from './harness.js';
import { openEmbeddedStorage } from './open-embedded-storage.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function smallIds(path: string): Promise<Set<string>> {
  const store = await SqliteBlobStore.open({ path, fsync: false });
  try {
    const out = new Set<string>();
    for await (const id of store.list()) out.add(id);
    return out;
  } finally {
    await store.close();
  }
}

/** A committed small blob that no metadata references (as a crash between blob and metadata commits leaves). */
async function orphanSmallBlob(path: string): Promise<string> {
  const store = await SqliteBlobStore.open({ path, fsync: false });
  try {
    const w = await store.createWriter();
    await w.write(Buffer.from('orphan'));
    return await w.commit();
  } finally {
    await store.close();
  }
}

describe('embedded storage: small blobs as SQLite rows, large ones as files', () => {
  let h: Harness;
  let db: string;
  before(async () => {
    h = await openHarness({ gcGraceMs: 200 });
    db = join(h.dir, 'blobs-small.db');
    await h.engine.createBucket({ name: 'b', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  it('stores objects up to 128 KiB in blobs-small.db and larger ones under blobs/', async () => {
    const files = await countFiles(join(h.dir, 'blobs'));
    const rows = await countSmallBlobs(db);
    await put(h.engine, 'b', 'tiny', 'hello');
    await put(h.engine, 'b', 'at-threshold', pattern(128 * 1024, 1));
    await put(h.engine, 'b', 'over', pattern(128 * 1024 + 1, 2));
    assert.equal(await countSmallBlobs(db), rows + 2);
    assert.equal(await countFiles(join(h.dir, 'blobs')), files + 1);
    assert.equal(await getText(h.engine, 'b', 'tiny'), 'hello');
    assert.deepEqual(await bytesOf((await h.engine.getObject({ bucket: 'b', key: 'at-threshold' })).body), pattern(128 * 1024, 1));
    const ranged = await h.engine.getObject({ bucket: 'b', key: 'at-threshold', range: { start: 10, end: 19 } });
    assert.deepEqual(await bytesOf(ranged.body), pattern(128 * 1024, 1).subarray(10, 20));
    assert.deepEqual(await bytesOf((await h.engine.getObject({ bucket: 'b', key: 'over' })).body), pattern(128 * 1024 + 1, 2));
  });

  it('GC collects an unreferenced small blob older than the cutoff and keeps referenced and recent ones', async () => {
    await put(h.engine, 'b', 'referenced', 'still here');
    const old = await orphanSmallBlob(db);
    await sleep(250);
    const recent = await orphanSmallBlob(db);
    const gc = await h.storage.collectGarbage();
    assert.equal(gc.orphanBlobsRemoved, 1);
    const left = await smallIds(db);
    assert.ok(!left.has(old), 'the old orphan went');
    assert.ok(left.has(recent), 'an orphan younger than the grace period stays (it may be an in-flight write)');
    assert.equal(await getText(h.engine, 'b', 'referenced'), 'still here');
    assert.equal(await getText(h.engine, 'b', 'tiny'), 'hello');

    // Restarting alone, the sweep uses the tight startup cutoff: the recent orphan goes too.
    await h.storage.engine.close();
    await sleep(100);
    h.storage = await openEmbeddedStorage({ dataDir: h.dir, fsync: false, gcGraceMs: 200 });
    h.engine = h.storage.engine;
    assert.equal(h.storage.startup.orphanBlobsRemoved, 1);
    assert.ok(!(await smallIds(db)).has(recent));
    assert.equal(await getText(h.engine, 'b', 'referenced'), 'still here');
  });

  it('overwrites and deletes free the old small blob at once', async () => {
    await put(h.engine, 'b', 'churn', 'v1');
    const rows = await countSmallBlobs(db);
    await put(h.engine, 'b', 'churn', 'v2');
    await sleep(20);
    assert.equal(await countSmallBlobs(db), rows);
    await h.engine.deleteObject({ bucket: 'b', key: 'churn', owner: OWNER });
    await sleep(20);
    assert.equal(await countSmallBlobs(db), rows - 1);
  });

  it('engine.close() closes blobs-small.db and its WAL descriptor', async () => {
    const other = await openEmbeddedStorage({ dataDir: h.dir, fsync: true });
    const before = await openPaths();
    assert.ok(before.filter((p) => p.endsWith('blobs-small.db-wal')).length >= 2, 'fsync store holds the WAL open');
    await other.engine.close();
    await h.storage.engine.close();
    assert.equal((await openPaths()).filter((p) => p.includes('blobs-small.db')).length, 0);
    // The last connection to close checkpoints the WAL into the database and removes it.
    assert.equal(existsSync(`${db}-wal`), false);
    h.storage = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
    h.engine = h.storage.engine;
    assert.equal(await getText(h.engine, 'b', 'tiny'), 'hello');
  });
});

/** Paths this process holds open (Linux /proc). */
async function openPaths(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  return Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
}
