/**
 * DeleteObject. With a version id: permanently remove that version or marker (the next
 * newest becomes latest). Without: never-versioned buckets remove the 'null' object
 * (idempotent); Enabled buckets add a delete marker; Suspended buckets add a 'null' delete
 * marker that replaces any 'null' version. A new delete marker is queued for replication where
 * a rule replicates delete markers; removing a specific version is never replicated (S3 V2).
 */
import type { NewObjectVersion } from '../meta/index.js';
import { noSuchBucket, type EngineContext } from './context.js';
import { blobsOf } from './commit-version.js';
import { assertVersionId } from './ids.js';
import { enqueueReplication } from './replication.js';
import type { DeleteResult } from './types.js';

export async function deleteObject(
  ctx: EngineContext,
  input: { bucket: string; key: string; versionId?: string; owner: string },
): Promise<DeleteResult> {
  assertVersionId(input.versionId);
  const { result, garbage } = await ctx.meta.write(async (tx) => {
    const bucket = await tx.buckets.get(input.bucket);
    if (bucket === undefined) throw noSuchBucket(input.bucket);
    if (input.versionId !== undefined) {
      const removed = await tx.objects.remove(input.bucket, input.key, input.versionId);
      return { result: { versionId: input.versionId, deleteMarker: removed?.deleteMarker ?? false }, garbage: blobsOf(removed) };
    }
    if (bucket.versioning === undefined) {
      const removed = await tx.objects.remove(input.bucket, input.key, 'null');
      return { result: { deleteMarker: false }, garbage: blobsOf(removed) };
    }
    const now = ctx.now();
    const marker: NewObjectVersion = {
      bucket: input.bucket,
      key: input.key,
      versionId: 'null',
      deleteMarker: true,
      size: 0,
      etag: '',
      lastModified: now,
      owner: input.owner,
      headers: { userMetadata: {} },
      tags: {},
      segments: [],
    };
    let garbage: string[] = [];
    if (bucket.versioning === 'Enabled') marker.versionId = ctx.newVersionId(now);
    else garbage = blobsOf(await tx.objects.remove(input.bucket, input.key, 'null', { replacing: true }));
    const replicationStatus = await enqueueReplication(tx, marker);
    if (replicationStatus !== undefined) marker.replicationStatus = replicationStatus;
    await tx.objects.insertLatest(marker);
    return { result: { versionId: marker.versionId, deleteMarker: true, ...(replicationStatus !== undefined ? { replicationQueued: true } : {}) }, garbage };
  });
  ctx.discard(garbage);
  return result;
}
