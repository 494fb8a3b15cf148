import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { describeMetaStore } from '../meta-store.contract.js';
import { MIGRATIONS } from './migrations.js';
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
});
