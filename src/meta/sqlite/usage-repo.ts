/**
 * UsageRepo on SQLite, and the UsageLedger the object and upload repositories apply their
 * changes through (one upsert per change, inside the caller's transaction).
 */
import type Database from 'better-sqlite3';
import type { UsageCounts } from '../types.js';
import type { UsageRepo } from '../usage-repo.js';

/** Applies deltas to a bucket's counters; used by the repositories that own the counted rows. */
export class UsageLedger {
  private readonly add;
  private readonly drop;

  constructor(db: Database.Database) {
    this.add = db.prepare<[string, number, number]>(
      `INSERT INTO bucket_usage (bucket, bytes, objects) VALUES (?, ?, ?)
       ON CONFLICT (bucket) DO UPDATE SET bytes = bytes + excluded.bytes, objects = objects + excluded.objects`,
    );
    this.drop = db.prepare<[string]>('DELETE FROM bucket_usage WHERE bucket = ?');
  }

  change(bucket: string, bytes: number, objects: number): void {
    if (bytes !== 0 || objects !== 0) this.add.run(bucket, bytes, objects);
  }

  /** Forgets a deleted bucket's counters. */
  forget(bucket: string): void {
    this.drop.run(bucket);
  }
}

export class SqliteUsageRepo implements UsageRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      get: db.prepare<[string], UsageCounts>('SELECT bytes, objects FROM bucket_usage WHERE bucket = ?'),
      byOwner: db.prepare<[string], UsageCounts & { buckets: number }>(
        `SELECT coalesce(sum(u.bytes), 0) AS bytes, coalesce(sum(u.objects), 0) AS objects, count(*) AS buckets
         FROM buckets b LEFT JOIN bucket_usage u ON u.bucket = b.name WHERE b.owner = ?`,
      ),
      versions: db.prepare<[string], UsageCounts>(
        `SELECT coalesce(sum(size), 0) AS bytes, count(*) AS objects FROM object_versions WHERE bucket = ? AND delete_marker = 0`,
      ),
      parts: db.prepare<[string], { bytes: number }>(
        `SELECT coalesce(sum(p.size), 0) AS bytes FROM upload_parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?`,
      ),
    };
  }

  async get(bucket: string): Promise<UsageCounts> {
    const row = this.s.get.get(bucket);
    return row === undefined ? { bytes: 0, objects: 0 } : { bytes: row.bytes, objects: row.objects };
  }

  async byOwner(owner: string): Promise<UsageCounts & { buckets: number }> {
    const row = this.s.byOwner.get(owner);
    return { bytes: row?.bytes ?? 0, objects: row?.objects ?? 0, buckets: row?.buckets ?? 0 };
  }

  async recount(bucket: string): Promise<UsageCounts> {
    const v = this.s.versions.get(bucket);
    const p = this.s.parts.get(bucket);
    return { bytes: (v?.bytes ?? 0) + (p?.bytes ?? 0), objects: v?.objects ?? 0 };
  }
}
