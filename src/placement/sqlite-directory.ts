/**
 * The global bucket directory on SQLite: the control plane's store (and the embedded
 * deployment's, where every worker process opens the same file). Holds bucket names,
 * their region, owner and residency policy, and accounts' mandatory policies: never
 * object keys or contents.
 *
 * Statements are synchronous and short (one indexed row), so they run inline; WAL lets
 * several processes read while one writes, and busy_timeout covers write contention.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { fail } from '../core/errors.js';
import { enableWal } from '../core/sqlite-wal.js';
import type { ResidencyPolicy } from '../residency/policy.js';
import type { BucketDirectory, BucketEntry } from './ports.js';

interface BucketRow {
  name: string;
  region: string;
  owner: string;
  created_at: number;
  zones: string;
  explicit: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY,
  region TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  zones TEXT NOT NULL,
  explicit INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS buckets_by_owner ON buckets(owner, name);
CREATE TABLE IF NOT EXISTS account_residency (
  account_id TEXT PRIMARY KEY,
  zones TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Accounts arrived: the storage core's single account 'root' is the operator's account now.
 * Idempotent and cheap (indexed), so it simply runs at every open.
 */
const ROOT_TO_OPERATOR = `
UPDATE buckets SET owner = '000000000000' WHERE owner = 'root';
UPDATE account_residency SET account_id = '000000000000'
  WHERE account_id = 'root' AND NOT EXISTS (SELECT 1 FROM account_residency WHERE account_id = '000000000000');
`;

function toEntry(r: BucketRow): BucketEntry {
  const residency: ResidencyPolicy = { zones: JSON.parse(r.zones) as string[], explicit: r.explicit === 1 };
  return { name: r.name, region: r.region, owner: r.owner, createdAt: new Date(r.created_at), residency };
}

export class SqliteBucketDirectory implements BucketDirectory {
  private readonly db: Database.Database;
  private readonly s;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    this.db = db;
    db.pragma('busy_timeout = 10000');
    if (!db.memory) enableWal(db, path);
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    db.exec(ROOT_TO_OPERATOR);
    this.s = {
      insert: db.prepare('INSERT INTO buckets (name, region, owner, created_at, zones, explicit) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING'),
      get: db.prepare<[string], BucketRow>('SELECT * FROM buckets WHERE name = ?'),
      remove: db.prepare('DELETE FROM buckets WHERE name = ? AND region = ?'),
      all: db.prepare<[], BucketRow>('SELECT * FROM buckets ORDER BY name'),
      byOwner: db.prepare<[string], BucketRow>('SELECT * FROM buckets WHERE owner = ? ORDER BY name'),
      setZones: db.prepare('UPDATE buckets SET zones = ?, explicit = ? WHERE name = ?'),
      getAccount: db.prepare<[string], { zones: string }>('SELECT zones FROM account_residency WHERE account_id = ?'),
      putAccount: db.prepare('INSERT INTO account_residency (account_id, zones) VALUES (?, ?) ON CONFLICT(account_id) DO UPDATE SET zones = excluded.zones'),
      deleteAccount: db.prepare('DELETE FROM account_residency WHERE account_id = ?'),
    };
  }

  async reserve(e: BucketEntry): Promise<void> {
    const r = this.s.insert.run(e.name, e.region, e.owner, e.createdAt.getTime(), JSON.stringify(e.residency.zones), e.residency.explicit ? 1 : 0);
    if (r.changes === 1) return;
    const existing = this.s.get.get(e.name);
    if (existing?.owner === e.owner) {
      throw fail('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
        resource: `/${e.name}`, details: { BucketName: e.name },
      });
    }
    throw fail('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', {
      resource: `/${e.name}`, details: { BucketName: e.name },
    });
  }

  async lookup(name: string): Promise<BucketEntry | undefined> {
    const r = this.s.get.get(name);
    return r ? toEntry(r) : undefined;
  }

  lookupFresh(name: string): Promise<BucketEntry | undefined> {
    return this.lookup(name);
  }

  async release(name: string, region: string): Promise<void> {
    this.s.remove.run(name, region);
  }

  async list(owner?: string): Promise<BucketEntry[]> {
    return (owner === undefined ? this.s.all.all() : this.s.byOwner.all(owner)).map(toEntry);
  }

  async setResidency(name: string, residency: ResidencyPolicy): Promise<void> {
    const r = this.s.setZones.run(JSON.stringify(residency.zones), residency.explicit ? 1 : 0, name);
    if (r.changes === 0) throw fail('NoSuchBucket', 'The specified bucket does not exist', { resource: `/${name}`, details: { BucketName: name } });
  }

  async getAccountResidency(accountId: string): Promise<readonly string[] | undefined> {
    const r = this.s.getAccount.get(accountId);
    return r ? (JSON.parse(r.zones) as string[]) : undefined;
  }

  async setAccountResidency(accountId: string, zones: readonly string[] | undefined): Promise<void> {
    if (zones === undefined) this.s.deleteAccount.run(accountId);
    else this.s.putAccount.run(accountId, JSON.stringify([...zones]));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
