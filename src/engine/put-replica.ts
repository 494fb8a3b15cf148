/**
 * putReplica: the destination side of replication. Writes a version (or delete marker) with the
 * source's version id and lastModified and status REPLICA, never queues it for further
 * replication (no chains, no loops), and is idempotent: a version id already present is a
 * no-op success, so a retried or doubly-sent task is harmless.
 *
 * The bytes are checked before anything becomes visible: the size claim, the MD5 for a plain
 * ETag, and a FULL_OBJECT checksum. A multipart source (ETag "<md5>-N") keeps its ETag and
 * COMPOSITE checksum, which cannot be recomputed from the whole body, so only size and any
 * full-object checksum are checked there; the replica is stored as one segment (GET
 * ?partNumber= on it answers as for a single-part object).
 *
 * Versions reach a destination in order per key (the queue hands out a key's oldest task
 * first), so inserting as the key's latest keeps the source's order.
 */
import { fail } from '../core/errors.js';
import type { NewObjectVersion } from '../meta/index.js';
import { assertKey, noSuchBucket, type EngineContext } from './context.js';
import { assertVersionId } from './ids.js';
import { ingest, type Ingested } from './ingest.js';
import { segmentsOf } from './put-object.js';
import type { PayloadClaims, ReplicaWrite } from './types.js';

const PLAIN_ETAG = /^"([0-9a-f]{32})"$/;

type Check = 'absent' | 'present';

/** Bucket must exist with versioning Enabled (S3 requires it of replication destinations). */
async function check(ctx: EngineContext, input: ReplicaWrite): Promise<Check> {
  return ctx.meta.read(
    async (tx) => {
      const bucket = await tx.buckets.get(input.destBucket);
      if (bucket === undefined) throw noSuchBucket(input.destBucket);
      if (bucket.versioning !== 'Enabled') {
        throw fail('InvalidRequest', 'Destination bucket must have versioning enabled.', { details: { BucketName: input.destBucket } });
      }
      return (await tx.objects.getVersion(input.destBucket, input.key, input.versionId)) === undefined ? 'absent' : 'present';
    },
    input.signal ? { signal: input.signal } : undefined,
  );
}

function claimsOf(input: ReplicaWrite): PayloadClaims {
  if (input.size === undefined) throw fail('InvalidArgument', 'A replicated object needs its size.');
  const claims: PayloadClaims = { contentLength: input.size };
  const md5 = input.etag === undefined ? undefined : PLAIN_ETAG.exec(input.etag)?.[1];
  if (md5 !== undefined) claims.md5Base64 = Buffer.from(md5, 'hex').toString('base64');
  if (input.checksum?.type === 'FULL_OBJECT') claims.checksum = { algorithm: input.checksum.algorithm, value: input.checksum.value };
  return claims;
}

export async function putReplica(ctx: EngineContext, input: ReplicaWrite): Promise<void> {
  assertKey(ctx, input.key);
  assertVersionId(input.versionId);
  if ((await check(ctx, input)) === 'present') {
    input.body?.destroy();
    return;
  }
  let data: Ingested | undefined;
  if (!input.deleteMarker) {
    if (input.body === undefined) throw fail('InvalidArgument', 'A replicated object needs a body.');
    data = await ingest(ctx, input.body, claimsOf(input), {
      maxSize: Number.MAX_SAFE_INTEGER,
      elideEmpty: true,
      ...(input.signal ? { signal: input.signal } : {}),
    });
  }
  const segments = data === undefined ? [] : segmentsOf(data);
  const version: NewObjectVersion = {
    bucket: input.destBucket,
    key: input.key,
    versionId: input.versionId,
    deleteMarker: input.deleteMarker,
    size: data?.size ?? 0,
    etag: data === undefined ? '' : (input.etag ?? `"${data.md5.toString('hex')}"`),
    lastModified: input.lastModified,
    // Replicas are owned by the destination bucket's owner (set in the transaction).
    owner: '',
    headers: input.deleteMarker ? { userMetadata: {} } : (input.headers ?? { userMetadata: {} }),
    tags: input.deleteMarker ? {} : (input.tags ?? {}),
    segments,
    replicationStatus: 'REPLICA',
  };
  if (!input.deleteMarker && input.checksum !== undefined) version.checksum = { ...input.checksum };
  if (!input.deleteMarker && input.acl !== undefined && input.acl !== 'private') version.acl = input.acl;
  let stored = false;
  try {
    stored = await ctx.meta.write(async (tx) => {
      const bucket = await tx.buckets.get(input.destBucket);
      if (bucket === undefined) throw noSuchBucket(input.destBucket);
      // A concurrent send of the same task won the race: keep its copy.
      if ((await tx.objects.getVersion(input.destBucket, input.key, input.versionId)) !== undefined) return false;
      await tx.objects.insertLatest({ ...version, owner: bucket.owner });
      return true;
    });
  } finally {
    if (!stored) ctx.discard(segments.map((s) => s.blobId));
  }
}
