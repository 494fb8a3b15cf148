/**
 * Accessors for the bucket and key of the operation, for handlers whose
 * operation type guarantees them.
 */
import type { S3Context } from '../context.js';

export function bucketOf(ctx: S3Context): string {
  if (!('bucket' in ctx.op) || ctx.op.bucket === undefined) throw new Error(`${ctx.op.name} has no bucket`);
  return ctx.op.bucket;
}

export function keyOf(ctx: S3Context): string {
  if (!('key' in ctx.op) || ctx.op.key === undefined) throw new Error(`${ctx.op.name} has no key`);
  return ctx.op.key;
}
