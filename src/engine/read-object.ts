/**
 * GetObject and HeadObject: resolve the version, apply preconditions (before any range
 * error, as S3 does), resolve the range or part, and stream the bytes from the segments.
 * If the blob vanished between resolving and opening (a concurrent overwrite or delete
 * committed and removed it), resolution is retried so the reader sees the newer state.
 */
import { fail } from '../core/errors.js';
import type { ObjectVersion } from '../meta/index.js';
import type { EngineContext } from './context.js';
import { toObjectInfo } from './mappers.js';
import { checkPreconditions } from './preconditions.js';
import { resolvePart, resolveRange } from './ranges.js';
import { resolveVersion } from './resolve-version.js';
import { openSegments } from './segment-stream.js';
import type { ByteRange, GetObjectInput, GetObjectResult, ObjectInfo } from './types.js';

const ATTEMPTS = 3;

function rangeFor(input: Omit<GetObjectInput, 'body' | 'signal'>, v: ObjectVersion): ByteRange | undefined {
  if (input.partNumber !== undefined) {
    if (input.range !== undefined) throw fail('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
    return resolvePart(input.partNumber, v.size, v.segments ?? []);
  }
  return input.range === undefined ? undefined : resolveRange(input.range, v.size);
}

async function locate(ctx: EngineContext, input: Omit<GetObjectInput, 'signal'>, signal?: AbortSignal) {
  const v = await resolveVersion(ctx, input, 'read', { withSegments: true, signal });
  checkPreconditions(input.conditions, v, 'read');
  return { v, range: rangeFor(input, v) };
}

export async function headObject(
  ctx: EngineContext,
  input: Omit<GetObjectInput, 'signal'> & { signal?: AbortSignal },
): Promise<{ info: ObjectInfo; range?: ByteRange }> {
  const { v, range } = await locate(ctx, input, input.signal);
  const out: { info: ObjectInfo; range?: ByteRange } = { info: toObjectInfo(v) };
  if (range !== undefined) out.range = range;
  return out;
}

export async function getObject(ctx: EngineContext, input: GetObjectInput): Promise<GetObjectResult> {
  for (let attempt = 1; ; attempt++) {
    const { v, range } = await locate(ctx, input, input.signal);
    const body = await openSegments(ctx.blobs, v.segments ?? [], v.size, range, input.signal);
    if (body !== undefined) {
      const out: GetObjectResult = { info: toObjectInfo(v), body };
      if (range !== undefined) out.range = range;
      return out;
    }
    if (attempt >= ATTEMPTS) throw fail('Internal', 'The object data is missing.', { resource: input.key });
  }
}
