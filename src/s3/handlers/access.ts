/**
 * Checks the service applies beyond the request's own target: the source object of a copy
 * must be readable by the caller (s3:GetObject, or s3:GetObjectVersion for a version), by
 * the same policies, ACLs and sovereignty log as a GET.
 */
import { authorizeObjectAccess, ownerOnlyWhenRemote } from '../authorize-request.js';
import type { S3Context } from '../context.js';

/** The source may live in another region: the router finds its bucket wherever it is. */
export async function assertSourceReadable(ctx: S3Context, source: { bucket: string; key: string; versionId?: string }): Promise<void> {
  // A source in another region is judged by its owner alone: its policy stays in its region,
  // so grants to other accounts do not extend to copies made elsewhere (stricter, never looser).
  const bucket = await ownerOnlyWhenRemote(ctx, source.bucket);
  await authorizeObjectAccess(ctx, {
    action: source.versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject',
    key: source.key,
    bucket,
    ...(source.versionId !== undefined ? { versionId: source.versionId } : {}),
  });
}
