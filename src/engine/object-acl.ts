/** Object ACLs (canned only), per version: the latest when no version id is given. */
import type { EngineContext } from './context.js';
import { noSuchBucket } from './context.js';
import { assertVersionId } from './ids.js';
import { checkFound, resolveVersion, type VersionAddress } from './resolve-version.js';
import type { CannedAcl } from './types.js';

export async function getObjectAcl(ctx: EngineContext, at: VersionAddress): Promise<{ versionId: string; owner: string; acl: CannedAcl }> {
  const v = await resolveVersion(ctx, at, 'read');
  return { versionId: v.versionId, owner: v.owner, acl: v.acl ?? 'private' };
}

export async function putObjectAcl(ctx: EngineContext, at: VersionAddress, acl: CannedAcl): Promise<{ versionId: string }> {
  assertVersionId(at.versionId);
  return ctx.meta.write(async (tx) => {
    const found =
      at.versionId === undefined
        ? await tx.objects.getLatest(at.bucket, at.key)
        : await tx.objects.getVersion(at.bucket, at.key, at.versionId);
    if (found === undefined && (await tx.buckets.get(at.bucket)) === undefined) throw noSuchBucket(at.bucket);
    const v = checkFound(found, at, 'read');
    await tx.objects.setAcl(at.bucket, at.key, v.versionId, acl);
    return { versionId: v.versionId };
  });
}
