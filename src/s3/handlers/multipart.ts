/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort,
 * ListParts.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 */
import { MULTIPART_CHECKSUM_TYPES } from '../../core/checksums/index.js';
import { fail } from '../../core/errors.js';
import type { CompleteMultipartInput, CreateMultipartInput, UploadPartCopyInput } from '../../engine/types.js';
import { readSmallBody } from '../body.js';
import { ownerDisplayName, requirePrincipal, writeOwner, type S3Context } from '../context.js';
import {
  checksumHeaderName,
  parseChecksumAlgorithm,
  parseChecksumType,
  readChecksumHeader,
  readCopySource,
  readCopySourcePreconditions,
  readCopySourceRange,
  readInt,
  readObjectHeaders,
  readTaggingHeader,
  readWriteConditions,
} from '../headers.js';
import { readPayload } from '../payload.js';
import { header, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import {
  parseCompleteMultipartUpload,
  renderCompleteMultipartUpload,
  renderCopyPartResult,
  renderInitiateMultipartUpload,
  renderListParts,
  XML_BODY_LIMITS,
} from '../xml/index.js';
import { assertSourceReadable } from './access.js';
import { readAclHeader } from './acl.js';
import { assertKey } from './object-write.js';
import { checksumHeaders, versionHeader, xmlChecksum } from './object-headers.js';
import { bucketOf, keyOf } from './target.js';

function uploadIdOf(ctx: S3Context): string {
  const id = ctx.query.get('uploadId');
  if (id === null || id === '') throw fail('InvalidArgument', 'This operation needs an uploadId.', { details: { ArgumentName: 'uploadId' } });
  return id;
}

function partNumberOf(ctx: S3Context): number {
  const n = readInt(ctx.query.get('partNumber'), 'partNumber', { min: 1, max: 10000 });
  if (n === undefined) throw fail('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { details: { ArgumentName: 'partNumber' } });
  return n;
}

export async function createMultipartUpload(ctx: S3Context): Promise<ProtocolResponse> {
  const key = keyOf(ctx);
  assertKey(key);
  const input: CreateMultipartInput = { bucket: bucketOf(ctx), key, owner: writeOwner(ctx), headers: readObjectHeaders(ctx.req.headers) };
  const tags = readTaggingHeader(ctx.req.headers);
  if (tags) input.tags = tags;
  const acl = readAclHeader(ctx.req.headers);
  if (acl) input.acl = acl;
  const alg = parseChecksumAlgorithm(header(ctx.req.headers, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm');
  const type = parseChecksumType(header(ctx.req.headers, 'x-amz-checksum-type'));
  if (type && !alg) throw fail('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  if (alg) {
    const rule = MULTIPART_CHECKSUM_TYPES[alg];
    if (type && !rule.allowed.includes(type)) throw fail('InvalidRequest', `The ${type} checksum type cannot be used with the ${alg.toLowerCase()} checksum algorithm.`);
    input.checksumAlgorithm = alg;
    input.checksumType = type ?? rule.default;
  }
  const upload = await ctx.deps.engine.createMultipartUpload(input);
  const headers: Record<string, string> = {};
  if (upload.checksumAlgorithm) headers['x-amz-checksum-algorithm'] = upload.checksumAlgorithm;
  if (upload.checksumType) headers['x-amz-checksum-type'] = upload.checksumType;
  return xmlResponse(renderInitiateMultipartUpload({ bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId }), 200, headers);
}

export async function uploadPart(ctx: S3Context): Promise<ProtocolResponse> {
  const { body, claims } = readPayload(ctx, { requireLength: true });
  const part = await ctx.deps.engine.uploadPart({
    bucket: bucketOf(ctx), key: keyOf(ctx), uploadId: uploadIdOf(ctx), partNumber: partNumberOf(ctx), body, claims, signal: ctx.req.signal,
  });
  const headers: Record<string, string> = { etag: part.etag };
  const alg = claims.checksum?.algorithm;
  if (alg && part.checksum) headers[checksumHeaderName(alg)] = part.checksum;
  return emptyResponse(200, headers);
}

export async function uploadPartCopy(ctx: S3Context): Promise<ProtocolResponse> {
  const source = readCopySource(ctx.req.headers);
  await assertSourceReadable(ctx, source);
  const input: UploadPartCopyInput = {
    bucket: bucketOf(ctx), key: keyOf(ctx), uploadId: uploadIdOf(ctx), partNumber: partNumberOf(ctx), source,
    sourceConditions: readCopySourcePreconditions(ctx.req.headers), signal: ctx.req.signal,
  };
  const range = readCopySourceRange(ctx.req.headers);
  if (range) input.range = range;
  const part = await ctx.deps.engine.uploadPartCopy(input);
  const headers: Record<string, string> = {};
  if (source.versionId !== undefined || part.sourceVersionId !== 'null') headers['x-amz-copy-source-version-id'] = part.sourceVersionId;
  return xmlResponse(renderCopyPartResult({ etag: part.etag, lastModified: part.lastModified }), 200, headers);
}

export async function completeMultipartUpload(ctx: S3Context): Promise<ProtocolResponse> {
  const doc = parseCompleteMultipartUpload(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.completeMultipartUpload, checksumDescribesBody: false }));
  const input: CompleteMultipartInput = {
    bucket: bucketOf(ctx), key: keyOf(ctx), uploadId: uploadIdOf(ctx), signal: ctx.req.signal,
    parts: doc.parts.map((part) => {
      const checksum = Object.values(part.checksums ?? {})[0];
      return checksum === undefined ? { partNumber: part.partNumber, etag: part.etag } : { partNumber: part.partNumber, etag: part.etag, checksum };
    }),
  };
  const full = readChecksumHeader(ctx.req.headers);
  if (full) {
    const type = parseChecksumType(header(ctx.req.headers, 'x-amz-checksum-type'));
    input.checksum = { ...full, ...(type ? { type } : {}) };
  }
  const conditions = readWriteConditions(ctx.req.headers);
  if (conditions) input.conditions = conditions;
  const result = await ctx.deps.engine.completeMultipartUpload(input);
  const bucket = bucketOf(ctx);
  const key = keyOf(ctx);
  const host = header(ctx.req.headers, 'host') ?? 'localhost';
  const location = `${ctx.req.secure ? 'https' : 'http'}://${host}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlResponse(
    renderCompleteMultipartUpload({ location, bucket, key, etag: result.etag, ...xmlChecksum(result.checksum) }),
    200,
    { ...versionHeader(result.versionId, ctx.bucketInfo?.versioning !== undefined), ...checksumHeaders(result.checksum) },
  );
}

export async function abortMultipartUpload(ctx: S3Context): Promise<ProtocolResponse> {
  await ctx.deps.engine.abortMultipartUpload({ bucket: bucketOf(ctx), key: keyOf(ctx), uploadId: uploadIdOf(ctx) });
  return emptyResponse(204);
}

export async function listParts(ctx: S3Context): Promise<ProtocolResponse> {
  const maxParts = Math.min(readInt(ctx.query.get('max-parts'), 'max-parts', { min: 0 }) ?? 1000, 1000);
  const marker = readInt(ctx.query.get('part-number-marker'), 'part-number-marker', { min: 0 });
  const r = await ctx.deps.engine.listParts({
    bucket: bucketOf(ctx), key: keyOf(ctx), uploadId: uploadIdOf(ctx), maxParts, ...(marker !== undefined ? { partNumberMarker: marker } : {}),
  });
  const owner = { id: r.upload.owner, displayName: ownerDisplayName(ctx, r.upload.owner) };
  return xmlResponse(
    renderListParts({
      bucket: r.upload.bucket,
      key: r.upload.key,
      uploadId: r.upload.uploadId,
      initiator: owner,
      owner,
      storageClass: r.upload.headers.storageClass ?? 'STANDARD',
      partNumberMarker: marker ?? 0,
      nextPartNumberMarker: r.nextPartNumberMarker,
      maxParts,
      isTruncated: r.isTruncated,
      ...(r.upload.checksumAlgorithm ? { checksumAlgorithm: r.upload.checksumAlgorithm } : {}),
      ...(r.upload.checksumType ? { checksumType: r.upload.checksumType } : {}),
      parts: r.parts.map((part) => ({
        partNumber: part.partNumber,
        lastModified: part.lastModified,
        etag: part.etag,
        size: part.size,
        ...(part.checksum && r.upload.checksumAlgorithm ? { checksums: { [r.upload.checksumAlgorithm]: part.checksum } } : {}),
      })),
    }),
  );
}
