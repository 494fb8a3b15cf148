/** ReplicationQueueRepo on SQLite: the replication_tasks table. */
import type Database from 'better-sqlite3';
import type { ReplicationQueueRepo } from '../replication-queue-repo.js';
import type { NewReplicationTask, ReplicationTaskRecord } from '../types.js';

interface TaskRow {
  id: number;
  bucket: string;
  object_key: string;
  version_id: string;
  delete_marker: number;
  destination_bucket: string;
  rule_id: string;
  attempts: number;
  enqueued_at: number;
  due_at: number;
  last_error: string | null;
}

const COLS =
  'id, bucket, object_key, version_id, delete_marker, destination_bucket, rule_id, attempts, enqueued_at, due_at, last_error';

function toTask(r: TaskRow): ReplicationTaskRecord {
  const t: ReplicationTaskRecord = {
    id: r.id,
    bucket: r.bucket,
    key: r.object_key,
    versionId: r.version_id,
    deleteMarker: r.delete_marker === 1,
    destinationBucket: r.destination_bucket,
    ruleId: r.rule_id,
    attempts: r.attempts,
    enqueuedAt: new Date(r.enqueued_at),
    dueAt: new Date(r.due_at),
  };
  if (r.last_error !== null) t.lastError = r.last_error;
  return t;
}

export class SqliteReplicationQueueRepo implements ReplicationQueueRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare<[string, string, string, number, string, string, number, number]>(
        `INSERT INTO replication_tasks (bucket, object_key, version_id, delete_marker, destination_bucket, rule_id,
           attempts, enqueued_at, due_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      ),
      // Only the oldest task of a key and destination is claimable: a later version must not
      // overtake an earlier one that is still retrying (the replica's latest would go wrong).
      due: db.prepare<[number, number], TaskRow>(
        `SELECT ${COLS} FROM replication_tasks t WHERE due_at <= ?
           AND NOT EXISTS (SELECT 1 FROM replication_tasks p WHERE p.bucket = t.bucket AND p.object_key = t.object_key
                           AND p.destination_bucket = t.destination_bucket AND p.id < t.id)
         ORDER BY due_at, id LIMIT ?`,
      ),
      lease: db.prepare<[number, number]>('UPDATE replication_tasks SET due_at = ?, attempts = attempts + 1 WHERE id = ?'),
      get: db.prepare<[number], TaskRow>(`SELECT ${COLS} FROM replication_tasks WHERE id = ?`),
      remove: db.prepare<[number]>('DELETE FROM replication_tasks WHERE id = ?'),
      reschedule: db.prepare<[number, string, number]>('UPDATE replication_tasks SET due_at = ?, last_error = ? WHERE id = ?'),
      countForVersion: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM replication_tasks WHERE bucket = ? AND object_key = ? AND version_id = ?',
      ),
      backlog: db.prepare<[number], { queued: number; due: number | null }>(
        'SELECT count(*) AS queued, sum(due_at <= ?) AS due FROM replication_tasks',
      ),
    };
  }

  async enqueue(t: NewReplicationTask, dueAt: Date): Promise<void> {
    this.s.insert.run(
      t.bucket, t.key, t.versionId, t.deleteMarker ? 1 : 0, t.destinationBucket, t.ruleId, t.enqueuedAt.getTime(), dueAt.getTime(),
    );
  }

  async claim(limit: number, now: Date, leaseUntil: Date): Promise<ReplicationTaskRecord[]> {
    if (limit <= 0) return [];
    const rows = this.s.due.all(now.getTime(), limit);
    const until = leaseUntil.getTime();
    return rows.map((r) => {
      this.s.lease.run(until, r.id);
      return toTask({ ...r, attempts: r.attempts + 1, due_at: until });
    });
  }

  async get(id: number): Promise<ReplicationTaskRecord | undefined> {
    const row = this.s.get.get(id);
    return row === undefined ? undefined : toTask(row);
  }

  async remove(id: number): Promise<void> {
    this.s.remove.run(id);
  }

  async reschedule(id: number, dueAt: Date, error: string): Promise<void> {
    this.s.reschedule.run(dueAt.getTime(), error, id);
  }

  async countForVersion(bucket: string, key: string, versionId: string): Promise<number> {
    return (this.s.countForVersion.get(bucket, key, versionId) as { n: number }).n;
  }

  async backlog(now: Date): Promise<{ queued: number; due: number }> {
    const r = this.s.backlog.get(now.getTime()) as { queued: number; due: number | null };
    return { queued: r.queued, due: r.due ?? 0 };
  }
}
