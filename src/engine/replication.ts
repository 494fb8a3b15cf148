/**
 * Bucket replication, storage side: the configuration, the outbox written with each version,
 * and the task queue a replicator drains (src/replication/replicator.ts).
 *
 * - Tasks are inserted in the same metadata transaction as the version or delete marker they
 *   replicate, so a crash can never commit a version and lose its task (or the reverse).
 * - One task per (version, destination): among enabled rules to one destination that match a
 *   key, the highest priority wins (S3's tie-break). The version's status is PENDING until
 *   every task is done: COMPLETED when all succeeded, FAILED as soon as one failed for good.
 * - Only writes after the rule exists are replicated (S3's default; no existing-object
 *   replication). Deleting a specific version id is not replicated (S3 replication V2), and a
 *   version deleted before its task ran just drops the task. Replicas are never enqueued.
 * - Claiming leases a task (its due time moves forward by the lease), so processes sharing one
 *   meta.db do not send the same task twice while the lease runs, and a crashed worker's tasks
 *   become claimable again when it ends. A send after an expired lease may still run twice;
 *   putReplica is idempotent, so that is harmless.
 */
import { fail } from '../core/errors.js';
import type { MetaTx, ReplicationConfigRecord, ReplicationStatusName, ReplicationTaskRecord } from '../meta/index.js';
import { noSuchBucket, type EngineContext } from './context.js';
import type { ReplicationConfig, ReplicationOutcome, ReplicationTask } from './types.js';

const DEFAULT_LEASE_MS = 60_000;

export async function putBucketReplication(ctx: EngineContext, name: string, config: ReplicationConfig | null): Promise<void> {
  await ctx.meta.write(async (tx) => {
    const bucket = await tx.buckets.get(name);
    if (bucket === undefined) throw noSuchBucket(name);
    if (config !== null && bucket.versioning !== 'Enabled') {
      throw fail('InvalidRequest', "Versioning must be 'Enabled' on the bucket to apply a replication configuration", {
        details: { BucketName: name },
      });
    }
    await tx.buckets.setReplication(name, config === null ? undefined : structuredClone(config));
  });
}

export async function getBucketReplication(ctx: EngineContext, name: string): Promise<ReplicationConfig | undefined> {
  return ctx.meta.read(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    return tx.buckets.getReplication(name);
  });
}

/** The rule that applies per destination: enabled, prefix matches, highest priority first. */
export function matchingRules(
  config: ReplicationConfigRecord | undefined,
  key: string,
  deleteMarker: boolean,
): ReplicationConfigRecord['rules'] {
  if (config === undefined) return [];
  const byDestination = new Map<string, ReplicationConfigRecord['rules'][number]>();
  for (const rule of config.rules) {
    if (rule.status !== 'Enabled' || !key.startsWith(rule.prefix)) continue;
    const seen = byDestination.get(rule.destinationBucket);
    if (seen === undefined || rule.priority > seen.priority) byDestination.set(rule.destinationBucket, rule);
  }
  // A delete marker goes only where the winning rule replicates delete markers.
  return [...byDestination.values()].filter((r) => !deleteMarker || r.deleteMarkerReplication);
}

/**
 * Called inside the transaction that inserts a version or delete marker: queues its tasks and
 * returns the status the version starts with (PENDING), or undefined when no rule matches.
 */
export async function enqueueReplication(
  tx: MetaTx,
  v: { bucket: string; key: string; versionId: string; deleteMarker: boolean; lastModified: Date },
): Promise<ReplicationStatusName | undefined> {
  const rules = matchingRules(await tx.buckets.getReplication(v.bucket), v.key, v.deleteMarker);
  for (const rule of rules) {
    await tx.replication.enqueue(
      {
        bucket: v.bucket,
        key: v.key,
        versionId: v.versionId,
        deleteMarker: v.deleteMarker,
        destinationBucket: rule.destinationBucket,
        ruleId: rule.id,
        enqueuedAt: v.lastModified,
      },
      v.lastModified,
    );
  }
  return rules.length > 0 ? 'PENDING' : undefined;
}

function toTask(r: ReplicationTaskRecord): ReplicationTask {
  return {
    id: r.id,
    bucket: r.bucket,
    key: r.key,
    versionId: r.versionId,
    deleteMarker: r.deleteMarker,
    destinationBucket: r.destinationBucket,
    ruleId: r.ruleId,
    attempts: r.attempts,
    enqueuedAt: r.enqueuedAt,
  };
}

export async function claimReplicationTasks(ctx: EngineContext, limit: number, now: Date, leaseMs = DEFAULT_LEASE_MS): Promise<ReplicationTask[]> {
  const claimed = await ctx.meta.write((tx) => tx.replication.claim(limit, now, new Date(now.getTime() + leaseMs)));
  return claimed.map(toTask);
}

export async function finishReplicationTask(ctx: EngineContext, id: number, outcome: ReplicationOutcome): Promise<void> {
  await ctx.meta.write(async (tx) => {
    const task = await tx.replication.get(id);
    // Already finished (e.g. by a peer that re-claimed it after our lease expired).
    if (task === undefined) return;
    const version = await tx.objects.getVersion(task.bucket, task.key, task.versionId);
    if (version === undefined) {
      await tx.replication.remove(id);
      return;
    }
    if ('retryAt' in outcome) {
      await tx.replication.reschedule(id, outcome.retryAt, outcome.error);
      return;
    }
    await tx.replication.remove(id);
    if (outcome.status === 'FAILED') {
      await tx.objects.setReplicationStatus(task.bucket, task.key, task.versionId, 'FAILED');
    } else if (version.replicationStatus !== 'FAILED' && (await tx.replication.countForVersion(task.bucket, task.key, task.versionId)) === 0) {
      await tx.objects.setReplicationStatus(task.bucket, task.key, task.versionId, 'COMPLETED');
    }
  });
}

export async function replicationBacklog(ctx: EngineContext, now: Date): Promise<{ queued: number; due: number }> {
  return ctx.meta.read((tx) => tx.replication.backlog(now));
}
