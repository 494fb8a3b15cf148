/** ListObjects(V2), ListObjectVersions and ListMultipartUploads over the metadata listings. */
import { fail } from '../core/errors.js';
import type { MetaTx } from '../meta/index.js';
import { noSuchBucket, type EngineContext } from './context.js';
import { assertVersionId } from './ids.js';
import { toObjectInfo, toUpload, toVersionEntry } from './mappers.js';
import type {
  ListObjectsInput,
  ListObjectsResult,
  ListUploadsInput,
  ListUploadsResult,
  ListVersionsInput,
  ListVersionsResult,
} from './types.js';

async function requireBucket(tx: MetaTx, bucket: string): Promise<void> {
  if ((await tx.buckets.get(bucket)) === undefined) throw noSuchBucket(bucket);
}

export async function listObjects(ctx: EngineContext, input: ListObjectsInput): Promise<ListObjectsResult> {
  const page = await ctx.meta.read(async (tx) => {
    await requireBucket(tx, input.bucket);
    return tx.objects.listLatest({ ...input, maxKeys: Math.max(0, input.maxKeys) });
  });
  const out: ListObjectsResult = {
    objects: page.items.map(toObjectInfo),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
  };
  if (page.last !== undefined) out.nextAfter = 'prefix' in page.last ? page.last.prefix : page.last.item.key;
  return out;
}

export async function listObjectVersions(ctx: EngineContext, input: ListVersionsInput): Promise<ListVersionsResult> {
  if (input.versionIdMarker !== undefined) {
    if (input.keyMarker === undefined) {
      throw fail('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
        details: { ArgumentName: 'version-id-marker', ArgumentValue: input.versionIdMarker },
      });
    }
    assertVersionId(input.versionIdMarker);
  }
  const page = await ctx.meta.read(async (tx) => {
    await requireBucket(tx, input.bucket);
    return tx.objects.listVersions({ ...input, maxKeys: Math.max(0, input.maxKeys) });
  });
  const out: ListVersionsResult = {
    entries: page.items.map(toVersionEntry),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
  };
  if (page.isTruncated && page.last !== undefined) {
    if ('prefix' in page.last) out.nextKeyMarker = page.last.prefix;
    else {
      out.nextKeyMarker = page.last.item.key;
      out.nextVersionIdMarker = page.last.item.versionId;
    }
  }
  return out;
}

export async function listMultipartUploads(ctx: EngineContext, input: ListUploadsInput): Promise<ListUploadsResult> {
  const page = await ctx.meta.read(async (tx) => {
    await requireBucket(tx, input.bucket);
    return tx.uploads.list({ ...input, maxUploads: Math.max(0, input.maxUploads) });
  });
  const out: ListUploadsResult = {
    uploads: page.items.map(toUpload),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
  };
  if (page.isTruncated && page.last !== undefined) {
    if ('prefix' in page.last) out.nextKeyMarker = page.last.prefix;
    else {
      out.nextKeyMarker = page.last.item.key;
      out.nextUploadIdMarker = page.last.item.uploadId;
    }
  }
  return out;
}
