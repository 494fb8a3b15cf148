/** BucketRepo on SQLite. */
import type Database from 'better-sqlite3';
import type { BucketRepo } from '../bucket-repo.js';
import type { BucketRecord, CannedAclName, CorsRuleRecord, ReplicationConfigRecord, VersioningState } from '../types.js';
import { BUCKET_COLUMNS as COLS, bucketRowOf, encodeAcl, toBucket, type BucketArray, type BucketRow } from './rows.js';
import type { UsageLedger } from './usage-repo.js';

export class SqliteBucketRepo implements BucketRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly usage: UsageLedger) {
    this.s = {
      get: db.prepare<[string], BucketArray>(`SELECT ${COLS} FROM buckets WHERE name = ?`).raw(true),
      listAll: db.prepare<[], BucketRow>(`SELECT ${COLS} FROM buckets ORDER BY name`),
      listOwner: db.prepare<[string], BucketRow>(`SELECT ${COLS} FROM buckets WHERE owner = ? ORDER BY name`),
      insert: db.prepare<[string, string, string, number, string | null, string | null, string | null]>(
        'INSERT INTO buckets (name, owner, region, created_at, versioning, policy, acl) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      remove: db.prepare<[string]>('DELETE FROM buckets WHERE name = ?'),
      setVersioning: db.prepare<[string, string]>('UPDATE buckets SET versioning = ? WHERE name = ?'),
      setPolicy: db.prepare<[string | null, string]>('UPDATE buckets SET policy = ? WHERE name = ?'),
      setAcl: db.prepare<[string | null, string]>('UPDATE buckets SET acl = ? WHERE name = ?'),
      getCors: db.prepare<[string], { cors: string | null }>('SELECT cors FROM buckets WHERE name = ?'),
      setCors: db.prepare<[string | null, string]>('UPDATE buckets SET cors = ? WHERE name = ?'),
      getTags: db.prepare<[string], { tags: string | null }>('SELECT tags FROM buckets WHERE name = ?'),
      setTags: db.prepare<[string | null, string]>('UPDATE buckets SET tags = ? WHERE name = ?'),
      getReplication: db.prepare<[string], { replication: string | null }>('SELECT replication FROM buckets WHERE name = ?'),
      setReplication: db.prepare<[string | null, string]>('UPDATE buckets SET replication = ? WHERE name = ?'),
    };
  }

  async get(name: string): Promise<BucketRecord | undefined> {
    const row = this.s.get.get(name);
    return row === undefined ? undefined : toBucket(bucketRowOf(row));
  }

  async list(owner?: string): Promise<BucketRecord[]> {
    const rows = owner === undefined ? this.s.listAll.all() : this.s.listOwner.all(owner);
    return rows.map(toBucket);
  }

  async insert(b: BucketRecord): Promise<boolean> {
    const r = this.s.insert.run(b.name, b.owner, b.region, b.createdAt.getTime(), b.versioning ?? null, b.policy ?? null, encodeAcl(b.acl));
    return r.changes === 1;
  }

  async remove(name: string): Promise<boolean> {
    // The meters close (accrue to now) while the bucket's owner and region are still known.
    this.usage.forget(name);
    return this.s.remove.run(name).changes === 1;
  }

  async setVersioning(name: string, state: VersioningState): Promise<void> {
    this.s.setVersioning.run(state, name);
  }

  async setPolicy(name: string, policy: string | undefined): Promise<void> {
    this.s.setPolicy.run(policy ?? null, name);
  }

  async setAcl(name: string, acl: CannedAclName): Promise<void> {
    this.s.setAcl.run(encodeAcl(acl), name);
  }

  async getCors(name: string): Promise<CorsRuleRecord[] | undefined> {
    const row = this.s.getCors.get(name);
    return row?.cors == null ? undefined : (JSON.parse(row.cors) as CorsRuleRecord[]);
  }

  async setCors(name: string, rules: CorsRuleRecord[] | undefined): Promise<void> {
    this.s.setCors.run(rules === undefined ? null : JSON.stringify(rules), name);
  }

  async getTags(name: string): Promise<Record<string, string> | undefined> {
    const row = this.s.getTags.get(name);
    return row?.tags == null ? undefined : (JSON.parse(row.tags) as Record<string, string>);
  }

  async setTags(name: string, tags: Record<string, string> | undefined): Promise<void> {
    this.s.setTags.run(tags === undefined ? null : JSON.stringify(tags), name);
  }

  async getReplication(name: string): Promise<ReplicationConfigRecord | undefined> {
    const row = this.s.getReplication.get(name);
    return row?.replication == null ? undefined : (JSON.parse(row.replication) as ReplicationConfigRecord);
  }

  async setReplication(name: string, config: ReplicationConfigRecord | undefined): Promise<void> {
    this.s.setReplication.run(config === undefined ? null : JSON.stringify(config), name);
  }
}
