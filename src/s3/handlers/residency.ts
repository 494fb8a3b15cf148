/**
 * Sovra's ?residency bucket sub-resource: read, set (widening is an explicit act) and
 * reset to the fail-closed default. The placement layer validates zones against the
 * topology and refuses policies that would strand the bucket or its replicas.
 */
import { readSmallBody } from '../body.js';
import type { S3Context } from '../context.js';
import type { ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { parseResidencyPolicy, renderResidencyPolicy, XML_BODY_LIMITS } from '../xml/index.js';
import { bucketOf } from './target.js';

export async function getBucketResidency(ctx: S3Context): Promise<ProtocolResponse> {
  return xmlResponse(renderResidencyPolicy(await ctx.deps.placement.getResidency(bucketOf(ctx))));
}

export async function putBucketResidency(ctx: S3Context): Promise<ProtocolResponse> {
  const zones = parseResidencyPolicy(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.residencyPolicy }));
  await ctx.deps.placement.putResidency(bucketOf(ctx), zones);
  return emptyResponse(200);
}

export async function deleteBucketResidency(ctx: S3Context): Promise<ProtocolResponse> {
  await ctx.deps.placement.putResidency(bucketOf(ctx), undefined);
  return emptyResponse(204);
}
