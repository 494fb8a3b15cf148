/**
 * Startup recovery and garbage collection of the bytes no metadata references.
 *
 * What a crash can leave (writes are "blob first, metadata second, old blobs last"):
 *  - temp files of unfinished writes (tmp/<instance>/...), never visible;
 *  - committed blobs whose metadata transaction never ran (crash between the two), and
 *    blobs whose version was removed but whose deletion did not run (crash after commit).
 * Both kinds are unreferenced by object segments and upload parts, which is the GC test.
 *
 * The rule that keeps live writers safe when several processes share a data directory
 * (node:cluster workers): a blob is written, renamed into place and then referenced by
 * a metadata commit milliseconds later, so an unreferenced blob may be an in-flight write
 * of a live instance. Liveness comes from the MetaStore's InstanceRegistry (released by
 * the kernel when a process dies, so no timeouts are involved). Hence:
 *  1. Temp areas of instances that are not live are removed entirely; in live instances'
 *     areas only files older than the grace period go.
 *  2. An unreferenced blob is deleted when its last write is older than a cutoff. No live
 *     instance writes anything before it registers, so a blob older than every live
 *     instance's registration (this one's too, once it serves) is no one's in-flight write:
 *     - at startup (before this instance serves anything) the cutoff is the earliest
 *       registration of the other live instances, or the sweep's start when there is none,
 *       minus STARTUP_MARGIN_MS. So cluster workers starting together after a crash (each
 *       seeing the other live) still collect what the crashed process left. The margin
 *       absorbs the filesystem's coarse timestamp clock (a kernel tick, a few ms) and must
 *       stay well below a process restart (Node alone boots in >100 ms), or a blob written
 *       just before a crash would survive the restart's sweep;
 *     - a periodic run while serving also counts this instance's own registration;
 *     - never later than now minus the grace period (default one hour), which collects
 *       garbage made while serving (a failed best-effort delete) by long-lived instances.
 *  The reference check and the deletion are not atomic, but nothing can start referencing
 *  an existing unreferenced blob: new references are only ever made to freshly written blobs.
 */
import type { BlobStore } from '../blob/index.js';
import type { MetaStore } from '../meta/index.js';

export interface RecoveryOptions {
  meta: MetaStore;
  blobs: BlobStore;
  /** This instance's registration id (its temp area is kept). */
  instanceId: string;
  /** True only when this instance has not started serving yet. */
  beforeServing: boolean;
  /** Age after which unreferenced blobs and temp files count as abandoned. Default 1 h. */
  graceMs?: number;
  signal?: AbortSignal;
}

export interface RecoveryReport {
  /** No other instance was live, so the sweep could use the tight cutoff. */
  exclusive: boolean;
  tempFilesRemoved: number;
  blobsScanned: number;
  orphanBlobsRemoved: number;
}

const BATCH = 512;
export const DEFAULT_GRACE_MS = 60 * 60 * 1000;
const STARTUP_MARGIN_MS = 50;

export async function recoverStorage(opts: RecoveryOptions): Promise<RecoveryReport> {
  const started = Date.now();
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const instances = await opts.meta.instances.live();
  const live = new Set(instances.map((i) => i.id));
  live.add(opts.instanceId);
  const exclusive = live.size === 1;
  const report: RecoveryReport = { exclusive, tempFilesRemoved: 0, blobsScanned: 0, orphanBlobsRemoved: 0 };
  report.tempFilesRemoved = await opts.blobs.cleanTemp({ live, olderThan: new Date(started - graceMs), signal: opts.signal });
  const writers = instances.filter((i) => !opts.beforeServing || i.id !== opts.instanceId).map((i) => i.registeredAt.getTime());
  const cutoff = Math.max(started - graceMs, Math.min(started, ...writers) - STARTUP_MARGIN_MS);

  let batch: string[] = [];
  const sweep = async () => {
    const ids = batch;
    batch = [];
    const referenced = await opts.meta.read((tx) => tx.blobRefs.referenced(ids), { signal: opts.signal });
    for (const id of ids) {
      if (referenced.has(id)) continue;
      const stat = await opts.blobs.stat(id, { signal: opts.signal });
      if (stat === undefined || stat.modifiedAt.getTime() >= cutoff) continue;
      await opts.blobs.delete(id, { signal: opts.signal });
      report.orphanBlobsRemoved++;
    }
  };
  for await (const id of opts.blobs.list({ signal: opts.signal })) {
    report.blobsScanned++;
    batch.push(id);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length > 0) await sweep();
  return report;
}
