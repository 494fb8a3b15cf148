/**
 * GetObject and HeadObject.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
 * A ranged response never carries the whole-object checksum (clients such as
 * PyArrow would verify the range against it and fail); a part request carries
 * that part's checksum.
 */
import { fail } from '../../core/errors.js';
import type { ByteRange, GetObjectInput, ObjectInfo } from '../../engine/types.js';
import type { S3Context } from '../context.js';
import { checksumHeaderName, readInt, readPreconditions, readRange } from '../headers.js';
import { header } from '../request.js';
import type { ProtocolResponse } from '../request.js';
import { objectHeaders, type Headers } from './object-headers.js';
import { bucketOf, keyOf } from './target.js';

function readInput(ctx: S3Context): GetObjectInput {
  // No abort signal: a read does nothing worth cancelling before its response starts, and
  // once it streams, the HTTP layer destroys the body when the client goes away. (Making
  // the request's AbortController costs about as much as a metadata lookup.)
  const input: GetObjectInput = { bucket: bucketOf(ctx), key: keyOf(ctx) };
  const versionId = ctx.query.get('versionId');
  if (versionId !== null) input.versionId = versionId;
  const partNumber = readInt(ctx.query.get('partNumber'), 'partNumber', { min: 1, max: 10000 });
  const range = readRange(ctx.req.headers);
  if (partNumber !== undefined) {
    if (range) throw fail('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    input.partNumber = partNumber;
  } else if (range) input.range = range;
  input.conditions = readPreconditions(ctx.req.headers);
  if (ctx.auth.anonymous) {
    for (const k of ctx.query.keys()) {
      if (k.startsWith('response-')) throw fail('InvalidRequest', 'Request specific response headers cannot be used for anonymous GET requests.');
    }
  }
  return input;
}

async function respond(ctx: S3Context, info: ObjectInfo, range: ByteRange | undefined, partNumber: number | undefined): Promise<{ status: number; headers: Headers }> {
  const bucket = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(info.bucket));
  const wantChecksum = (header(ctx.req.headers, 'x-amz-checksum-mode') ?? '').toUpperCase() === 'ENABLED';
  const headers = objectHeaders(info, { bucketVersioned: bucket.versioning !== undefined, query: ctx.query, withChecksum: wantChecksum && !range });
  if (wantChecksum && partNumber !== undefined && info.checksum) {
    const part = info.parts?.find((p) => p.partNumber === partNumber);
    if (part?.checksum) {
      headers[checksumHeaderName(info.checksum.algorithm)] = part.checksum;
      headers['x-amz-checksum-type'] = 'COMPOSITE';
    }
  }
  let status = 200;
  if (range) {
    status = 206;
    headers['content-range'] = `bytes ${range.start}-${range.end}/${info.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = info.size;
  }
  return { status, headers };
}

export async function getObject(ctx: S3Context): Promise<ProtocolResponse> {
  const input = readInput(ctx);
  const result = await ctx.deps.engine.getObject(input);
  const { status, headers } = await respond(ctx, result.info, result.range, input.partNumber);
  return { status, headers, body: result.body };
}

export async function headObject(ctx: S3Context): Promise<ProtocolResponse> {
  const input = readInput(ctx);
  const result = await ctx.deps.engine.headObject(input);
  return respond(ctx, result.info, result.range, input.partNumber);
}
