import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { describeBlobStore } from '../blob-store.contract.js';
import { FsBlobStore } from '../fs/index.js';
import { isSqliteBlobId, SqliteBlobStore } from '../sqlite/index.js';
import { TieredBlobStore } from './tiered-blob-store.js';

const SMALL_ID = /^s[0-9a-f]{31}$/;
const LARGE_ID = /^[0-9a-f]{32}$/;

async function countFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

async function openTiered(root: string, threshold: number, fsync = false) {
  const small = await SqliteBlobStore.open({ path: join(root, 'blobs-small.db'), fsync });
  const large = new FsBlobStore({ root, fsync, instanceId: 'instance-a' });
  return { small, large, store: new TieredBlobStore({ small, large, isSmallId: isSqliteBlobId, threshold }) };
}

async function readAll(r: Readable | undefined): Promise<Buffer> {
  assert.ok(r, 'blob exists');
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// A threshold far below the contract's blob sizes: its tiny blobs go to SQLite, its MiB ones to files.
for (const fsync of [true, false]) {
  describeBlobStore(`tiered sqlite+fs (fsync ${fsync}, threshold 1 KiB)`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-tiered-blob-'));
    const { store } = await openTiered(root, 1024, fsync);
    return {
      store,
      liveInstances: new Set(['instance-a']),
      countTempFiles: () => countFiles(join(root, 'tmp')),
      idPattern: /^(s[0-9a-f]{31}|[0-9a-f]{32})$/,
      dispose: async () => {
        await store.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  });
}

describe('TieredBlobStore', () => {
  const T = 1000;
  let root: string;
  let t: Awaited<ReturnType<typeof openTiered>>;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sovra-tiered-blob-'));
    t = await openTiered(root, T);
  });
  after(async () => {
    await t.store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps blobs up to the threshold in the small store and moves the rest mid-stream, whatever the chunking', async () => {
    for (const size of [0, 1, T - 1, T, T + 1, T + 2, 2 * T + 3, 5 * T + 17]) {
      for (const chunk of [1, 7, 333, 999, 4096]) {
        const data = randomBytes(size);
        const w = await t.store.createWriter();
        for (let i = 0; i < size; i += chunk) {
          await w.write(data.subarray(i, i + chunk));
          assert.equal(w.size, Math.min(i + chunk, size));
        }
        const id = await w.commit();
        const where = `size ${size} in chunks of ${chunk}`;
        assert.match(id, size <= T ? SMALL_ID : LARGE_ID, where);
        assert.equal((await (size <= T ? t.small : t.large).stat(id))?.size, size, where);
        assert.deepEqual(await readAll(await t.store.open(id)), data, where);
        const start = Math.floor(size / 3);
        assert.deepEqual(await readAll(await t.store.open(id, { start, end: size - 2 })), data.subarray(start, size - 1), where);
      }
    }
  });

  it('a write that crosses the threshold hands the held bytes to a large-store writer in order', async () => {
    const w = await t.store.createWriter();
    const parts = [randomBytes(401), randomBytes(401), randomBytes(197), randomBytes(2), randomBytes(1234)];
    for (const p of parts.slice(0, 3)) await w.write(p);
    assert.equal(await countFiles(join(root, 'tmp')), 0, 'nothing on disk while under the threshold');
    await w.write(parts[3] as Buffer);
    await w.write(parts[4] as Buffer);
    const id = await w.commit();
    assert.match(id, LARGE_ID);
    assert.deepEqual(await readAll(await t.store.open(id)), Buffer.concat(parts));
  });

  it('abort discards held bytes or the large writer’s temp file; both are no-ops after commit', async () => {
    const small = await t.store.createWriter();
    await small.write(randomBytes(T));
    await small.abort();
    await assert.rejects(small.write(Buffer.from('x')));
    const big = await t.store.createWriter();
    await big.write(randomBytes(T + 1));
    await big.write(randomBytes(300 * 1024));
    await big.abort();
    await big.abort();
    assert.equal(await countFiles(join(root, 'tmp')), 0);
    const done = await t.store.createWriter();
    await done.write(Buffer.from('kept'));
    const id = await done.commit();
    await done.abort();
    assert.equal((await readAll(await t.store.open(id))).toString(), 'kept');
  });

  it('routes stat, delete and list by id form across both stores', async () => {
    const w1 = await t.store.createWriter();
    await w1.write(Buffer.from('small'));
    const s = await w1.commit();
    const w2 = await t.store.createWriter();
    await w2.write(randomBytes(T * 3));
    const l = await w2.commit();
    const listed = new Set<string>();
    for await (const id of t.store.list()) listed.add(id);
    assert.ok(listed.has(s) && listed.has(l));
    assert.equal((await t.store.stat(s))?.size, 5);
    assert.equal((await t.store.stat(l))?.size, T * 3);
    await t.store.delete(s);
    await t.store.delete(l);
    assert.equal(await t.store.stat(s), undefined);
    assert.equal(await t.store.open(l), undefined);
    await assert.rejects(t.store.open('S' + s.slice(1)), 'neither form: the large store rejects it');
  });

  it('refuses a small store whose ids look like the large store’s', async () => {
    const confused = new TieredBlobStore({ small: t.large, large: t.small, isSmallId: isSqliteBlobId, threshold: T });
    const w = await confused.createWriter();
    await w.write(Buffer.from('misrouted'));
    await assert.rejects(w.commit(), /does not name the store/);
  });
});
