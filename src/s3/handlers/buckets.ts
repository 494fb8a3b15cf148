/**
 * Bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket,
 * GetBucketLocation, Get/PutBucketVersioning, bucket and object ACLs, and the
 * read side of bucket configuration Sovra does not support setting yet.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 * ACLs live in acl.ts (re-exported here for the handler table).
 */
import { fail, type ErrorCode } from '../../core/errors.js';
import { assertValidBucketName } from '../bucket-name.js';
import { applyBucketTerms } from '../bucket-terms.js';
import { readSmallBody } from '../body.js';
import { requirePrincipal, type S3Context } from '../context.js';
import { header, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import {
  parseCreateBucketConfiguration,
  parseVersioningConfiguration,
  renderEmptyConfiguration,
  renderListAllMyBuckets,
  renderLocationConstraint,
  renderRequestPaymentConfiguration,
  renderVersioningConfiguration,
  XML_BODY_LIMITS,
  type EmptyConfigurationRoot,
} from '../xml/index.js';
import { readAclHeader } from './acl.js';
import { bucketOf } from './target.js';

export { getAcl, putAcl } from './acl.js';

export async function listBuckets(ctx: S3Context): Promise<ProtocolResponse> {
  const p = requirePrincipal(ctx);
  const buckets = await ctx.deps.engine.listBuckets(p.accountId);
  return xmlResponse(
    renderListAllMyBuckets({
      owner: { id: p.accountId, displayName: p.displayName },
      buckets: buckets.map((b) => ({ name: b.name, creationDate: b.createdAt, region: b.region })),
    }),
  );
}

export async function createBucket(ctx: S3Context): Promise<ProtocolResponse> {
  const name = bucketOf(ctx);
  assertValidBucketName(name);
  const acl = readAclHeader(ctx.req.headers);
  if (header(ctx.req.headers, 'x-amz-bucket-object-lock-enabled')?.toLowerCase() === 'true') {
    throw fail('NotImplemented', 'Object Lock is not implemented in Sovra yet.');
  }
  const raw = (await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.createBucketConfiguration })).toString('utf8');
  let region: string | undefined;
  if (raw.trim() !== '') {
    const conf = parseCreateBucketConfiguration(raw);
    if (conf.locationConstraint !== undefined && conf.locationConstraint !== '') region = conf.locationConstraint;
  }
  // Sovra-specific: a residency policy given at creation (zones, comma-separated).
  const residency = header(ctx.req.headers, 'x-sovra-residency');
  const terms = await applyBucketTerms(ctx, {
    ...(region !== undefined ? { region } : {}),
    ...(residency !== undefined ? { zones: residency.split(',') } : {}),
  }, ctx.deps.region);
  // The new bucket is the request's bucket from now on (its owner pays for the request).
  ctx.bucketInfo = await ctx.deps.placement.createBucket({ name, owner: requirePrincipal(ctx).accountId, ...terms, ...(acl !== undefined ? { acl } : {}) });
  return emptyResponse(200, { location: `/${name}` });
}

export async function deleteBucket(ctx: S3Context): Promise<ProtocolResponse> {
  await ctx.deps.engine.deleteBucket(bucketOf(ctx));
  return emptyResponse(204);
}

export async function headBucket(ctx: S3Context): Promise<ProtocolResponse> {
  const b = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(bucketOf(ctx)));
  return emptyResponse(200, { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' });
}

export async function getBucketLocation(ctx: S3Context): Promise<ProtocolResponse> {
  const b = await ctx.deps.placement.lookupBucket(bucketOf(ctx));
  return xmlResponse(renderLocationConstraint({ region: b.region }));
}

export async function getBucketVersioning(ctx: S3Context): Promise<ProtocolResponse> {
  const b = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(bucketOf(ctx)));
  return xmlResponse(renderVersioningConfiguration(b.versioning ? { status: b.versioning } : {}));
}

export async function putBucketVersioning(ctx: S3Context): Promise<ProtocolResponse> {
  const conf = parseVersioningConfiguration(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.versioningConfiguration }));
  if (conf.status === undefined) throw fail('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  await ctx.deps.engine.putBucketVersioning(bucketOf(ctx), conf.status);
  return emptyResponse(200);
}

const UNSET: Record<string, { code?: ErrorCode; message?: string; element?: EmptyConfigurationRoot | 'RequestPaymentConfiguration' }> = {
  policy: { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' },
  policyStatus: { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' },
  lifecycle: { code: 'NoSuchLifecycleConfiguration', message: 'The lifecycle configuration does not exist' },
  encryption: { code: 'ServerSideEncryptionConfigurationNotFoundError', message: 'The server side encryption configuration was not found' },
  website: { code: 'NoSuchWebsiteConfiguration', message: 'The specified bucket does not have a website configuration' },
  replication: { code: 'ReplicationConfigurationNotFoundError', message: 'The replication configuration was not found' },
  'object-lock': { code: 'ObjectLockConfigurationNotFoundError', message: 'Object Lock configuration does not exist for this bucket' },
  ownershipControls: { code: 'OwnershipControlsNotFoundError', message: 'The bucket ownership controls were not found' },
  publicAccessBlock: { code: 'NoSuchPublicAccessBlockConfiguration', message: 'The public access block configuration was not found' },
  logging: { element: 'BucketLoggingStatus' },
  notification: { element: 'NotificationConfiguration' },
  accelerate: { element: 'AccelerateConfiguration' },
  requestPayment: { element: 'RequestPaymentConfiguration' },
};

/**
 * A bucket sub-resource Sovra cannot configure: GET reports it unset exactly as
 * S3 does for a bucket without it; DELETE of something unset succeeds.
 */
export async function getBucketUnsetConfig(ctx: S3Context): Promise<ProtocolResponse> {
  if (ctx.op.name !== 'GetBucketUnsetConfig') throw new Error('unreachable');
  if (ctx.req.method === 'DELETE') return emptyResponse(204);
  const spec = UNSET[ctx.op.subresource];
  if (spec?.code) throw fail(spec.code, spec.message ?? 'Not set', { resource: `/${ctx.op.bucket}`, details: { BucketName: ctx.op.bucket } });
  if (spec?.element === 'RequestPaymentConfiguration') return xmlResponse(renderRequestPaymentConfiguration({ payer: 'BucketOwner' }));
  if (spec?.element) return xmlResponse(renderEmptyConfiguration(spec.element));
  throw fail('NotImplemented', `The "${ctx.op.subresource}" bucket configuration is not implemented in Sovra yet.`);
}
