/**
 * The replication worker: drains the engine's durable outbox (engine/replication.ts) and
 * sends each version or delete marker to its destination bucket's region.
 *
 * Loop: claim due tasks (leased, so peer processes on the same meta.db skip them), send them
 * concurrently (the queue hands out at most one task per key and destination, so a key's
 * versions still arrive in order), and finish each: COMPLETED, FAILED, or rescheduled with
 * exponential backoff. When nothing is due it sleeps pollMs, or until kick().
 *
 * Failure policy:
 * - The source version is gone (deleted by version id, bucket emptied): the task is dropped.
 * - Permanent errors (ResidencyViolation, AccessDenied, NoSuchBucket, InvalidRequest,
 *   NotImplemented at the destination) are retried only up to `permanentAttempts` (default 3):
 *   a destination bucket being created, or a directory entry or policy change still
 *   propagating, deserves a short second chance, but not hours of retries.
 * - Everything else (network, Unavailable, a corrupted transfer refused as BadDigest...) is
 *   retried until `maxAttempts` (default 100: with the 5-minute backoff cap, hours), then
 *   FAILED. S3 keeps such versions PENDING while a destination is unavailable and FAILs only on
 *   permission-like errors; the long default approximates that while still ending.
 * A version whose task ended FAILED stays FAILED; there is no re-drive yet.
 */
import { isAppError, type ErrorCode } from '../core/errors.js';
import type { RegionEngine, ReplicationTask } from '../engine/types.js';
import type { UsageRecorder } from '../metering/model.js';
import type { RegionAccess, ReplicaInput } from '../placement/ports.js';

export interface ReplicatorDeps {
  engine: RegionEngine;
  /** The region holding a destination bucket (throws NoSuchBucket / ResidencyViolation ...). */
  resolveDestination(bucket: string): Promise<RegionAccess>;
  log(line: string): void;
  clock?: () => Date;
  /** Sleep between empty polls. Default 1000 ms. */
  pollMs?: number;
  /** Tasks claimed (and sent concurrently) per round. Default 16. */
  batch?: number;
  /** Attempts before a task failing with a transient error is FAILED. Default 100 (hours at the backoff cap). */
  maxAttempts?: number;
  /** Attempts before a task failing with a permanent error is FAILED. Default 3. */
  permanentAttempts?: number;
  /** Delay in ms before retry number `attempt` (1-based). Default 1 s doubling, capped at 5 min. */
  backoff?: (attempt: number) => number;
  /** How long a claim is leased. Default 60 s; must exceed one send. */
  leaseMs?: number;
  /** Counts the bytes shipped to another region (bytes.replicated, billed to the source bucket's owner). */
  usage?: UsageRecorder;
}

export interface ReplicationStats {
  completed: number;
  failed: number;
  /** Sends that failed and were rescheduled. */
  retried: number;
  /** Tasks dropped because their source version no longer exists. */
  dropped: number;
  inFlight: number;
  /** Queued tasks (all, and due now) as of the last poll. */
  pending: number;
  due: number;
  /** ms from the version's lastModified to its replica's completion. */
  lag: { samples: number; lastMs?: number; p50Ms?: number; maxMs?: number };
}

export interface Replicator {
  /** Stops claiming and waits for in-flight sends to finish. */
  stop(): Promise<void>;
  /** Wakes the loop now (call after a write that may have queued a task). */
  kick(): void;
  stats(): ReplicationStats;
}

const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ResidencyViolation', 'AccessDenied', 'NoSuchBucket', 'InvalidRequest', 'NotImplemented']);
const SOURCE_GONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['NoSuchKey', 'NoSuchVersion', 'NoSuchBucket', 'MethodNotAllowed']);
const LAG_WINDOW = 1024;

export function defaultBackoff(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/** Marks errors from reading the source, so a vanished source version is not a send failure. */
class SourceGone extends Error {}

function describe(e: unknown): string {
  if (isAppError(e)) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export function startReplicator(deps: ReplicatorDeps): Replicator {
  const clock = deps.clock ?? (() => new Date());
  const pollMs = deps.pollMs ?? 1000;
  const batch = deps.batch ?? 16;
  const maxAttempts = deps.maxAttempts ?? 100;
  const permanentAttempts = Math.min(deps.permanentAttempts ?? 3, maxAttempts);
  const backoff = deps.backoff ?? defaultBackoff;
  const leaseMs = deps.leaseMs ?? 60_000;
  const { engine } = deps;

  const counters = { completed: 0, failed: 0, retried: 0, dropped: 0, inFlight: 0, pending: 0, due: 0 };
  const lags: number[] = [];
  let lastLag: number | undefined;
  let maxLag: number | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  let kicked = false;

  async function readSource(task: ReplicationTask): Promise<ReplicaInput> {
    const input: ReplicaInput = {
      sourceBucket: task.bucket,
      destBucket: task.destinationBucket,
      key: task.key,
      versionId: task.versionId,
      lastModified: task.enqueuedAt,
      deleteMarker: task.deleteMarker,
    };
    if (task.deleteMarker) return input;
    try {
      const at = { bucket: task.bucket, key: task.key, versionId: task.versionId };
      const { tags } = await engine.getObjectTagging(at);
      const got = await engine.getObject(at);
      input.headers = got.info.headers;
      input.tags = tags;
      input.etag = got.info.etag;
      input.size = got.info.size;
      input.lastModified = got.info.lastModified;
      if (got.info.checksum !== undefined) input.checksum = got.info.checksum;
      // A replica keeps the source version's ACL (public-read stays readable at the destination).
      if (got.info.acl !== 'private') input.acl = got.info.acl;
      input.body = got.body;
      return input;
    } catch (e) {
      if (isAppError(e) && SOURCE_GONE.has(e.code)) throw new SourceGone(describe(e));
      throw e;
    }
  }

  function recordLag(ms: number): void {
    lastLag = ms;
    maxLag = maxLag === undefined ? ms : Math.max(maxLag, ms);
    lags.push(ms);
    if (lags.length > LAG_WINDOW) lags.shift();
  }

  async function send(task: ReplicationTask): Promise<void> {
    counters.inFlight++;
    let input: ReplicaInput | undefined;
    try {
      input = await readSource(task);
      const region = await deps.resolveDestination(task.destinationBucket);
      const size = input.size ?? 0;
      await region.putReplica(input);
      if (deps.usage && size > 0) await countShipped(deps.usage, task.bucket, region.regionId, size);
      await engine.finishReplicationTask(task.id, { status: 'COMPLETED' });
      counters.completed++;
      recordLag(clock().getTime() - task.enqueuedAt.getTime());
    } catch (e) {
      await settleFailure(task, e);
    } finally {
      input?.body?.destroy();
      counters.inFlight--;
    }
  }

  /** Bytes that crossed to another region; a copy within the region is no transfer. */
  async function countShipped(usage: UsageRecorder, bucket: string, destRegion: string, bytes: number): Promise<void> {
    try {
      const source = await engine.getBucket(bucket);
      if (source.region !== destRegion) usage.replicated({ accountId: source.owner, bucket, region: source.region, bytes, at: clock().getTime() });
    } catch {
      // The source bucket went away after its version was shipped: nobody left to bill.
    }
  }

  async function settleFailure(task: ReplicationTask, e: unknown): Promise<void> {
    const where = `${task.bucket}/${task.key}@${task.versionId} -> ${task.destinationBucket}`;
    try {
      if (e instanceof SourceGone) {
        // Finishing a task whose version is gone only removes the task.
        await engine.finishReplicationTask(task.id, { status: 'COMPLETED' });
        counters.dropped++;
        return;
      }
      const error = describe(e);
      const limit = isAppError(e) && PERMANENT.has(e.code) ? permanentAttempts : maxAttempts;
      if (task.attempts >= limit) {
        await engine.finishReplicationTask(task.id, { status: 'FAILED', error });
        counters.failed++;
        deps.log(`replication FAILED after ${task.attempts} attempts: ${where}: ${error}`);
        return;
      }
      const retryAt = new Date(clock().getTime() + backoff(task.attempts));
      await engine.finishReplicationTask(task.id, { retryAt, error });
      counters.retried++;
      deps.log(`replication retry ${task.attempts}/${limit} at ${retryAt.toISOString()}: ${where}: ${error}`);
    } catch (finishError) {
      // The lease will expire and the task come back; nothing is lost.
      deps.log(`replication: could not record the outcome of ${where}: ${describe(finishError)}`);
    }
  }

  function sleep(): Promise<void> {
    if (kicked || stopped) {
      kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function round(): Promise<number> {
    const tasks = await engine.claimReplicationTasks(batch, clock(), leaseMs);
    await Promise.all(tasks.map(send));
    return tasks.length;
  }

  async function run(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await round();
        if (claimed === 0) Object.assign(counters, await engine.replicationBacklog(clock()).then((b) => ({ pending: b.queued, due: b.due })));
      } catch (e) {
        deps.log(`replication: polling the queue failed: ${describe(e)}`);
      }
      // A full batch suggests more is due: go again at once.
      if (claimed < batch) await sleep();
    }
  }

  const loop = run();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
    kick() {
      if (wake !== undefined) wake();
      else kicked = true;
    },
    stats() {
      const sorted = [...lags].sort((a, b) => a - b);
      const lag: ReplicationStats['lag'] = { samples: lags.length };
      if (lastLag !== undefined) lag.lastMs = lastLag;
      if (sorted.length > 0) lag.p50Ms = sorted[Math.floor((sorted.length - 1) / 2)] as number;
      if (maxLag !== undefined) lag.maxMs = maxLag;
      return { ...counters, lag };
    },
  };
}
