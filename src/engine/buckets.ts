/** Bucket lifecycle and bucket-level settings. */
import { fail } from '../core/errors.js';
import { noSuchBucket, type EngineContext } from './context.js';
import { toBucket } from './mappers.js';
import type { BucketRecord } from '../meta/index.js';
import type { Bucket, BucketUsage, CannedAcl, CorsRule, OwnerUsage } from './types.js';

export async function createBucket(
  ctx: EngineContext,
  input: { name: string; owner: string; region: string; acl?: CannedAcl },
): Promise<Bucket> {
  return ctx.meta.write(async (tx) => {
    const existing = await tx.buckets.get(input.name);
    if (existing === undefined) {
      const record: BucketRecord = { name: input.name, owner: input.owner, region: input.region, createdAt: ctx.now() };
      if (input.acl !== undefined && input.acl !== 'private') record.acl = input.acl;
      await tx.buckets.insert(record);
      return toBucket(record);
    }
    if (existing.owner === input.owner) {
      throw fail('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
        resource: input.name,
        details: { BucketName: input.name },
      });
    }
    throw fail(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      { resource: input.name, details: { BucketName: input.name } },
    );
  });
}

/** Refused while any version or delete marker remains; in-progress uploads go with the bucket. */
export async function deleteBucket(ctx: EngineContext, name: string): Promise<void> {
  const garbage = await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    if (await tx.objects.hasAny(name)) {
      throw fail('BucketNotEmpty', 'The bucket you tried to delete is not empty', { resource: name, details: { BucketName: name } });
    }
    const parts = await tx.uploads.removeByBucket(name);
    await tx.buckets.remove(name);
    return parts;
  });
  ctx.discard(garbage);
}

export async function getBucket(ctx: EngineContext, name: string): Promise<Bucket> {
  const b = await ctx.meta.read((tx) => tx.buckets.get(name), { snapshot: false });
  if (b === undefined) throw noSuchBucket(name);
  return toBucket(b);
}

export async function listBuckets(ctx: EngineContext, owner?: string): Promise<Bucket[]> {
  return (await ctx.meta.read((tx) => tx.buckets.list(owner))).map(toBucket);
}

export async function putBucketVersioning(ctx: EngineContext, name: string, status: 'Enabled' | 'Suspended'): Promise<void> {
  await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    // Replication relies on version ids; S3 likewise refuses to suspend versioning under it.
    if (status === 'Suspended' && (await tx.buckets.getReplication(name)) !== undefined) {
      throw fail('InvalidRequest', 'Versioning cannot be suspended on a bucket that has a replication configuration.', { details: { BucketName: name } });
    }
    await tx.buckets.setVersioning(name, status);
  });
}

export async function putBucketCors(ctx: EngineContext, name: string, rules: CorsRule[] | null): Promise<void> {
  await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    await tx.buckets.setCors(name, rules === null || rules.length === 0 ? undefined : rules);
  });
}

export async function getBucketCors(ctx: EngineContext, name: string): Promise<CorsRule[]> {
  return ctx.meta.read(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    return (await tx.buckets.getCors(name)) ?? [];
  });
}

/** null (or an empty set) removes the bucket's tags. */
export async function putBucketTagging(ctx: EngineContext, name: string, tags: Record<string, string> | null): Promise<void> {
  await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    await tx.buckets.setTags(name, tags === null || Object.keys(tags).length === 0 ? undefined : tags);
  });
}

export async function getBucketTagging(ctx: EngineContext, name: string): Promise<Record<string, string>> {
  return ctx.meta.read(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    const tags = await tx.buckets.getTags(name);
    if (tags === undefined) throw fail('NoSuchTagSet', 'The TagSet does not exist', { resource: name, details: { BucketName: name } });
    return tags;
  });
}

export async function putBucketPolicy(ctx: EngineContext, name: string, policy: string | undefined): Promise<void> {
  await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    await tx.buckets.setPolicy(name, policy);
  });
}

export async function putBucketAcl(ctx: EngineContext, name: string, acl: CannedAcl): Promise<void> {
  await ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    await tx.buckets.setAcl(name, acl);
  });
}

export async function bucketUsage(ctx: EngineContext, name: string): Promise<BucketUsage> {
  return ctx.meta.read(async (tx) => {
    if ((await tx.buckets.get(name)) === undefined) throw noSuchBucket(name);
    return tx.usage.get(name);
  });
}

export async function usageByOwner(ctx: EngineContext, owner: string): Promise<OwnerUsage> {
  return ctx.meta.read((tx) => tx.usage.byOwner(owner));
}
