/**
 * Reading small request bodies (XML documents) whole, with a size limit and
 * with the same integrity checks as object payloads: Content-MD5, signed
 * SHA-256 and x-amz-checksum-*. S3 requires an integrity check on some of
 * them (DeleteObjects); `requireIntegrity` enforces that.
 */
import { createHasher, type HashAlgorithm } from '../core/checksums/index.js';
import { fail } from '../core/errors.js';
import type { S3Context } from './context.js';
import { readPayload } from './payload.js';

export interface SmallBodyOptions {
  maxBytes: number;
  requireIntegrity?: boolean;
  /**
   * Whether an x-amz-checksum-* header describes this body. Not on
   * CompleteMultipartUpload, where it is the whole object's checksum.
   */
  checksumDescribesBody?: boolean;
}

export async function readSmallBody(ctx: S3Context, opts: SmallBodyOptions): Promise<Buffer> {
  const { body, claims } = readPayload(ctx);
  if (opts.checksumDescribesBody === false && claims.checksum && typeof claims.checksum.value !== 'function') delete claims.checksum;
  if (claims.contentLength !== undefined && claims.contentLength > opts.maxBytes) {
    throw fail('MalformedXML', `The request body is larger than the ${opts.maxBytes} bytes this operation accepts.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > opts.maxBytes) throw fail('MalformedXML', `The request body is larger than the ${opts.maxBytes} bytes this operation accepts.`);
    chunks.push(chunk);
  }
  const buf = Buffer.concat(chunks, size);
  if (claims.contentLength !== undefined && claims.contentLength !== size) {
    throw fail('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
  const check = (alg: HashAlgorithm, expected: string, encoding: 'base64' | 'hex', code: 'BadDigest' | 'XAmzContentSHA256Mismatch') => {
    const h = createHasher(alg);
    h.update(buf);
    if (h.digest().toString(encoding) !== expected) {
      throw fail(code, code === 'BadDigest' ? `The ${alg === 'MD5' ? 'Content-MD5' : alg} you specified did not match the calculated checksum.` : "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  };
  if (claims.md5Base64 !== undefined) check('MD5', claims.md5Base64, 'base64', 'BadDigest');
  if (claims.sha256Hex !== undefined) check('SHA256', claims.sha256Hex, 'hex', 'XAmzContentSHA256Mismatch');
  let checksumValue: string | undefined;
  if (claims.checksum) {
    const v = claims.checksum.value;
    checksumValue = typeof v === 'function' ? v() : v;
    if (checksumValue !== undefined) check(claims.checksum.algorithm, checksumValue, 'base64', 'BadDigest');
  }
  if (opts.requireIntegrity && claims.md5Base64 === undefined && checksumValue === undefined) {
    throw fail('InvalidRequest', 'Missing required header for this request: Content-MD5 or x-amz-checksum-*', { details: { ArgumentName: 'Content-MD5' } });
  }
  return buf;
}
