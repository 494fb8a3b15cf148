/**
 * Applying authorization and quotas to a parsed, authenticated S3 request. The decisions
 * themselves are in authorize.ts (pure); this module fetches what they need (the bucket
 * with its policy and ACL, an object's ACL, the owner's account) and records each use of
 * another account's data.
 */
import { fail, isAppError } from '../core/errors.js';
import type { Bucket } from '../engine/types.js';
import type { Principal } from '../tenancy/model.js';
import { accessDenied, actionFor, bucketArn, conditionContext, decide, objectArn, objectAclGrants, resourceFor } from './authorize.js';
import type { S3Context } from './context.js';
import { header } from './request.js';

/** Operations whose object may carry a public-read ACL that grants what policies did not. */
const OBJECT_ACL_OPS = new Set(['GetObject', 'HeadObject']);

/** Operations that add bytes to the owner's stored total. */
const BYTE_WRITES = new Set(['PutObject', 'CopyObject', 'UploadPart', 'UploadPartCopy', 'PostObject']);

async function bucketFor(ctx: S3Context, name: string): Promise<Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'>> {
  if (ctx.op.name !== 'GetBucketLocation') return ctx.deps.engine.getBucket(name);
  // Answered by any endpoint, as on S3 (it is how clients find a bucket's region): the
  // directory knows the owner even where the bucket's settings are out of reach.
  return ownerOnlyWhenRemote(ctx, name);
}

/** The bucket's settings where this node holds it, else its owner from the directory (no grants apply). */
export async function ownerOnlyWhenRemote(ctx: S3Context, name: string): Promise<Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'>> {
  try {
    return await ctx.deps.engine.getBucket(name);
  } catch (e) {
    if (!isAppError(e) || e.code !== 'PermanentRedirect') throw e;
    const entry = await ctx.deps.placement.lookupBucket(name);
    return { name, owner: entry.owner, acl: 'private' };
  }
}

/** Throws AccessDenied unless the caller may perform the request's operation. */
export async function authorizeOperation(ctx: S3Context, at: Date): Promise<void> {
  const { op } = ctx;
  const action = actionFor(op, ctx.query);
  const resource = resourceFor(op);
  let bucket: Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'> | undefined;
  if ('bucket' in op && op.bucket !== undefined && op.name !== 'CreateBucket') {
    bucket = await bucketFor(ctx, op.bucket);
    if (op.name !== 'GetBucketLocation') ctx.bucketInfo = bucket as Bucket;
  }
  // DeleteObjects is authorized per key by its handler, as on S3 (a policy on bucket/* must work).
  if (op.name === 'DeleteObjects') return;
  const decision = decide({ principal: ctx.principal, action, resource, ...(bucket ? { bucket } : {}), context: () => conditionContext(ctx, ctx.principal, at, op) });
  if (decision.effect === 'deny') {
    const denied = accessDenied(resource.replace(/^arn:aws:s3:::/, '/'), decision);
    if (decision.explicit || bucket === undefined || !OBJECT_ACL_OPS.has(op.name) || !('key' in op) || op.key === undefined) throw denied;
    const state = await objectAclState(ctx, bucket.name, op.key);
    if (state === 'missing' && ctx.query.get('versionId') === null && mayList(ctx, bucket, at)) {
      // S3 tells a caller who may list the bucket that the key is not there (404), and
      // anyone else only that access is denied (403), so that keys cannot be probed.
      await recordForeignUse(ctx, bucket, 's3:ListBucket');
      throw fail('NoSuchKey', 'The specified key does not exist.', { resource: op.key, details: { Key: op.key } });
    }
    if (state !== 'public') throw denied;
  }
  if (bucket) await recordForeignUse(ctx, bucket, action);
}

/**
 * An object-level check inside an operation: each key of DeleteObjects, the source of a copy.
 * `bucket` defaults to the request's bucket.
 */
export async function authorizeObjectAccess(ctx: S3Context, o: { action: string; key: string; bucket?: Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'>; versionId?: string }): Promise<void> {
  const bucket = o.bucket ?? ctx.bucketInfo;
  if (!bucket) throw new Error('authorizeObjectAccess needs the bucket');
  const resource = objectArn(bucket.name, o.key);
  const decision = decide({ principal: ctx.principal, action: o.action, resource, bucket, context: () => conditionContext(ctx, ctx.principal, (ctx.deps.now ?? (() => new Date()))()) });
  if (decision.effect === 'deny') {
    const publicRead = !decision.explicit && objectAclGrants(o.action, 'public-read') && (await objectIsPublic(ctx, bucket.name, o.key, o.versionId));
    if (!publicRead) throw accessDenied(`/${bucket.name}/${o.key}`, decision);
  }
  if (bucket !== ctx.bucketInfo) await recordForeignUse(ctx, bucket, o.action);
}

/** PostObject: the form's signer must be allowed s3:PutObject on the key it uploads. */
export async function authorizePost(ctx: S3Context, principal: Principal, bucket: Bucket, key: string): Promise<void> {
  ctx.principal = principal;
  ctx.bucketInfo = bucket;
  await authorizeObjectAccess(ctx, { action: 's3:PutObject', key, bucket });
  await recordForeignUse(ctx, bucket, 's3:PutObject');
  await admitQuotas(ctx);
}

async function objectIsPublic(ctx: S3Context, bucket: string, key: string, versionId?: string): Promise<boolean> {
  return (await objectAclState(ctx, bucket, key, versionId)) === 'public';
}

/** Whether the object's own ACL makes it public-read, and whether it exists at all. */
async function objectAclState(ctx: S3Context, bucket: string, key: string, versionId?: string): Promise<'public' | 'private' | 'missing'> {
  try {
    const vid = versionId ?? ctx.query.get('versionId') ?? undefined;
    const info = await ctx.deps.engine.headObject({ bucket, key, ...(vid !== undefined ? { versionId: vid } : {}) });
    return objectAclGrants('s3:GetObject', info.info.acl) ? 'public' : 'private';
  } catch (e) {
    // Only a key that is not there counts as missing; any other failure reveals nothing.
    return isAppError(e) && e.code === 'NoSuchKey' ? 'missing' : 'private';
  }
}

/** Whether the caller may list the bucket (s3:ListBucket), which decides 404 against 403. */
function mayList(ctx: S3Context, bucket: Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'>, at: Date): boolean {
  return decide({ principal: ctx.principal, action: 's3:ListBucket', resource: bucketArn(bucket.name), bucket, context: () => conditionContext(ctx, ctx.principal, at) }).effect === 'allow';
}

/**
 * Sovereignty log: a principal of another account (an operator's or partner's staff, or
 * another customer) used a grant in the owner's bucket policy. Recorded before the
 * operation runs, with the bucket and action only (never an object key).
 */
async function recordForeignUse(ctx: S3Context, bucket: Pick<Bucket, 'name' | 'owner'>, action: string): Promise<void> {
  const p = ctx.principal;
  if (!p || p.accountId === bucket.owner || !ctx.deps.accessRecorder) return;
  await ctx.deps.accessRecorder.record({
    kind: 'use', ownerAccountId: bucket.owner, principalAccountId: p.accountId, principalArn: p.userArn,
    bucket: bucket.name, action, region: ctx.deps.region,
  });
}

/** Request rate, bucket count and stored bytes of the account that pays (the bucket's owner). */
export async function admitQuotas(ctx: S3Context): Promise<void> {
  const quotas = ctx.deps.quotas;
  if (!quotas) return;
  const payer = ctx.bucketInfo?.owner ?? ctx.principal?.accountId;
  if (payer === undefined) return;
  await quotas.admitRequest(payer);
  if (ctx.op.name === 'CreateBucket') await quotas.admitBucket(payer);
  else if (BYTE_WRITES.has(ctx.op.name)) await quotas.admitBytes(payer, incomingBytes(ctx));
}

function incomingBytes(ctx: S3Context): number | undefined {
  const h = ctx.req.headers;
  const raw = header(h, 'x-amz-decoded-content-length') ?? (ctx.op.name === 'CopyObject' || ctx.op.name === 'UploadPartCopy' ? undefined : header(h, 'content-length'));
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
