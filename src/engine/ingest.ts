/**
 * Streams a body into a new blob while hashing it (MD5 for the ETag, the flexible checksum,
 * SHA-256 when the signature covers the payload) and counting bytes; then checks every claim
 * the client made. The blob is committed only when all claims hold; on any failure or abort
 * the writer is aborted, so nothing is visible and nothing leaks. Memory stays flat: chunks
 * flow through with stream backpressure.
 */
import type { Readable } from 'node:stream';
import { createHasher, isValidChecksumBase64, type Hasher } from '../core/checksums/index.js';
import { fail, isAppError } from '../core/errors.js';
import type { EngineContext } from './context.js';
import type { ChecksumAlgorithm, PayloadClaims } from './types.js';

export interface IngestOptions {
  /** Largest accepted body (EntityTooLarge beyond it). */
  maxSize: number;
  /** Checksum to compute when the claims name none (an upload's algorithm, a copy's). */
  algorithm?: ChecksumAlgorithm;
  /** Store no blob for an empty body (objects need none; parts always get one). */
  elideEmpty?: boolean;
  signal?: AbortSignal;
}

export interface Ingested {
  /** Absent for an elided empty body. */
  blobId?: string;
  size: number;
  md5: Buffer;
  checksum?: { algorithm: ChecksumAlgorithm; digest: Buffer; value: string };
}

const tooLarge = (size: number, max: number) =>
  fail('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
    details: { ProposedSize: String(size), MaxSizeAllowed: String(max) },
  });

const incomplete = () =>
  fail('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');

/** Rejects malformed claims before any byte is stored. */
export function validateClaims(claims: PayloadClaims, maxSize: number): void {
  if (claims.contentLength !== undefined && claims.contentLength > maxSize) throw tooLarge(claims.contentLength, maxSize);
  if (claims.md5Base64 !== undefined && !isValidChecksumBase64('MD5', claims.md5Base64)) {
    throw fail('InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }
  const value = claims.checksum?.value;
  if (claims.checksum !== undefined && typeof value === 'string') assertChecksumValue(claims.checksum.algorithm, value);
}

function assertChecksumValue(alg: ChecksumAlgorithm, value: string): void {
  if (!isValidChecksumBase64(alg, value)) {
    throw fail('InvalidRequest', `Value for x-amz-checksum-${alg.toLowerCase()} header is invalid.`);
  }
}

export async function ingest(ctx: EngineContext, body: Readable, claims: PayloadClaims, opts: IngestOptions): Promise<Ingested> {
  validateClaims(claims, opts.maxSize);
  const { signal } = opts;
  signal?.throwIfAborted();
  const algorithm = claims.checksum?.algorithm ?? opts.algorithm;
  const md5 = createHasher('MD5');
  const sha256: Hasher | undefined = claims.sha256Hex !== undefined ? createHasher('SHA256') : undefined;
  const flexible: Hasher | undefined = algorithm !== undefined ? createHasher(algorithm) : undefined;
  const limit = Math.min(opts.maxSize, claims.contentLength ?? Infinity);
  const writer = await ctx.blobs.createWriter({ signal });
  const onAbort = () => body.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  let size = 0;
  try {
    for await (const raw of body) {
      const chunk: Buffer = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
      size += chunk.byteLength;
      if (size > limit) throw size > opts.maxSize ? tooLarge(size, opts.maxSize) : incomplete();
      // Hash while the writer may be flushing to disk.
      const written = writer.write(chunk);
      written.catch(() => undefined);
      md5.update(chunk);
      sha256?.update(chunk);
      flexible?.update(chunk);
      await written;
    }
    signal?.throwIfAborted();
    if (claims.contentLength !== undefined && size !== claims.contentLength) throw incomplete();
    const md5Digest = md5.digest();
    if (claims.md5Base64 !== undefined && !Buffer.from(claims.md5Base64, 'base64').equals(md5Digest)) {
      throw fail('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (sha256 !== undefined && sha256.digest().toString('hex') !== claims.sha256Hex?.toLowerCase()) {
      throw fail('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    let checksum: Ingested['checksum'];
    if (algorithm !== undefined && flexible !== undefined) {
      const digest = flexible.digest();
      const value = digest.toString('base64');
      const claimed = claims.checksum?.value;
      const expected = typeof claimed === 'function' ? claimed() : claimed;
      if (expected !== undefined) {
        assertChecksumValue(algorithm, expected);
        if (expected !== value) throw fail('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
      }
      checksum = { algorithm, digest, value };
    }
    const out: Ingested = { size, md5: md5Digest };
    if (size === 0 && opts.elideEmpty) await writer.abort();
    else out.blobId = await writer.commit({ signal });
    if (checksum !== undefined) out.checksum = checksum;
    return out;
  } catch (e) {
    await writer.abort();
    // An abort surfaces as the signal's reason, not as whatever the destroyed body threw.
    if (signal?.aborted && !isAppError(e)) throw signal.reason;
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
