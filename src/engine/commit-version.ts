/**
 * The metadata half of every write that creates an object version (PutObject, CopyObject,
 * CompleteMultipartUpload), run inside one write transaction after the bytes are durable:
 * conditional-write checks against the key's latest version, then S3 versioning semantics.
 * Enabled: a new version with a fresh id. Suspended or never enabled: the 'null' version is
 * replaced, wherever it sits in the history, and the new one becomes latest. Replication
 * tasks for the new version are queued in the same transaction (replication.ts).
 */
import type { CannedAclName, MetaTx, Segment, StoredChecksum, StoredHeaders } from '../meta/index.js';
import { noSuchBucket, type EngineContext } from './context.js';
import { checkWriteConditions } from './preconditions.js';
import { enqueueReplication } from './replication.js';

export interface VersionDraft {
  bucket: string;
  key: string;
  owner: string;
  size: number;
  etag: string;
  headers: StoredHeaders;
  tags: Record<string, string>;
  checksum?: StoredChecksum;
  segments: Segment[];
  /** Absent: private. */
  acl?: CannedAclName;
}

export interface Committed {
  versionId: string;
  lastModified: Date;
  /** Blobs no longer referenced (the replaced 'null' version's); delete after commit. */
  garbage: string[];
  /** Whether replication tasks were queued for this version. */
  replicationQueued: boolean;
}

export async function commitVersion(
  ctx: EngineContext,
  tx: MetaTx,
  draft: VersionDraft,
  conditions?: { ifMatch?: string; ifNoneMatch?: string },
): Promise<Committed> {
  const bucket = await tx.buckets.get(draft.bucket);
  if (bucket === undefined) throw noSuchBucket(draft.bucket);
  if (conditions !== undefined) checkWriteConditions(conditions, await tx.objects.getLatest(draft.bucket, draft.key), draft.key);
  const lastModified = ctx.now();
  const garbage: string[] = [];
  let versionId: string;
  if (bucket.versioning === 'Enabled') {
    versionId = ctx.newVersionId(lastModified);
  } else {
    versionId = 'null';
    const replaced = await tx.objects.remove(draft.bucket, draft.key, 'null', { replacing: true });
    if (replaced?.segments !== undefined) garbage.push(...replaced.segments.map((s) => s.blobId));
  }
  const replicationStatus = await enqueueReplication(tx, { bucket: draft.bucket, key: draft.key, versionId, deleteMarker: false, lastModified });
  await tx.objects.insertLatest({ ...draft, versionId, deleteMarker: false, lastModified, ...(replicationStatus ? { replicationStatus } : {}) });
  return { versionId, lastModified, garbage, replicationQueued: replicationStatus !== undefined };
}

/** Blob ids of a removed version, if any. */
export function blobsOf(v: { segments?: Segment[] } | undefined): string[] {
  return v?.segments?.map((s) => s.blobId) ?? [];
}
