import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { describeMetaStore } from '../meta-store.contract.js';
import { migrate, MIGRATIONS } from './migrations.js';
import { SqliteMetaStore } from './sqlite-meta-store.js';

describeMetaStore('sqlite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
  const path = join(dir, 'meta.db');
  const store = new SqliteMetaStore({ database: path });
  return {
    store,
    openPeer: async () => new SqliteMetaStore({ database: path }),
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeMetaStore('sqlite in-memory handle', async () => {
  const db = new Database(':memory:');
  const store = new SqliteMetaStore({ database: db });
  return {
    store,
    dispose: async () => {
      await store.close();
      db.close();
    },
  };
});

describe('sqlite specifics', () => {
  it('records the schema version and reopens an existing database without re-migrating', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    const a = new SqliteMetaStore({ database: path });
    await a.close();
    const b = new SqliteMetaStore({ database: path });
    await b.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[];
    assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('migration 4 hands what the storage core\'s root account owned to the operator\'s account', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 3));
    old.exec(`
      INSERT INTO buckets (name, owner, region, created_at) VALUES ('mine', 'root', 'eu-1', 0), ('theirs', 'alice', 'eu-1', 0);
      INSERT INTO object_versions (bucket, object_key, version_id, is_latest, delete_marker, size, etag, last_modified, owner, headers)
      VALUES ('mine', 'k', 'v1', 1, 0, 1, '', 0, 'root', '{}');
      INSERT INTO uploads (upload_id, bucket, object_key, owner, initiated, headers) VALUES ('u1', 'mine', 'm', 'root', 0, '{}');
    `);
    old.close();
    const store = new SqliteMetaStore({ database: path });
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT name, owner FROM buckets ORDER BY name').all(), [{ name: 'mine', owner: '000000000000' }, { name: 'theirs', owner: 'alice' }]);
      assert.deepEqual(db.prepare('SELECT owner FROM object_versions').all(), [{ owner: '000000000000' }]);
      assert.deepEqual(db.prepare('SELECT owner FROM uploads').all(), [{ owner: '000000000000' }]);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('migration 3 adds the access columns and counts the usage of an existing database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    // A database as the previous release left it: schema version 2 with objects, markers and parts.
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version <= 2));
    old.exec(`
      INSERT INTO buckets (name, owner, region, created_at) VALUES ('b1', 'alice', 'eu-1', 0), ('b2', 'alice', 'eu-1', 0), ('b3', 'bob', 'eu-1', 0);
      INSERT INTO object_versions (bucket, object_key, version_id, is_latest, delete_marker, size, etag, last_modified, owner, headers)
      VALUES ('b1', 'k', 'v1', 0, 0, 100, '', 0, 'alice', '{}'), ('b1', 'k', 'v2', 0, 0, 30, '', 0, 'alice', '{}'),
             ('b1', 'k', 'dm', 1, 1, 0, '', 0, 'alice', '{}'), ('b2', 'x', 'null', 1, 0, 7, '', 0, 'alice', '{}');
      INSERT INTO uploads (upload_id, bucket, object_key, owner, initiated, headers) VALUES ('u1', 'b1', 'm', 'alice', 0, '{}'), ('u3', 'b3', 'm', 'bob', 0, '{}');
      INSERT INTO upload_parts (upload_id, part_number, blob_id, size, etag, last_modified) VALUES ('u1', 1, 'p1', 11, '', 0), ('u1', 2, 'p2', 12, '', 0), ('u3', 1, 'p3', 5, '', 0);
    `);
    old.close();
    const store = new SqliteMetaStore({ database: path });
    try {
      assert.deepEqual(await store.read((tx) => tx.usage.get('b1')), { bytes: 153, objects: 2 });
      assert.deepEqual(await store.read((tx) => tx.usage.get('b2')), { bytes: 7, objects: 1 });
      assert.deepEqual(await store.read((tx) => tx.usage.get('b3')), { bytes: 5, objects: 0 });
      for (const b of ['b1', 'b2', 'b3']) assert.deepEqual(await store.read((tx) => tx.usage.get(b)), await store.read((tx) => tx.usage.recount(b)));
      assert.deepEqual(await store.read((tx) => tx.usage.byOwner('alice')), { bytes: 160, objects: 3, buckets: 2 });
      const b1 = await store.read((tx) => tx.buckets.get('b1'));
      assert.equal(b1?.acl, undefined);
      assert.equal(b1?.policy, undefined);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('listing uses the partial live index and seeks instead of scanning', () => {
    const db = new Database(':memory:');
    const store = new SqliteMetaStore({ database: db });
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM object_versions
         WHERE bucket = ? AND object_key >= ? AND is_latest = 1 AND delete_marker = 0 ORDER BY object_key`,
      )
      .all('b', 'k') as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING (COVERING )?INDEX object_versions_live \(bucket=\? AND object_key>\?\)/);
    void store.close();
    db.close();
  });

  it('a busy write lock held by another connection turns into Unavailable after the timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    const store = new SqliteMetaStore({ database: path, busyTimeoutMs: 100 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await assert.rejects(store.write(async () => 1), { code: 'Unavailable' });
    assert.ok(Date.now() - started >= 90);
    other.exec('ROLLBACK');
    assert.equal(await store.write(async () => 2), 2);
    other.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes waiting together share one commit; one that fails is rolled back alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    const store = new SqliteMetaStore({ database: path });
    const spy = new Database(path);
    const version = () => spy.pragma('data_version', { simple: true }) as number;
    const before = version();
    const bucket = (name: string) => ({ name, owner: 'o', region: 'eu-1', createdAt: new Date(0) });
    // Queued in one turn of the event loop: they run as one batch.
    const results = await Promise.allSettled([
      store.write(async (tx) => tx.buckets.insert(bucket('a'))),
      store.write(async (tx) => {
        await tx.buckets.insert(bucket('b'));
        throw new Error('refused after writing');
      }),
      store.write(async (tx) => tx.buckets.insert(bucket('c'))),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(version() - before, 1, 'one commit for the batch');
    const names = await store.read(async (tx) => (await tx.buckets.list()).map((b) => b.name));
    assert.deepEqual(names, ['a', 'c']);
    // A failing first write takes only itself with it.
    const again = await Promise.allSettled([
      store.write(async (tx) => {
        await tx.buckets.insert(bucket('d'));
        throw new Error('no');
      }),
      store.write(async (tx) => tx.buckets.insert(bucket('e'))),
    ]);
    assert.deepEqual(again.map((r) => r.status), ['rejected', 'fulfilled']);
    assert.deepEqual(await store.read(async (tx) => (await tx.buckets.list()).map((b) => b.name)), ['a', 'c', 'e']);
    spy.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a write resolves only after its commit, and a read never sees a batch before it commits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-meta-'));
    const path = join(dir, 'meta.db');
    const store = new SqliteMetaStore({ database: path });
    const peer = new Database(path, { readonly: true });
    const seen: number[] = [];
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.write(async (tx) => tx.buckets.insert({ name: `b${i}`, owner: 'o', region: 'eu-1', createdAt: new Date(0) })).then(() => {
        // Another connection sees only committed data: the write must be there already.
        seen.push((peer.prepare('SELECT count(*) AS n FROM buckets WHERE name = ?').get(`b${i}`) as { n: number }).n);
      }),
    );
    const reads = Array.from({ length: 5 }, () => store.read(async (tx) => (await tx.buckets.list()).length));
    await Promise.all(writes);
    for (const n of await Promise.all(reads)) assert.ok(n === 0 || n === 20, `a read saw ${n} of a batch of 20`);
    assert.deepEqual(seen, Array(20).fill(1));
    peer.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});
