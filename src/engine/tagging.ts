/** Object tagging, per version (the latest when no version id is given). */
import type { EngineContext } from './context.js';
import { resolveVersion, updateVersion, type VersionAddress } from './resolve-version.js';

export async function getObjectTagging(ctx: EngineContext, at: VersionAddress): Promise<{ versionId: string; tags: Record<string, string> }> {
  const v = await resolveVersion(ctx, at, 'read');
  return { versionId: v.versionId, tags: v.tags };
}

export function setObjectTagging(ctx: EngineContext, at: VersionAddress, tags: Record<string, string>): Promise<{ versionId: string }> {
  return updateVersion(ctx, at, (tx, v) => tx.objects.setTags(at.bucket, at.key, v.versionId, tags));
}
