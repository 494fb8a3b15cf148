/**
 * PutObject: one blob write, then one metadata transaction. A cheap read first refuses
 * writes to a missing bucket or failing conditions before a large body is streamed; the
 * transaction re-checks both, so the pre-check is only an optimisation.
 */
import type { Segment } from '../meta/index.js';
import { assertKey, noSuchBucket, type EngineContext } from './context.js';
import { commitVersion, type VersionDraft } from './commit-version.js';
import { ingest, type Ingested } from './ingest.js';
import { checkWriteConditions } from './preconditions.js';
import type { PutObjectInput, WriteResult } from './types.js';

/** Bodies up to this size skip the pre-check: streaming them costs less than the lookup. */
const PRECHECK_ABOVE = 1024 * 1024;

export async function precheckWrite(
  ctx: EngineContext,
  bucket: string,
  key: string,
  conditions: { ifMatch?: string; ifNoneMatch?: string } | undefined,
  signal?: AbortSignal,
): Promise<void> {
  await ctx.meta.read(
    async (tx) => {
      if ((await tx.buckets.get(bucket)) === undefined) throw noSuchBucket(bucket);
      if (conditions !== undefined) checkWriteConditions(conditions, await tx.objects.getLatest(bucket, key), key);
    },
    { signal },
  );
}

/** A simple object's one segment; an empty object has none. */
export function segmentsOf(data: Ingested): Segment[] {
  return data.blobId === undefined ? [] : [{ blobId: data.blobId, size: data.size }];
}

export async function putObject(ctx: EngineContext, input: PutObjectInput): Promise<WriteResult> {
  assertKey(ctx, input.key);
  const length = input.claims.contentLength;
  if (length === undefined || length > PRECHECK_ABOVE || input.conditions !== undefined) {
    await precheckWrite(ctx, input.bucket, input.key, input.conditions, input.signal);
  }
  const data = await ingest(ctx, input.body, input.claims, {
    maxSize: ctx.limits.maxPutSize,
    elideEmpty: true,
    ...(ctx.defaultChecksum ? { algorithm: ctx.defaultChecksum } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return commitIngested(
    ctx,
    data,
    { bucket: input.bucket, key: input.key, owner: input.owner, headers: input.headers, tags: input.tags ?? {}, ...(input.acl ? { acl: input.acl } : {}) },
    input.conditions,
  );
}

/**
 * Commits freshly ingested bytes as the key's new version (PutObject, CopyObject). If the
 * transaction fails, the new blobs are discarded; once it commits, the superseded ones are.
 */
export async function commitIngested(
  ctx: EngineContext,
  data: Ingested,
  target: Pick<VersionDraft, 'bucket' | 'key' | 'owner' | 'headers' | 'tags' | 'acl'>,
  conditions: { ifMatch?: string; ifNoneMatch?: string } | undefined,
): Promise<WriteResult> {
  const etag = `"${data.md5.toString('hex')}"`;
  const checksum = data.checksum && { algorithm: data.checksum.algorithm, type: 'FULL_OBJECT' as const, value: data.checksum.value };
  const segments = segmentsOf(data);
  let committed;
  try {
    committed = await ctx.meta.write((tx) =>
      commitVersion(ctx, tx, { ...target, size: data.size, etag, ...(checksum ? { checksum } : {}), segments }, conditions),
    );
  } catch (e) {
    ctx.discard(segments.map((s) => s.blobId));
    throw e;
  }
  ctx.discard(committed.garbage);
  const out: WriteResult = { etag, versionId: committed.versionId, lastModified: committed.lastModified, size: data.size };
  if (checksum) out.checksum = checksum;
  if (committed.replicationQueued) out.replicationQueued = true;
  return out;
}
