/**
 * Reads a byte range of an object stored as an ordered list of blob segments (one for a
 * simple object, one per part for a multipart object). A single-segment read is the blob
 * store's own stream (a large-chunk file stream for fs). Several segments are chained; the
 * first is opened before returning so that a concurrently deleted object is detected
 * (undefined) and the caller can re-resolve the version.
 */
import { addAbortSignal, Readable } from 'node:stream';
import { fail } from '../core/errors.js';
import type { BlobStore } from '../blob/index.js';
import type { Segment } from '../meta/index.js';
import type { ByteRange } from './types.js';

interface Piece {
  blobId: string;
  start: number;
  end: number;
}

/** The segments' slices covering [range.start, range.end] of the object. */
export function piecesOf(segments: readonly Segment[], range: ByteRange): Piece[] {
  const out: Piece[] = [];
  let offset = 0;
  for (const s of segments) {
    const first = offset;
    const last = offset + s.size - 1;
    offset += s.size;
    if (s.size === 0 || last < range.start || first > range.end) continue;
    out.push({ blobId: s.blobId, start: Math.max(range.start, first) - first, end: Math.min(range.end, last) - first });
  }
  return out;
}

/**
 * A stream of the object's bytes in `range` (whole object when undefined), or undefined
 * when the first blob is gone (the version was replaced or deleted meanwhile).
 */
export async function openSegments(
  blobs: BlobStore,
  segments: readonly Segment[],
  size: number,
  range: ByteRange | undefined,
  signal?: AbortSignal,
): Promise<Readable | undefined> {
  if (size === 0) return Readable.from([]);
  const pieces = piecesOf(segments, range ?? { start: 0, end: size - 1 });
  const [head, ...rest] = pieces;
  if (head === undefined) return Readable.from([]);
  const first = await blobs.open(head.blobId, { start: head.start, end: head.end, signal });
  if (first === undefined || rest.length === 0) return first;

  let current: Readable = first;
  async function* chain(): AsyncGenerator<Buffer> {
    for await (const chunk of current) yield chunk as Buffer;
    for (const p of rest) {
      const next = await blobs.open(p.blobId, { start: p.start, end: p.end, signal });
      if (next === undefined) throw fail('Internal', 'Object data is missing (concurrently deleted).');
      current = next;
      for await (const chunk of current) yield chunk as Buffer;
    }
  }
  const out = Readable.from(chain(), { objectMode: false, highWaterMark: 1024 * 1024 });
  // A consumer may destroy the stream before the generator ever ran: close the open blob.
  out.once('close', () => current.destroy());
  return signal ? addAbortSignal(signal, out) : out;
}
