/**
 * PutObject, CopyObject, DeleteObject and DeleteObjects.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 * Deviation: If-None-Match on writes supports only "*" (as AWS); any other
 * value is NotImplemented rather than ignored.
 */
import { fail, isAppError } from '../../core/errors.js';
import type { CopyObjectInput, PutObjectInput } from '../../engine/types.js';
import { readSmallBody } from '../body.js';
import { writeOwner, type S3Context } from '../context.js';
import {
  parseChecksumAlgorithm,
  readCopySource,
  readCopySourcePreconditions,
  readObjectHeaders,
  readTaggingHeader,
  readWriteConditions,
} from '../headers.js';
import { readPayload } from '../payload.js';
import { header, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { S3_ERRORS } from '../errors.js';
import { parseDelete, renderCopyObjectResult, renderDeleteResult, XML_BODY_LIMITS } from '../xml/index.js';
import { checksumHeaders, versionHeader, xmlChecksum } from './object-headers.js';
import { bucketOf, keyOf } from './target.js';
import { assertSourceReadable } from './access.js';
import { authorizeObjectAccess } from '../authorize-request.js';
import { readAclHeader } from './acl.js';

export const MAX_KEY_BYTES = 1024;

export function assertKey(key: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw fail('KeyTooLongError', 'Your key is too long', { details: { Size: String(Buffer.byteLength(key)), MaxSizeAllowed: String(MAX_KEY_BYTES) } });
}

export async function putObject(ctx: S3Context): Promise<ProtocolResponse> {
  const key = keyOf(ctx);
  assertKey(key);
  const { body, claims } = readPayload(ctx, { requireLength: true });
  const input: PutObjectInput = {
    bucket: bucketOf(ctx),
    key,
    owner: writeOwner(ctx),
    body,
    claims,
    headers: readObjectHeaders(ctx.req.headers),
    signal: ctx.req.signal,
  };
  const tags = readTaggingHeader(ctx.req.headers);
  if (tags) input.tags = tags;
  const conditions = readWriteConditions(ctx.req.headers);
  if (conditions) input.conditions = conditions;
  const acl = readAclHeader(ctx.req.headers);
  if (acl) input.acl = acl;
  const result = await ctx.deps.engine.putObject(input);
  return emptyResponse(200, {
    etag: result.etag,
    ...versionHeader(result.versionId, ctx.bucketInfo?.versioning !== undefined),
    ...checksumHeaders(result.checksum),
  });
}

function directive(ctx: S3Context, name: string): 'COPY' | 'REPLACE' {
  const v = header(ctx.req.headers, name);
  if (v === undefined) return 'COPY';
  const up = v.toUpperCase();
  if (up !== 'COPY' && up !== 'REPLACE') throw fail('InvalidArgument', `Unknown ${name}: ${v}`, { details: { ArgumentName: name, ArgumentValue: v } });
  return up;
}

export async function copyObject(ctx: S3Context): Promise<ProtocolResponse> {
  const key = keyOf(ctx);
  assertKey(key);
  const source = readCopySource(ctx.req.headers);
  await assertSourceReadable(ctx, source);
  const metadataDirective = directive(ctx, 'x-amz-metadata-directive');
  const taggingDirective = directive(ctx, 'x-amz-tagging-directive');
  const input: CopyObjectInput = {
    source,
    dest: { bucket: bucketOf(ctx), key },
    owner: writeOwner(ctx),
    metadataDirective,
    taggingDirective,
    sourceConditions: readCopySourcePreconditions(ctx.req.headers),
    signal: ctx.req.signal,
  };
  if (metadataDirective === 'REPLACE') input.headers = readObjectHeaders(ctx.req.headers);
  else if (header(ctx.req.headers, 'x-amz-storage-class') !== undefined) {
    // A storage-class change alone makes a self-copy legal (the engine checks); carry it.
    input.headers = { ...readObjectHeaders(ctx.req.headers), userMetadata: {} };
  }
  if (taggingDirective === 'REPLACE') input.tags = readTaggingHeader(ctx.req.headers) ?? {};
  const dest = readWriteConditions(ctx.req.headers);
  if (dest) input.destConditions = dest;
  const alg = parseChecksumAlgorithm(header(ctx.req.headers, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm');
  if (alg) input.checksumAlgorithm = alg;
  const acl = readAclHeader(ctx.req.headers);
  if (acl) input.acl = acl;
  const result = await ctx.deps.engine.copyObject(input);
  const body = renderCopyObjectResult({ etag: result.etag, lastModified: result.lastModified, ...xmlChecksum(result.checksum) });
  const headers: Record<string, string> = { ...versionHeader(result.versionId, ctx.bucketInfo?.versioning !== undefined) } as Record<string, string>;
  if (source.versionId !== undefined || result.sourceVersionId !== 'null') headers['x-amz-copy-source-version-id'] = result.sourceVersionId;
  return xmlResponse(body, 200, headers);
}

export async function deleteObject(ctx: S3Context): Promise<ProtocolResponse> {
  const input: { bucket: string; key: string; owner: string; versionId?: string } = {
    bucket: bucketOf(ctx),
    key: keyOf(ctx),
    owner: writeOwner(ctx),
  };
  const versionId = ctx.query.get('versionId');
  if (versionId !== null) input.versionId = versionId;
  const result = await ctx.deps.engine.deleteObject(input);
  const headers: Record<string, string> = {};
  if (result.versionId !== undefined && (result.versionId !== 'null' || ctx.bucketInfo?.versioning !== undefined)) headers['x-amz-version-id'] = result.versionId;
  if (result.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return emptyResponse(204, headers);
}

/** DeleteObjects: at most 1000 keys; each key succeeds or fails on its own. */
export async function deleteObjects(ctx: S3Context): Promise<ProtocolResponse> {
  const bucket = bucketOf(ctx);
  const owner = writeOwner(ctx);
  const doc = parseDelete(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.delete, requireIntegrity: true }));
  const deleted: { key: string; versionId?: string; deleteMarker?: boolean; deleteMarkerVersionId?: string }[] = [];
  const errors: { key: string; versionId?: string; code: string; message: string }[] = [];
  if (doc.objects.some((o) => o.etag !== undefined || o.lastModifiedTime !== undefined || o.size !== undefined)) {
    throw fail('NotImplemented', 'Conditional deletes in DeleteObjects (ETag, LastModifiedTime, Size) are not implemented in Sovra yet.');
  }
  for (const obj of doc.objects) {
    try {
      if (Buffer.byteLength(obj.key) > MAX_KEY_BYTES) throw fail('KeyTooLongError', 'Your key is too long');
      // As on S3, each key is authorized on its own and a refusal is that key's error.
      await authorizeObjectAccess(ctx, { action: obj.versionId !== undefined ? 's3:DeleteObjectVersion' : 's3:DeleteObject', key: obj.key });
      const input: { bucket: string; key: string; owner: string; versionId?: string } = { bucket, key: obj.key, owner };
      if (obj.versionId !== undefined) input.versionId = obj.versionId;
      const r = await ctx.deps.engine.deleteObject(input);
      const entry: (typeof deleted)[number] = { key: obj.key };
      if (obj.versionId !== undefined) entry.versionId = obj.versionId;
      if (r.deleteMarker) {
        entry.deleteMarker = true;
        if (r.versionId !== undefined) entry.deleteMarkerVersionId = r.versionId;
      }
      deleted.push(entry);
    } catch (err) {
      if (!isAppError(err) || err.code === 'Internal') throw err;
      const e: (typeof errors)[number] = { key: obj.key, code: S3_ERRORS[err.code].s3Code, message: err.message };
      if (obj.versionId !== undefined) e.versionId = obj.versionId;
      errors.push(e);
    }
  }
  return xmlResponse(renderDeleteResult({ deleted: doc.quiet ? [] : deleted, errors }));
}
