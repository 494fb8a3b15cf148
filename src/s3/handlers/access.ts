/**
 * Ownership checks the service applies beyond the request's own bucket: the
 * source bucket of a copy must belong to the caller too. (The tenancy issue
 * replaces ownership with policy evaluation.)
 */
import { fail } from '../../core/errors.js';
import { requirePrincipal, type S3Context } from '../context.js';

/** The source may live in another region: ask the directory, not the local engine. */
export async function assertSourceReadable(ctx: S3Context, bucket: string): Promise<void> {
  const b = await ctx.deps.placement.lookupBucket(bucket);
  if (b.owner !== requirePrincipal(ctx).accountId) throw fail('AccessDenied', 'Access Denied', { resource: `/${bucket}` });
}
