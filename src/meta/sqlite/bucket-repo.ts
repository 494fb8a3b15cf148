/** BucketRepo on SQLite. */
import type Database from 'better-sqlite3';
import type { BucketRepo } from '../bucket-repo.js';
import type { BucketRecord, CorsRuleRecord, ReplicationConfigRecord, VersioningState } from '../types.js';
import { toBucket, type BucketRow } from './rows.js';

const COLS = 'name, owner, region, created_at, versioning';

export class SqliteBucketRepo implements BucketRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      get: db.prepare<[string], BucketRow>(`SELECT ${COLS} FROM buckets WHERE name = ?`),
      listAll: db.prepare<[], BucketRow>(`SELECT ${COLS} FROM buckets ORDER BY name`),
      listOwner: db.prepare<[string], BucketRow>(`SELECT ${COLS} FROM buckets WHERE owner = ? ORDER BY name`),
      insert: db.prepare<[string, string, string, number, string | null]>(
        'INSERT INTO buckets (name, owner, region, created_at, versioning) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      remove: db.prepare<[string]>('DELETE FROM buckets WHERE name = ?'),
      setVersioning: db.prepare<[string, string]>('UPDATE buckets SET versioning = ? WHERE name = ?'),
      getCors: db.prepare<[string], { cors: string | null }>('SELECT cors FROM buckets WHERE name = ?'),
      setCors: db.prepare<[string | null, string]>('UPDATE buckets SET cors = ? WHERE name = ?'),
      getReplication: db.prepare<[string], { replication: string | null }>('SELECT replication FROM buckets WHERE name = ?'),
      setReplication: db.prepare<[string | null, string]>('UPDATE buckets SET replication = ? WHERE name = ?'),
    };
  }

  async get(name: string): Promise<BucketRecord | undefined> {
    const row = this.s.get.get(name);
    return row === undefined ? undefined : toBucket(row);
  }

  async list(owner?: string): Promise<BucketRecord[]> {
    const rows = owner === undefined ? this.s.listAll.all() : this.s.listOwner.all(owner);
    return rows.map(toBucket);
  }

  async insert(b: BucketRecord): Promise<boolean> {
    const r = this.s.insert.run(b.name, b.owner, b.region, b.createdAt.getTime(), b.versioning ?? null);
    return r.changes === 1;
  }

  async remove(name: string): Promise<boolean> {
    return this.s.remove.run(name).changes === 1;
  }

  async setVersioning(name: string, state: VersioningState): Promise<void> {
    this.s.setVersioning.run(state, name);
  }

  async getCors(name: string): Promise<CorsRuleRecord[] | undefined> {
    const row = this.s.getCors.get(name);
    return row?.cors == null ? undefined : (JSON.parse(row.cors) as CorsRuleRecord[]);
  }

  async setCors(name: string, rules: CorsRuleRecord[] | undefined): Promise<void> {
    this.s.setCors.run(rules === undefined ? null : JSON.stringify(rules), name);
  }

  async getReplication(name: string): Promise<ReplicationConfigRecord | undefined> {
    const row = this.s.getReplication.get(name);
    return row?.replication == null ? undefined : (JSON.parse(row.replication) as ReplicationConfigRecord);
  }

  async setReplication(name: string, config: ReplicationConfigRecord | undefined): Promise<void> {
    this.s.setReplication.run(config === undefined ? null : JSON.stringify(config), name);
  }
}
