/**
 * Reading a copy source (CopyObject, UploadPartCopy): resolve it like GET (a delete marker
 * by version id is InvalidRequest), apply the x-amz-copy-source-if-* conditions (412, never
 * 304), enforce the copy size limit, and stream a byte range of it into a new blob. When the
 * source is overwritten mid-resolution the lookup is retried, as for GET.
 */
import { fail } from '../core/errors.js';
import type { ObjectVersion } from '../meta/index.js';
import type { EngineContext } from './context.js';
import { ingest, type Ingested } from './ingest.js';
import { checkPreconditions } from './preconditions.js';
import { resolveVersion, type VersionAddress } from './resolve-version.js';
import { openSegments } from './segment-stream.js';
import type { Readable } from 'node:stream';
import type { ByteRange, ChecksumAlgorithm, Preconditions } from './types.js';

const ATTEMPTS = 3;

export function copyTooLarge(maxCopySize: number): Error {
  return fail(
    'InvalidRequest',
    `The specified copy source is larger than the maximum allowable size for a copy source: ${maxCopySize}`,
  );
}

export interface CopySourceRequest {
  source: VersionAddress;
  conditions?: Preconditions;
  /** Picks the bytes to copy once the source is known (throws for an invalid range). */
  range?: (v: ObjectVersion) => ByteRange | undefined;
  /** The checksum to compute over the copied bytes, given the source. */
  algorithm?: (v: ObjectVersion) => ChecksumAlgorithm | undefined;
  /** Store no blob for an empty copy (objects; parts always get a blob). */
  elideEmpty?: boolean;
  /** Runs on the resolved source before any byte is copied. */
  validate?: (v: ObjectVersion) => void;
  signal?: AbortSignal;
}

/** The resolved source, with its bytes (the range, or all) open for reading. */
export interface OpenedSource {
  source: ObjectVersion;
  range: ByteRange | undefined;
  length: number;
  stream: Readable;
}

/**
 * Resolves a copy source, applies its conditions, range and size limit, and opens its bytes.
 * Used by copies within this engine and by a region handing bytes to another region.
 */
export async function openCopySource(ctx: EngineContext, req: Omit<CopySourceRequest, 'algorithm' | 'elideEmpty'>): Promise<OpenedSource> {
  for (let attempt = 1; ; attempt++) {
    const source = await resolveVersion(ctx, req.source, 'copy', { withSegments: true, signal: req.signal });
    checkPreconditions(req.conditions, source, 'copy');
    const range = req.range?.(source);
    const length = range === undefined ? source.size : range.end - range.start + 1;
    if (length > ctx.limits.maxCopySize) throw copyTooLarge(ctx.limits.maxCopySize);
    req.validate?.(source);
    const stream = await openSegments(ctx.blobs, source.segments ?? [], source.size, range, req.signal);
    if (stream !== undefined) return { source, range, length, stream };
    // Overwritten while resolving: its blobs are gone; resolve again.
    if (attempt >= ATTEMPTS) throw fail('Internal', 'The copy source data is missing.');
  }
}

export async function copyFromSource(
  ctx: EngineContext,
  req: CopySourceRequest,
): Promise<{ source: ObjectVersion; data: Ingested }> {
  const { source, length, stream } = await openCopySource(ctx, req);
  const algorithm = req.algorithm?.(source);
  try {
    const data = await ingest(ctx, stream, { contentLength: length }, {
      maxSize: ctx.limits.maxCopySize,
      elideEmpty: req.elideEmpty === true,
      ...(algorithm ? { algorithm } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    return { source, data };
  } finally {
    stream.destroy();
  }
}
