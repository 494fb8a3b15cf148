/** Object ACLs (canned only), per version: the latest when no version id is given. */
import type { EngineContext } from './context.js';
import { resolveVersion, updateVersion, type VersionAddress } from './resolve-version.js';
import type { CannedAcl } from './types.js';

export async function getObjectAcl(ctx: EngineContext, at: VersionAddress): Promise<{ versionId: string; owner: string; acl: CannedAcl }> {
  const v = await resolveVersion(ctx, at, 'read');
  return { versionId: v.versionId, owner: v.owner, acl: v.acl ?? 'private' };
}

export function putObjectAcl(ctx: EngineContext, at: VersionAddress, acl: CannedAcl): Promise<{ versionId: string }> {
  return updateVersion(ctx, at, (tx, v) => tx.objects.setAcl(at.bucket, at.key, v.versionId, acl));
}
