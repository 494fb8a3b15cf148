/** Byte ranges and part numbers resolved against an object's size, as S3 does (RFC 7233). */
import { fail } from '../core/errors.js';
import type { Segment } from '../meta/index.js';
import type { ByteRange, RangeRequest } from './types.js';

const unsatisfiable = (size: number, message = 'The requested range is not satisfiable') =>
  fail('InvalidRange', message, { headers: { 'Content-Range': `bytes */${size}` }, details: { ActualObjectSize: String(size) } });

/**
 * The inclusive byte range to serve, or undefined to serve the whole object (a range whose
 * end precedes its start is syntactically invalid and ignored; a suffix range on an empty
 * object is answered in full, as AWS does). Unsatisfiable ranges throw InvalidRange.
 */
export function resolveRange(req: RangeRequest, size: number): ByteRange | undefined {
  if ('suffix' in req) {
    if (size === 0) return undefined;
    if (req.suffix <= 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - req.suffix), end: size - 1 };
  }
  if (req.end !== undefined && req.end < req.start) return undefined;
  if (req.start >= size) throw unsatisfiable(size);
  return { start: req.start, end: Math.min(req.end ?? size - 1, size - 1) };
}

/**
 * The bytes of part `partNumber` (GET ?partNumber=). A simple object is one part; asking
 * for a part it does not have is InvalidRange (S3's InvalidPartNumber, 416).
 */
export function resolvePart(partNumber: number, size: number, segments: readonly Segment[]): ByteRange | undefined {
  const multipart = segments.some((s) => s.partNumber !== undefined);
  if (!multipart) {
    if (partNumber !== 1) throw unsatisfiable(size, 'The requested partnumber is not satisfiable');
    return size === 0 ? undefined : { start: 0, end: size - 1 };
  }
  let offset = 0;
  for (const s of segments) {
    if (s.partNumber === partNumber) {
      return s.size === 0 ? undefined : { start: offset, end: offset + s.size - 1 };
    }
    offset += s.size;
  }
  throw unsatisfiable(size, 'The requested partnumber is not satisfiable');
}
