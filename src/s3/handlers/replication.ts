/**
 * Bucket replication configuration: Get/Put/DeleteBucketReplication.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
 * The engine checks that the source bucket has versioning Enabled. Whether each destination
 * exists, has versioning and may hold this bucket's data (residency) is checked by the
 * regional router before the engine sees the configuration.
 */
import { fail } from '../../core/errors.js';
import { readSmallBody } from '../body.js';
import { bucketNameProblem } from '../bucket-name.js';
import type { S3Context } from '../context.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { parseReplicationConfiguration, REPLICATION_BODY_LIMIT } from '../xml/parse-replication.js';
import { renderReplicationConfiguration } from '../xml/render-replication.js';
import { bucketOf } from './target.js';

export async function getBucketReplication(ctx: S3Context) {
  const bucket = bucketOf(ctx);
  const config = await ctx.deps.engine.getBucketReplication(bucket);
  if (config === undefined) {
    throw fail('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', { details: { BucketName: bucket } });
  }
  return xmlResponse(renderReplicationConfiguration(config));
}

export async function putBucketReplication(ctx: S3Context) {
  const bucket = bucketOf(ctx);
  const config = parseReplicationConfiguration(await readSmallBody(ctx, { maxBytes: REPLICATION_BODY_LIMIT }));
  for (const rule of config.rules) {
    const problem = bucketNameProblem(rule.destinationBucket);
    if (problem !== undefined) throw fail('InvalidArgument', `Invalid destination bucket "${rule.destinationBucket}": ${problem}.`);
    if (rule.destinationBucket === bucket) throw fail('InvalidRequest', 'Destination bucket cannot be the same as the source bucket.');
  }
  await ctx.deps.engine.putBucketReplication(bucket, config);
  return emptyResponse(200);
}

export async function deleteBucketReplication(ctx: S3Context) {
  await ctx.deps.engine.putBucketReplication(bucketOf(ctx), null);
  return emptyResponse(204);
}
