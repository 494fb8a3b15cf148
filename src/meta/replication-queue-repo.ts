/**
 * Port: the replication outbox. Rows are added in the same transaction as the version they
 * replicate, so a committed version can never lose its task; workers claim due rows by
 * pushing their due time forward (a lease), so a crashed worker's tasks come back by themselves.
 */
import type { NewReplicationTask, ReplicationTaskRecord } from './types.js';

export interface ReplicationQueueRepo {
  enqueue(task: NewReplicationTask, dueAt: Date): Promise<void>;
  /**
   * Up to `limit` tasks due at `now`, oldest first, skipping any task that has an older one
   * for the same key and destination (per-key order); each gets dueAt = leaseUntil and one
   * more attempt. Call inside a write transaction.
   */
  claim(limit: number, now: Date, leaseUntil: Date): Promise<ReplicationTaskRecord[]>;
  get(id: number): Promise<ReplicationTaskRecord | undefined>;
  remove(id: number): Promise<void>;
  reschedule(id: number, dueAt: Date, error: string): Promise<void>;
  /** Tasks still queued for one version. */
  countForVersion(bucket: string, key: string, versionId: string): Promise<number>;
  /** All queued tasks, and those due at `now`. */
  backlog(now: Date): Promise<{ queued: number; due: number }>;
}
