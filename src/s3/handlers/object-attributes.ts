/**
 * GetObjectAttributes: what a client would otherwise learn from a HEAD plus a part listing —
 * ETag, checksum, parts (paged), storage class and size — for exactly the attributes it names.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
 */
import { fail } from '../../core/errors.js';
import { authorizeObjectAccess } from '../authorize-request.js';
import type { S3Context } from '../context.js';
import { header } from '../request.js';
import { readInt } from '../headers.js';
import type { ProtocolResponse } from '../request.js';
import { xmlResponse } from '../respond.js';
import { renderObjectAttributes, type ObjectAttributesXml } from '../xml/index.js';
import { versionHeader } from './object-headers.js';
import { bucketOf, keyOf } from './target.js';

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);
const MAX_PARTS = 1000;

function requestedAttributes(ctx: S3Context): Set<string> {
  const raw = header(ctx.req.headers, 'x-amz-object-attributes');
  const names = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    throw fail('InvalidRequest', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
  }
  for (const n of names) {
    if (!ATTRIBUTES.has(n)) throw fail('InvalidArgument', 'Invalid attribute name specified.', { details: { ArgumentName: 'x-amz-object-attributes', ArgumentValue: n } });
  }
  return new Set(names);
}

export async function getObjectAttributes(ctx: S3Context): Promise<ProtocolResponse> {
  const want = requestedAttributes(ctx);
  const maxParts = readInt(header(ctx.req.headers, 'x-amz-max-parts'), 'x-amz-max-parts', { min: 0 }) ?? MAX_PARTS;
  const marker = readInt(header(ctx.req.headers, 'x-amz-part-number-marker'), 'x-amz-part-number-marker', { min: 0, max: 10_000 }) ?? 0;
  const bucket = bucketOf(ctx);
  const key = keyOf(ctx);
  const versionId = ctx.query.get('versionId') ?? undefined;
  // S3 wants read access to the object as well as s3:GetObjectAttributes.
  await authorizeObjectAccess(ctx, { action: versionId !== undefined ? 's3:GetObjectVersion' : 's3:GetObject', key, ...(versionId !== undefined ? { versionId } : {}) });
  const { info } = await ctx.deps.engine.headObject({ bucket, key, ...(versionId !== undefined ? { versionId } : {}) });

  const doc: ObjectAttributesXml = {};
  if (want.has('ETag')) doc.etag = info.etag.replace(/"/g, '');
  if (want.has('Checksum') && info.checksum) {
    doc.checksum = { checksums: { [info.checksum.algorithm]: info.checksum.value }, checksumType: info.checksum.type };
  }
  if (want.has('ObjectParts') && info.parts !== undefined && info.parts.length > 0) {
    const after = info.parts.filter((p) => p.partNumber > marker);
    const page = after.slice(0, Math.min(maxParts, MAX_PARTS));
    const isTruncated = page.length < after.length;
    const alg = info.checksum?.algorithm;
    doc.objectParts = {
      partsCount: info.parts.length,
      partNumberMarker: marker,
      maxParts,
      isTruncated,
      parts: page.map((p) => ({
        partNumber: p.partNumber,
        size: p.size,
        // A part's checksum is in the object's algorithm (every part of an upload uses it).
        ...(alg !== undefined && p.checksum !== undefined ? { checksums: { [alg]: p.checksum } } : {}),
      })),
    };
    const last = page[page.length - 1];
    if (isTruncated && last !== undefined) doc.objectParts.nextPartNumberMarker = last.partNumber;
  }
  if (want.has('StorageClass')) doc.storageClass = info.headers.storageClass ?? 'STANDARD';
  if (want.has('ObjectSize')) doc.objectSize = info.size;
  return xmlResponse(renderObjectAttributes(doc), 200, {
    'last-modified': info.lastModified.toUTCString(),
    ...versionHeader(info.versionId, ctx.bucketInfo?.versioning !== undefined),
  });
}
