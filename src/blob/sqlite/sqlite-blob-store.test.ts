import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { describeBlobStore } from '../blob-store.contract.js';
import type { BlobStore } from '../blob-store.js';
import { SqliteBlobStore } from './sqlite-blob-store.js';

const DB_FILES = /^blobs-small\.db(-wal|-shm)?$/;
const STORE_MODULE = new URL('./index.js', import.meta.url).href;

for (const fsync of [true, false]) {
  describeBlobStore(`sqlite (fsync ${fsync})`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-sqlite-blob-'));
    const store = await SqliteBlobStore.open({ path: join(root, 'blobs-small.db'), fsync });
    return {
      store,
      liveInstances: new Set<string>(),
      // Nothing but the database may ever be on disk: unfinished writes live in memory.
      countTempFiles: async () => (await readdir(root)).filter((f) => !DB_FILES.test(f)).length,
      idPattern: /^s[0-9a-f]{31}$/,
      tempOnDisk: false,
      dispose: async () => {
        await store.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  });
}

async function put(store: BlobStore, data: string): Promise<string> {
  const w = await store.createWriter();
  await w.write(Buffer.from(data));
  return w.commit();
}

async function text(store: BlobStore, id: string): Promise<string | undefined> {
  const r: Readable | undefined = await store.open(id);
  if (r === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

async function ids(store: BlobStore): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const id of store.list()) out.add(id);
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

/** Paths this process holds open (Linux /proc). */
async function openPaths(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  return Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
}

describe('SqliteBlobStore', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sovra-sqlite-blob-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('fsync: a commit resolves only after an fdatasync of the WAL that started after its COMMIT; concurrent commits share one', async () => {
    const syncs: { file: FileHandle; release: () => void }[] = [];
    const store = await SqliteBlobStore.open({
      path: join(root, 'group.db'),
      datasync: (file) =>
        new Promise<void>((resolve) => {
          syncs.push({ file, release: () => void file.datasync().then(resolve) });
        }),
    });
    try {
      const first = put(store, 'first');
      while (syncs.length === 0) await tick();
      // Committed while the first sync is in flight: that sync may have missed these bytes.
      let laterDone = false;
      const later = Promise.all(Array.from({ length: 20 }, (_, i) => put(store, `later ${i}`))).then((r) => {
        laterDone = true;
        return r;
      });
      await tick();
      assert.equal(syncs.length, 1, 'no second sync while the first runs');
      syncs[0]?.release();
      const firstId = await first;
      await tick();
      assert.equal(laterDone, false, 'later commits wait for a sync that started after them');
      assert.equal(syncs.length, 2, 'one sync covers all 20 later commits');
      syncs[1]?.release();
      const laterIds = await later;
      assert.equal(syncs.length, 2);
      assert.equal(await text(store, firstId), 'first');
      assert.equal(await text(store, laterIds[7] as string), 'later 7');
      // The descriptor synced is the database's WAL.
      const walPath = (await openPaths()).find((p) => p.endsWith('group.db-wal'));
      assert.ok(walPath, 'the WAL is held open');
      assert.equal((await syncs[0]?.file.stat())?.ino, (await stat(walPath)).ino);
    } finally {
      await store.close();
    }
  });

  it('fsync: false commits without syncing; deletes never wait for a sync', async () => {
    let syncs = 0;
    const counting = async (f: FileHandle) => {
      syncs++;
      await f.datasync();
    };
    const plain = await SqliteBlobStore.open({ path: join(root, 'nosync.db'), fsync: false, datasync: counting });
    const id = await put(plain, 'x');
    await plain.delete(id);
    assert.equal(syncs, 0);
    await plain.close();
    const durable = await SqliteBlobStore.open({ path: join(root, 'nosync.db'), datasync: counting });
    const id2 = await put(durable, 'y');
    assert.equal(syncs, 1);
    await durable.delete(id2);
    assert.equal(syncs, 1);
    await durable.close();
  });

  it('a failed WAL sync fails the commit', async () => {
    const store = await SqliteBlobStore.open({
      path: join(root, 'eio.db'),
      datasync: async () => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    });
    try {
      await assert.rejects(put(store, 'lost?'), { code: 'Internal' });
    } finally {
      await store.close();
    }
  });

  it('two stores on one file see each other’s commits and deletes', async () => {
    const path = join(root, 'shared.db');
    const a = await SqliteBlobStore.open({ path });
    const b = await SqliteBlobStore.open({ path });
    try {
      const fromA = await Promise.all(Array.from({ length: 30 }, (_, i) => put(a, `a${i}`)));
      const fromB = await Promise.all(Array.from({ length: 30 }, (_, i) => put(b, `b${i}`)));
      assert.equal(await text(b, fromA[3] as string), 'a3');
      assert.equal(await text(a, fromB[4] as string), 'b4');
      assert.equal((await ids(a)).size, 60);
      await b.delete(fromA[0] as string);
      assert.equal(await a.stat(fromA[0] as string), undefined);
      assert.equal((await ids(a)).size, 59);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two processes write one file concurrently (lock waits are retried, nothing is lost)', async () => {
    const path = join(root, 'procs.db');
    const mine = await SqliteBlobStore.open({ path });
    const code = `
      const { SqliteBlobStore } = await import(${JSON.stringify(STORE_MODULE)});
      const s = await SqliteBlobStore.open({ path: ${JSON.stringify(path)} });
      const ids = [];
      for (let round = 0; round < 20; round++) {
        ids.push(...await Promise.all(Array.from({ length: 20 }, async (_, i) => {
          const w = await s.createWriter();
          await w.write(Buffer.from('child ' + (round * 20 + i)));
          return w.commit();
        })));
      }
      await s.close();
      process.stdout.write(JSON.stringify(ids));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const parentIds: string[] = [];
      for (let round = 0; round < 20; round++) {
        parentIds.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => put(mine, `parent ${round * 20 + i}`)))));
      }
      assert.equal(await exited, 0);
      const childIds = JSON.parse(out) as string[];
      assert.equal(childIds.length, 400);
      const all = await ids(mine);
      assert.equal(all.size, 800);
      assert.equal(await text(mine, childIds[123] as string), 'child 123');
      assert.equal(await text(mine, parentIds[321] as string), 'parent 321');
    } finally {
      await mine.close();
    }
  });

  it('checkpoints on a worker thread as bytes accumulate: pages reach the database file while the store is open', async () => {
    const path = join(root, 'checkpoint.db');
    const store = await SqliteBlobStore.open({ path, checkpointBytes: 256 * 1024 });
    try {
      const blob = Buffer.alloc(64 * 1024, 9);
      const written = await Promise.all(Array.from({ length: 40 }, () => put(store, blob.toString())));
      const deadline = Date.now() + 10_000;
      while ((await stat(path)).size < 2 * 1024 * 1024 && Date.now() < deadline) await tick();
      assert.ok((await stat(path)).size >= 2 * 1024 * 1024, 'the WAL was checkpointed into the database file');
      assert.equal(await text(store, written[39] as string), blob.toString());
    } finally {
      await store.close();
    }
  });

  it('close lets pending commits finish, then releases the database and the WAL descriptor', async () => {
    const path = join(root, 'close.db');
    const store = await SqliteBlobStore.open({ path });
    assert.ok((await openPaths()).some((p) => p.endsWith('close.db-wal')));
    const w = await store.createWriter();
    await w.write(Buffer.from('in flight'));
    const committed = w.commit();
    await store.close();
    const id = await committed;
    assert.equal((await openPaths()).filter((p) => p.includes('close.db')).length, 0, 'no descriptor left on close.db*');
    await assert.rejects(store.stat(id), { code: 'Unavailable' });
    await assert.rejects(store.createWriter(), { code: 'Unavailable' });
    const reopened = await SqliteBlobStore.open({ path });
    assert.equal(await text(reopened, id), 'in flight');
    await reopened.close();
  });
});
