/**
 * The BlobStore contract suite: every implementation runs it unchanged
 * (describeBlobStore('fs', makeStore) in fs/fs-blob-store.test.ts, likewise sqlite/ and
 * tiered/).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from './blob-store.js';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Ids of instances whose temp areas must survive cleanTemp (the store's own). */
  liveInstances: ReadonlySet<string>;
  /** How many temp files exist right now (to check that aborts leave nothing). */
  countTempFiles(): Promise<number>;
  /** The form of the store's ids (they name blobs only, never paths). Default 32 lowercase hex. */
  idPattern?: RegExp;
  /**
   * False for stores whose unfinished writes live only in memory: cleanTemp then has
   * nothing to remove and in-flight writes commit regardless. Default true.
   */
  tempOnDisk?: boolean;
  dispose(): Promise<void>;
}

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function put(store: BlobStore, data: Buffer, chunk = 7919): Promise<string> {
  const w = await store.createWriter();
  for (let i = 0; i < data.length; i += chunk) await w.write(data.subarray(i, i + chunk));
  assert.equal(w.size, data.length);
  return w.commit();
}

async function collect(it: AsyncIterable<string>): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const id of it) out.add(id);
  return out;
}

export function describeBlobStore(name: string, makeStore: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fx: BlobStoreFixture;
    before(async () => {
      fx = await makeStore();
    });
    after(async () => {
      await fx.dispose();
    });

    it('commits streamed bytes under a fresh id and reads them back whole and by range', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const id = await put(fx.store, data);
      assert.match(id, fx.idPattern ?? /^[0-9a-f]{32}$/);
      assert.deepEqual(await readAll((await fx.store.open(id)) as Readable), data);
      const mid = await fx.store.open(id, { start: 1000, end: 2_000_000 });
      assert.deepEqual(await readAll(mid as Readable), data.subarray(1000, 2_000_001));
      const tail = await fx.store.open(id, { start: data.length - 1 });
      assert.deepEqual(await readAll(tail as Readable), data.subarray(data.length - 1));
      assert.equal((await fx.store.stat(id))?.size, data.length);
    });

    it('stores empty blobs', async () => {
      const w = await fx.store.createWriter();
      const id = await w.commit();
      assert.equal((await readAll((await fx.store.open(id)) as Readable)).length, 0);
      assert.equal((await fx.store.stat(id))?.size, 0);
    });

    it('gives every commit a distinct id', async () => {
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => put(fx.store, Buffer.from(`blob ${i}`))));
      assert.equal(new Set(ids).size, 50);
      for (const [i, id] of ids.entries()) {
        assert.equal((await readAll((await fx.store.open(id)) as Readable)).toString(), `blob ${i}`);
      }
    });

    it('abort leaves nothing behind, before or after bytes reached the disk', async () => {
      const before = await fx.countTempFiles();
      const small = await fx.store.createWriter();
      await small.write(Buffer.from('tiny'));
      await small.abort();
      const big = await fx.store.createWriter();
      await big.write(randomBytes(2 * 1024 * 1024));
      await big.abort();
      await big.abort();
      assert.equal(await fx.countTempFiles(), before);
      await assert.rejects(big.write(Buffer.from('x')));
    });

    it('open/stat of a missing blob is undefined; delete is idempotent', async () => {
      const id = await put(fx.store, Buffer.from('gone soon'));
      await fx.store.delete(id);
      await fx.store.delete(id);
      assert.equal(await fx.store.open(id), undefined);
      assert.equal(await fx.store.stat(id), undefined);
      // A well-formed id (the store's own form) that was never issued.
      const never = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
      assert.equal(await fx.store.open(never), undefined);
      assert.equal(await fx.store.stat(never), undefined);
    });

    it('rejects ids that are not blob ids (no path traversal)', async () => {
      await assert.rejects(fx.store.open('../../etc/passwd'));
      await assert.rejects(fx.store.delete('ab/../../x'));
    });

    it('lists committed blobs only', async () => {
      const a = await put(fx.store, Buffer.from('a'));
      const b = await put(fx.store, Buffer.from('b'));
      const w = await fx.store.createWriter();
      await w.write(randomBytes(300 * 1024));
      const ids = await collect(fx.store.list());
      assert.ok(ids.has(a) && ids.has(b));
      await fx.store.delete(a);
      assert.ok(!(await collect(fx.store.list())).has(a));
      await w.abort();
    });

    it('a read stream stops when its signal aborts', async () => {
      const id = await put(fx.store, randomBytes(4 * 1024 * 1024));
      const ac = new AbortController();
      const r = (await fx.store.open(id, { signal: ac.signal })) as Readable;
      let n = 0;
      await assert.rejects(
        (async () => {
          for await (const c of r) {
            n += (c as Buffer).length;
            ac.abort();
          }
        })(),
        { name: 'AbortError' },
      );
      assert.ok(n < 4 * 1024 * 1024);
    });

    it('cleanTemp keeps live in-flight writes and removes old or orphaned ones', async () => {
      const w = await fx.store.createWriter();
      await w.write(randomBytes(512 * 1024));
      const removedNone = await fx.store.cleanTemp({ live: fx.liveInstances, olderThan: new Date(Date.now() - 60_000) });
      assert.equal(removedNone, 0);
      const id = await w.commit();
      assert.equal((await fx.store.stat(id))?.size, 512 * 1024);

      const w2 = await fx.store.createWriter();
      await w2.write(randomBytes(512 * 1024));
      if (fx.tempOnDisk === false) {
        assert.equal(await fx.store.cleanTemp({ live: new Set(), olderThan: new Date(Date.now() + 60_000) }), 0);
        assert.equal((await fx.store.stat(await w2.commit()))?.size, 512 * 1024);
        return;
      }
      const removed = await fx.store.cleanTemp({ live: new Set(), olderThan: new Date(0) });
      assert.ok(removed >= 1);
      assert.equal(await fx.countTempFiles(), 0);
      await assert.rejects(w2.commit());
      await w2.abort();
    });
  });
}
