/** Object tagging, per version (the latest when no version id is given). */
import type { EngineContext } from './context.js';
import { noSuchBucket } from './context.js';
import { assertVersionId } from './ids.js';
import { checkFound, resolveVersion, type VersionAddress } from './resolve-version.js';

export async function getObjectTagging(ctx: EngineContext, at: VersionAddress): Promise<{ versionId: string; tags: Record<string, string> }> {
  const v = await resolveVersion(ctx, at, 'read');
  return { versionId: v.versionId, tags: v.tags };
}

export async function setObjectTagging(
  ctx: EngineContext,
  at: VersionAddress,
  tags: Record<string, string>,
): Promise<{ versionId: string }> {
  assertVersionId(at.versionId);
  return ctx.meta.write(async (tx) => {
    const found =
      at.versionId === undefined
        ? await tx.objects.getLatest(at.bucket, at.key)
        : await tx.objects.getVersion(at.bucket, at.key, at.versionId);
    if (found === undefined && (await tx.buckets.get(at.bucket)) === undefined) throw noSuchBucket(at.bucket);
    const v = checkFound(found, at, 'read');
    await tx.objects.setTags(at.bucket, at.key, v.versionId, tags);
    return { versionId: v.versionId };
  });
}
