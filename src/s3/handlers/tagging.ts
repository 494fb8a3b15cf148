/**
 * Get/Put/DeleteObjectTagging and Get/Put/DeleteBucketTagging.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
 */
import { fail } from '../../core/errors.js';
import { readSmallBody } from '../body.js';
import type { S3Context } from '../context.js';
import { validateTags } from '../headers.js';
import type { ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { MAX_BUCKET_TAGS } from '../xml/limits.js';
import { parseTagging, renderTagging, XML_BODY_LIMITS } from '../xml/index.js';
import { bucketOf, keyOf } from './target.js';

function target(ctx: S3Context): { bucket: string; key: string; versionId?: string } {
  const t: { bucket: string; key: string; versionId?: string } = { bucket: bucketOf(ctx), key: keyOf(ctx) };
  const v = ctx.query.get('versionId');
  if (v !== null) t.versionId = v;
  return t;
}

function versionHeaders(ctx: S3Context, versionId: string): Record<string, string> {
  return versionId !== 'null' || ctx.bucketInfo?.versioning !== undefined ? { 'x-amz-version-id': versionId } : {};
}

export async function getObjectTagging(ctx: S3Context): Promise<ProtocolResponse> {
  const r = await ctx.deps.engine.getObjectTagging(target(ctx));
  return xmlResponse(renderTagging({ tags: Object.entries(r.tags).map(([key, value]) => ({ key, value })) }), 200, versionHeaders(ctx, r.versionId));
}

export async function putObjectTagging(ctx: S3Context): Promise<ProtocolResponse> {
  const { tags: tagSet } = parseTagging(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.tagging }));
  const tags: Record<string, string> = {};
  for (const t of tagSet) tags[t.key] = t.value;
  validateTags(tags);
  const r = await ctx.deps.engine.putObjectTagging({ ...target(ctx), tags });
  return emptyResponse(200, versionHeaders(ctx, r.versionId));
}

export async function deleteObjectTagging(ctx: S3Context): Promise<ProtocolResponse> {
  const r = await ctx.deps.engine.deleteObjectTagging(target(ctx));
  return emptyResponse(204, versionHeaders(ctx, r.versionId));
}

/** Get/Put/DeleteBucketTagging: a bucket's own tag set (up to 50 tags), as S3 keeps it. */
export async function getBucketTagging(ctx: S3Context): Promise<ProtocolResponse> {
  const tags = await ctx.deps.engine.getBucketTagging(bucketOf(ctx));
  return xmlResponse(renderTagging({ tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }));
}

export async function putBucketTagging(ctx: S3Context): Promise<ProtocolResponse> {
  const { tags: tagSet } = parseTagging(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.bucketTagging }), { maxTags: MAX_BUCKET_TAGS });
  const tags: Record<string, string> = {};
  for (const t of tagSet) {
    // Tags beginning with aws: are AWS's own (cost allocation); S3 refuses them from users.
    if (t.key.toLowerCase().startsWith('aws:')) throw fail('InvalidTag', 'System tags cannot be added/updated by requester', { details: { TagKey: t.key } });
    tags[t.key] = t.value;
  }
  validateTags(tags, { max: MAX_BUCKET_TAGS, what: 'Bucket tags' });
  await ctx.deps.engine.putBucketTagging(bucketOf(ctx), tags);
  return emptyResponse(204);
}

export async function deleteBucketTagging(ctx: S3Context): Promise<ProtocolResponse> {
  await ctx.deps.engine.putBucketTagging(bucketOf(ctx), null);
  return emptyResponse(204);
}
