/**
 * The SHA-256 of a SigV4 canonical request, over the bytes that crossed the wire.
 *
 * Node hands header bytes over as latin1 characters (one character per byte) and writes
 * header strings back out the same way. A client that sends a UTF-8 header value (botocore
 * does, for x-amz-meta-* with non-ASCII text) hashed those UTF-8 bytes, so the canonical
 * request must be hashed as latin1 to get the same bytes back, not re-encoded as UTF-8. A
 * string with a character above U+00FF cannot have come off the wire; it is hashed as UTF-8.
 */
import { createHash, hash } from 'node:crypto';

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const WIDE = /[^\x00-\xff]/;

export function canonicalRequestSha256(canonicalRequest: string): string {
  if (ASCII_ONLY.test(canonicalRequest) || WIDE.test(canonicalRequest)) return hash('sha256', canonicalRequest, 'hex');
  return createHash('sha256').update(canonicalRequest, 'latin1').digest('hex');
}
