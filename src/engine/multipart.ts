/**
 * Multipart uploads: create, upload a part (streamed like PutObject, hashed with the
 * upload's checksum algorithm), copy a part from an object, abort, list parts. Each part is
 * one blob; Complete (complete-multipart.ts) turns the chosen parts' blobs into the object's
 * segments without copying bytes.
 */
import { MULTIPART_CHECKSUM_TYPES } from '../core/checksums/index.js';
import { fail } from '../core/errors.js';
import type { MetaTx, PartRecord, UploadRecord } from '../meta/index.js';
import { assertKey, noSuchBucket, noSuchUpload, type EngineContext } from './context.js';
import { copyFromSource } from './copy-source.js';
import { newUploadId, isValidUploadId } from './ids.js';
import { ingest, type Ingested } from './ingest.js';
import { toPartInfo, toUpload } from './mappers.js';
import type {
  ChecksumAlgorithm,
  CreateMultipartInput,
  ListPartsInput,
  ListPartsResult,
  MultipartUpload,
  PartInfo,
  UploadPartCopyInput,
  UploadPartInput,
} from './types.js';

export async function createMultipartUpload(ctx: EngineContext, input: CreateMultipartInput): Promise<MultipartUpload> {
  assertKey(ctx, input.key);
  const alg = input.checksumAlgorithm;
  let type = input.checksumType;
  if (type !== undefined && alg === undefined) {
    throw fail('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  }
  if (alg !== undefined) {
    const rule = MULTIPART_CHECKSUM_TYPES[alg];
    type ??= rule.default;
    if (!rule.allowed.includes(type)) {
      throw fail('InvalidRequest', `The ${type} checksum type cannot be used with the ${alg.toLowerCase()} checksum algorithm.`);
    }
  }
  return ctx.meta.write(async (tx) => {
    if ((await tx.buckets.get(input.bucket)) === undefined) throw noSuchBucket(input.bucket);
    const initiated = ctx.now();
    const upload: UploadRecord = {
      uploadId: newUploadId(initiated),
      bucket: input.bucket,
      key: input.key,
      owner: input.owner,
      initiated,
      headers: input.headers,
    };
    if (input.tags !== undefined) upload.tags = input.tags;
    if (alg !== undefined) upload.checksumAlgorithm = alg;
    if (type !== undefined) upload.checksumType = type;
    if (input.acl !== undefined && input.acl !== 'private') upload.acl = input.acl;
    await tx.uploads.insert(upload);
    return toUpload(upload);
  });
}

/** The upload, which must belong to this bucket and key; else NoSuchBucket / NoSuchUpload. */
export async function findUpload(tx: MetaTx, bucket: string, key: string, uploadId: string): Promise<UploadRecord> {
  const upload = isValidUploadId(uploadId) ? await tx.uploads.get(uploadId) : undefined;
  if (upload !== undefined && upload.bucket === bucket && upload.key === key) return upload;
  if ((await tx.buckets.get(bucket)) === undefined) throw noSuchBucket(bucket);
  throw noSuchUpload(uploadId);
}

function assertPartNumber(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw fail('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      details: { ArgumentName: 'partNumber', ArgumentValue: String(n) },
    });
  }
}

/** Parts hash with the upload's algorithm, or the default CRC so the object can get a full-object one. */
function partAlgorithm(ctx: EngineContext, upload: UploadRecord): ChecksumAlgorithm | undefined {
  return upload.checksumAlgorithm ?? ctx.defaultChecksum;
}

type PartAddress = { bucket: string; key: string; uploadId: string; partNumber: number };

async function storePart(ctx: EngineContext, at: PartAddress, data: Ingested): Promise<PartInfo> {
  if (data.blobId === undefined) throw new Error('a part always has a blob');
  const part: PartRecord = {
    partNumber: at.partNumber,
    blobId: data.blobId,
    size: data.size,
    etag: `"${data.md5.toString('hex')}"`,
    lastModified: ctx.now(),
  };
  if (data.checksum !== undefined) {
    part.checksumAlgorithm = data.checksum.algorithm;
    part.checksum = data.checksum.value;
  }
  let replaced: PartRecord | undefined;
  try {
    replaced = await ctx.meta.write(async (tx) => {
      await findUpload(tx, at.bucket, at.key, at.uploadId);
      return tx.uploads.putPart(at.uploadId, part);
    });
  } catch (e) {
    ctx.discard([part.blobId]);
    throw e;
  }
  if (replaced !== undefined) ctx.discard([replaced.blobId]);
  return toPartInfo(part);
}

export async function uploadPart(ctx: EngineContext, input: UploadPartInput): Promise<PartInfo> {
  assertPartNumber(input.partNumber);
  const upload = await ctx.meta.read((tx) => findUpload(tx, input.bucket, input.key, input.uploadId), { signal: input.signal });
  const claimed = input.claims.checksum?.algorithm;
  if (claimed !== undefined && upload.checksumAlgorithm !== undefined && claimed !== upload.checksumAlgorithm) {
    throw fail(
      'InvalidRequest',
      `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${claimed.toLowerCase()}`,
    );
  }
  const data = await ingest(ctx, input.body, input.claims, {
    maxSize: ctx.limits.maxPutSize,
    ...(partAlgorithm(ctx, upload) ? { algorithm: partAlgorithm(ctx, upload) } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return storePart(ctx, input, data);
}

/**
 * x-amz-copy-source-range against the source (once its size is known): the shape first, then
 * the bounds. Shared with copies between regions, which must refuse exactly the same ranges.
 */
export function checkCopySourceRange(wanted: { start: number; end: number }, size?: number): { start: number; end: number } {
  if (wanted.start < 0 || wanted.end < wanted.start) {
    throw fail(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { details: { ArgumentName: 'x-amz-copy-source-range' } },
    );
  }
  if (size !== undefined && wanted.end >= size) {
    throw fail('InvalidArgument', `Range specified is not valid for source object of size: ${size}`, {
      details: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: `bytes=${wanted.start}-${wanted.end}` },
    });
  }
  return wanted;
}

export async function uploadPartCopy(ctx: EngineContext, input: UploadPartCopyInput): Promise<PartInfo & { sourceVersionId: string }> {
  assertPartNumber(input.partNumber);
  const upload = await ctx.meta.read((tx) => findUpload(tx, input.bucket, input.key, input.uploadId), { signal: input.signal });
  const wanted = input.range;
  if (wanted !== undefined) checkCopySourceRange(wanted);
  const { source, data } = await copyFromSource(ctx, {
    source: input.source,
    conditions: input.sourceConditions,
    range: (v) => (wanted === undefined ? undefined : checkCopySourceRange(wanted, v.size)),
    algorithm: () => partAlgorithm(ctx, upload),
    signal: input.signal,
  });
  const part = await storePart(ctx, input, data);
  return { ...part, sourceVersionId: source.versionId };
}

export async function abortMultipartUpload(ctx: EngineContext, input: { bucket: string; key: string; uploadId: string }): Promise<void> {
  const garbage = await ctx.meta.write(async (tx) => {
    await findUpload(tx, input.bucket, input.key, input.uploadId);
    return ((await tx.uploads.remove(input.uploadId)) ?? []).map((p) => p.blobId);
  });
  ctx.discard(garbage);
}

export async function listParts(ctx: EngineContext, input: ListPartsInput): Promise<ListPartsResult> {
  return ctx.meta.read(async (tx) => {
    const upload = await findUpload(tx, input.bucket, input.key, input.uploadId);
    const page = await tx.uploads.listParts(input.uploadId, {
      ...(input.partNumberMarker !== undefined ? { after: input.partNumberMarker } : {}),
      max: Math.max(0, input.maxParts),
    });
    const out: ListPartsResult = { upload: toUpload(upload), parts: page.parts.map(toPartInfo), isTruncated: page.isTruncated };
    const last = page.parts[page.parts.length - 1];
    if (last !== undefined) out.nextPartNumberMarker = last.partNumber;
    return out;
  });
}
