import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteAccountStore, type StoredAccount } from './sqlite-account-store.js';

const partner = (id: string, name: string): StoredAccount => ({
  id, kind: 'partner', name, displayName: name, parentId: '000000000000', status: 'active', createdAt: '2026-01-01T00:00:00.000Z', regions: ['de-1'], brand: { displayName: name },
});

describe('SqliteAccountStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-accounts-'));
    file = join(dir, 'control', 'accounts.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its schema once (user_version), in WAL mode, and keeps data across reopening', () => {
    const a = new SqliteAccountStore(file);
    a.insertAccount(partner('111111111111', 'telco'));
    a.close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), 2);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    const b = new SqliteAccountStore(file);
    assert.deepEqual(b.getAccount('111111111111'), partner('111111111111', 'telco'));
    assert.deepEqual(b.getAccountByName('telco')?.id, '111111111111');
    b.close();
  });

  it('reads quotas stored before the analytics quotas existed with those as null (the server\'s limits)', () => {
    const a = new SqliteAccountStore(file);
    a.insertAccount(partner('111111111111', 'telco'));
    a.insertAccount({ id: '222222222222', kind: 'customer', name: 'acme', displayName: 'acme', parentId: '111111111111', status: 'active', createdAt: '2026-01-01T00:00:00.000Z', regions: ['de-1'], defaultResidency: null });
    a.close();
    const raw = new Database(file);
    raw.prepare('UPDATE accounts SET quotas = ? WHERE id = ?').run(JSON.stringify({ maxBytes: 1000, maxBuckets: 2, maxRequestsPerSecond: null }), '222222222222');
    raw.close();
    const b = new SqliteAccountStore(file);
    assert.deepEqual(b.getAccount('222222222222')?.quotas, {
      maxBytes: 1000, maxBuckets: 2, maxRequestsPerSecond: null,
      maxConcurrentQueries: null, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null,
    });
    b.close();
  });

  it('is shared by every handle on the same file (cluster workers)', () => {
    const a = new SqliteAccountStore(file);
    const b = new SqliteAccountStore(file);
    try {
      a.insertAccount(partner('111111111111', 'telco'));
      assert.equal(b.getAccountByName('telco')?.id, '111111111111');
      assert.throws(() => b.insertAccount(partner('222222222222', 'telco')), /UNIQUE/);
    } finally {
      a.close();
      b.close();
    }
  });

  it('rolls a failed transaction back entirely', () => {
    const s = new SqliteAccountStore(file);
    try {
      assert.throws(() => s.transaction(() => {
        s.insertAccount(partner('111111111111', 'telco'));
        s.insertUser({ id: 'UAAAAAAAAAAAAAAAAAAAA', accountId: '111111111111', name: 'admin', admin: true, status: 'active', createdAt: 'now', arn: '' });
        throw new Error('crash in the middle');
      }), /crash in the middle/);
      assert.equal(s.getAccount('111111111111'), undefined);
      assert.equal(s.getUser('UAAAAAAAAAAAAAAAAAAAA'), undefined);
    } finally {
      s.close();
    }
  });

  it('deletes a user with its keys, policies and tokens, and pages users by name', () => {
    const s = new SqliteAccountStore(file);
    try {
      s.insertAccount(partner('111111111111', 'telco'));
      for (const n of ['carol', 'alice', 'bob']) {
        s.insertUser({ id: `U${n.toUpperCase().padEnd(20, 'A')}`, accountId: '111111111111', name: n, admin: false, status: 'active', createdAt: 'now', arn: '' });
      }
      assert.deepEqual(s.listUsers('111111111111', '', 2).map((u) => u.name), ['alice', 'bob']);
      assert.deepEqual(s.listUsers('111111111111', 'bob', 2).map((u) => u.name), ['carol']);
      const bob = s.getUserByName('111111111111', 'bob')!;
      assert.equal(bob.arn, 'arn:aws:iam::111111111111:user/bob');
      s.insertKey({ accessKeyId: 'SVBOB', userId: bob.id, status: 'active', createdAt: 'now', sealedSecret: 'v1:x:y:z' });
      s.putPolicy(bob.id, { name: 'p', document: '{}', updatedAt: 'now' });
      s.insertToken({ id: 'T1', userId: bob.id, hash: 'h', createdAt: 'now', expiresAt: 'later' });
      s.deleteUser(bob.id);
      assert.equal(s.getKey('SVBOB'), undefined);
      assert.deepEqual(s.policiesOf(bob.id), []);
      assert.equal(s.getToken('T1'), undefined);
      assert.equal(s.countUsers('111111111111'), 2);
    } finally {
      s.close();
    }
  });

  it('records last use only when the stored one is older than the bound', () => {
    const s = new SqliteAccountStore(file);
    try {
      s.insertKey({ accessKeyId: 'SVK', userId: 'U', status: 'active', createdAt: 'now', sealedSecret: 'v1:x:y:z' });
      s.touchKey('SVK', '2026-01-01T00:00:30.000Z', '2025-12-31T23:59:30.000Z');
      s.touchKey('SVK', '2026-01-01T00:00:45.000Z', '2025-12-31T23:59:45.000Z');
      assert.equal(s.getKey('SVK')?.lastUsedAt, '2026-01-01T00:00:30.000Z');
      s.touchKey('SVK', '2026-01-01T00:01:31.000Z', '2026-01-01T00:00:31.000Z');
      assert.equal(s.getKey('SVK')?.lastUsedAt, '2026-01-01T00:01:31.000Z');
    } finally {
      s.close();
    }
  });
});
