/**
 * Ownership checks the service applies beyond the request's own bucket: the
 * source bucket of a copy must belong to the caller too. (The tenancy issue
 * replaces ownership with policy evaluation.)
 */
import { fail } from '../../core/errors.js';
import type { Bucket } from '../../engine/types.js';
import { requirePrincipal, type S3Context } from '../context.js';

export async function assertSourceReadable(ctx: S3Context, bucket: string): Promise<Bucket> {
  const b = await ctx.deps.engine.getBucket(bucket);
  if (b.owner !== requirePrincipal(ctx).accountId) throw fail('AccessDenied', 'Access Denied', { resource: `/${bucket}` });
  return b;
}
