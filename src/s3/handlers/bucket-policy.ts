/**
 * Put/Get/DeleteBucketPolicy. The policy is validated (with the line and reason of any
 * mistake) and kept verbatim, so GET returns what was PUT. Granting another account
 * (an operator's or partner's staff, or another customer) is a sovereignty event: each
 * grant and revocation is recorded.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
 */
import { fail } from '../../core/errors.js';
import { grantees, parsePolicy, type PolicyDocument } from '../../policy/index.js';
import { readSmallBody } from '../body.js';
import type { S3Context } from '../context.js';
import type { ProtocolResponse } from '../request.js';
import { emptyResponse } from '../respond.js';
import { bucketOf } from './target.js';

/** AWS's limit on a bucket policy. */
const MAX_POLICY_BYTES = 20 * 1024;

export async function getBucketPolicy(ctx: S3Context): Promise<ProtocolResponse> {
  const name = bucketOf(ctx);
  const b = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(name));
  if (b.policy === undefined) throw fail('NoSuchBucketPolicy', 'The bucket policy does not exist', { resource: `/${name}`, details: { BucketName: name } });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: b.policy };
}

export async function putBucketPolicy(ctx: S3Context): Promise<ProtocolResponse> {
  const name = bucketOf(ctx);
  const text = (await readSmallBody(ctx, { maxBytes: MAX_POLICY_BYTES })).toString('utf8');
  // As on S3, a bucket policy may only speak of its own bucket and its objects.
  const doc = parsePolicy(text, 'bucket', { bucket: name });
  const before = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(name));
  await ctx.deps.engine.putBucketPolicy(name, text);
  await recordGrantChanges(ctx, before.owner, name, before.policy === undefined ? undefined : parsePolicy(before.policy, 'bucket'), doc);
  return emptyResponse(204);
}

export async function deleteBucketPolicy(ctx: S3Context): Promise<ProtocolResponse> {
  const name = bucketOf(ctx);
  const before = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(name));
  await ctx.deps.engine.putBucketPolicy(name, undefined);
  if (before.policy !== undefined) await recordGrantChanges(ctx, before.owner, name, parsePolicy(before.policy, 'bucket'), undefined);
  return emptyResponse(204);
}

/** Accounts (or everyone, as '*') other than the owner that Allow statements name. */
function foreignGrantees(doc: PolicyDocument | undefined, owner: string): Set<string> {
  const out = new Set<string>();
  if (!doc) return out;
  const g = grantees(doc);
  if (g.any) out.add('*');
  for (const a of g.accounts) if (a !== owner) out.add(a);
  for (const u of g.users) {
    const account = /^arn:aws:iam::(\d{12}):/.exec(u)?.[1];
    if (account !== undefined && account !== owner) out.add(account);
  }
  return out;
}

async function recordGrantChanges(ctx: S3Context, owner: string, bucket: string, before: PolicyDocument | undefined, after: PolicyDocument | undefined): Promise<void> {
  const recorder = ctx.deps.accessRecorder;
  if (!recorder) return;
  const was = foreignGrantees(before, owner);
  const now = foreignGrantees(after, owner);
  const actor = ctx.principal?.userArn ?? 'anonymous';
  for (const a of now) {
    if (!was.has(a)) await recorder.record({ kind: 'grant', ownerAccountId: owner, principalAccountId: a, bucket, region: ctx.deps.region, detail: `bucket policy set by ${actor}` });
  }
  for (const a of was) {
    if (!now.has(a)) await recorder.record({ kind: 'revoke', ownerAccountId: owner, principalAccountId: a, bucket, region: ctx.deps.region, detail: `bucket policy changed by ${actor}` });
  }
}
