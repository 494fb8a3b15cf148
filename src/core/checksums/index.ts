/**
 * The checksums S3 speaks: ETags (MD5) and the flexible checksums x-amz-checksum-crc32,
 * -crc32c, -crc64nvme, -sha1 and -sha256, each on the wire as base64 of the big-endian digest.
 *
 * Multipart uploads (CreateMultipartUpload x-amz-checksum-type) per algorithm, as AWS does it:
 *   CRC64NVME     FULL_OBJECT only (COMPOSITE is rejected); hence also its default.
 *   CRC32, CRC32C FULL_OBJECT or COMPOSITE; COMPOSITE when the type is not given.
 *   SHA1, SHA256  COMPOSITE only: a hash of a concatenation cannot be derived from the parts'.
 *   (none)        S3 still computes CRC64NVME FULL_OBJECT, its default integrity checksum.
 * FULL_OBJECT is the CRC of the whole object, derived at completion with combineCrc() (CRCs
 * are linear, so no re-read of the data). COMPOSITE is compositeChecksum(): a checksum of the
 * part checksums, suffixed "-N". MD5 is not a flexible checksum; it only feeds ETags.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32c } from './crc32c.js';
import { Crc64Nvme } from './crc64nvme.js';
import { combineParts, type CrcSpec } from './combine.js';

export { crc32c } from './crc32c.js';
export { Crc64Nvme, crc64nvme } from './crc64nvme.js';

export type HashAlgorithm = 'MD5' | 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type CrcAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';
export type CompositeAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256';
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

/** The multipart table from the header comment, for request validation. */
export const MULTIPART_CHECKSUM_TYPES: Readonly<
  Record<Exclude<HashAlgorithm, 'MD5'>, { allowed: readonly ChecksumType[]; default: ChecksumType }>
> = {
  CRC64NVME: { allowed: ['FULL_OBJECT'], default: 'FULL_OBJECT' },
  CRC32: { allowed: ['FULL_OBJECT', 'COMPOSITE'], default: 'COMPOSITE' },
  CRC32C: { allowed: ['FULL_OBJECT', 'COMPOSITE'], default: 'COMPOSITE' },
  SHA1: { allowed: ['COMPOSITE'], default: 'COMPOSITE' },
  SHA256: { allowed: ['COMPOSITE'], default: 'COMPOSITE' },
};

/** Incremental hash. digest() may be called once; update() after it throws (like node:crypto). */
export interface Hasher {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

const DIGEST_LENGTHS: Readonly<Record<HashAlgorithm, number>> = {
  MD5: 16,
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** Raw digest length in bytes. */
export function digestLength(alg: HashAlgorithm): number {
  const n = DIGEST_LENGTHS[alg];
  if (n === undefined) throw new TypeError(`unknown hash algorithm: ${String(alg)}`);
  return n;
}

const CRYPTO_NAMES = { MD5: 'md5', SHA1: 'sha1', SHA256: 'sha256' } as const;

/** Shared once-only guard so every algorithm fails the same way on misuse. */
abstract class OnceHasher implements Hasher {
  private done = false;
  update(chunk: Uint8Array): void {
    if (this.done) throw new Error('Hasher: update() after digest()');
    this.feed(chunk);
  }
  digest(): Buffer {
    if (this.done) throw new Error('Hasher: digest() called twice');
    this.done = true;
    return this.finish();
  }
  protected abstract feed(chunk: Uint8Array): void;
  protected abstract finish(): Buffer;
}

class CryptoHasher extends OnceHasher {
  private readonly h: Hash;
  constructor(name: 'md5' | 'sha1' | 'sha256') {
    super();
    this.h = createHash(name);
  }
  protected feed(chunk: Uint8Array): void {
    this.h.update(chunk);
  }
  protected finish(): Buffer {
    return this.h.digest();
  }
}

/** CRC32 (zlib.crc32, native) and CRC32C (crc32c.ts) share the "fn(data, previous)" shape. */
class Crc32Hasher extends OnceHasher {
  private crc = 0;
  constructor(private readonly fn: (data: Uint8Array, previous: number) => number) {
    super();
  }
  protected feed(chunk: Uint8Array): void {
    this.crc = this.fn(chunk, this.crc);
  }
  protected finish(): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(this.crc >>> 0, 0);
    return out;
  }
}

class Crc64Hasher extends OnceHasher {
  private readonly crc = new Crc64Nvme();
  protected feed(chunk: Uint8Array): void {
    this.crc.update(chunk);
  }
  protected finish(): Buffer {
    return this.crc.digest();
  }
}

export function createHasher(alg: HashAlgorithm): Hasher {
  switch (alg) {
    case 'MD5':
    case 'SHA1':
    case 'SHA256':
      return new CryptoHasher(CRYPTO_NAMES[alg]);
    case 'CRC32':
      return new Crc32Hasher(zlibCrc32);
    case 'CRC32C':
      return new Crc32Hasher(crc32c);
    case 'CRC64NVME':
      return new Crc64Hasher();
    default:
      throw new TypeError(`unknown hash algorithm: ${String(alg)}`);
  }
}

/** One-shot convenience: the raw digest of data. */
export function hashBytes(alg: HashAlgorithm, data: Uint8Array): Buffer {
  const h = createHasher(alg);
  h.update(data);
  return h.digest();
}

/**
 * True iff value is the canonical base64 (standard alphabet, '=' padded) of exactly
 * digestLength(alg) bytes, i.e. a well-formed x-amz-checksum-* / Content-MD5 value.
 * Buffer.from(..., 'base64') silently skips junk and accepts base64url, so a round trip through
 * it is the check: anything non-canonical (bad chars, missing padding, stray low bits) fails.
 */
export function isValidChecksumBase64(alg: HashAlgorithm, value: string): boolean {
  const n = digestLength(alg);
  if (typeof value !== 'string' || value.length !== 4 * Math.ceil(n / 3)) return false;
  const raw = Buffer.from(value, 'base64');
  return raw.length === n && raw.toString('base64') === value;
}

const CRC_SPECS: Readonly<Record<CrcAlgorithm, CrcSpec>> = {
  CRC32: { width: 32, polyHi: 0, polyLo: 0xedb88320 },
  CRC32C: { width: 32, polyHi: 0, polyLo: 0x82f63b78 },
  CRC64NVME: { width: 64, polyHi: 0x9a6c9329, polyLo: 0xac4bc9b5 },
};

/**
 * Full-object CRC of a concatenation from the parts' CRCs and byte lengths (crc32_combine-style,
 * x^n mod P method; see combine.ts), for multipart uploads with ChecksumType FULL_OBJECT.
 * Only CRC algorithms; throws otherwise. An empty parts list yields the CRC of no bytes (zero).
 */
export function combineCrc(alg: CrcAlgorithm, parts: { digest: Buffer; length: number }[]): Buffer {
  const spec = CRC_SPECS[alg];
  if (spec === undefined) throw new TypeError(`combineCrc: ${String(alg)} is not a CRC algorithm`);
  const size = spec.width / 8;
  const folded = parts.map((p, i) => {
    if (p.digest.length !== size) {
      throw new RangeError(`combineCrc: part ${i} digest is ${p.digest.length} bytes, ${alg} needs ${size}`);
    }
    if (!Number.isSafeInteger(p.length) || p.length < 0) {
      throw new RangeError(`combineCrc: part ${i} length ${p.length} is not a byte count`);
    }
    return size === 8
      ? { hi: p.digest.readUInt32BE(0), lo: p.digest.readUInt32BE(4), length: p.length }
      : { hi: 0, lo: p.digest.readUInt32BE(0), length: p.length };
  });
  const crc = combineParts(spec, folded);
  const out = Buffer.allocUnsafe(size);
  if (size === 8) {
    out.writeUInt32BE(crc.hi, 0);
    out.writeUInt32BE(crc.lo, 4);
  } else {
    out.writeUInt32BE(crc.lo, 0);
  }
  return out;
}

/**
 * S3 composite checksum: alg over the concatenated raw part digests (not their base64), base64,
 * then "-N" with N the part count. CRC64NVME is excluded: S3 only allows it as FULL_OBJECT.
 */
export function compositeChecksum(alg: CompositeAlgorithm, partDigests: Buffer[]): string {
  if (!(alg in MULTIPART_CHECKSUM_TYPES) || !MULTIPART_CHECKSUM_TYPES[alg].allowed.includes('COMPOSITE')) {
    throw new TypeError(`compositeChecksum: ${String(alg)} has no composite form`);
  }
  const size = digestLength(alg);
  const h = createHasher(alg);
  for (const [i, d] of partDigests.entries()) {
    if (d.length !== size) throw new RangeError(`compositeChecksum: part ${i} digest is ${d.length} bytes, ${alg} needs ${size}`);
    h.update(d);
  }
  return `${h.digest().toString('base64')}-${partDigests.length}`;
}

/** S3 multipart ETag: MD5 over the concatenated raw part MD5s, hex, "-N", in double quotes. */
export function multipartEtag(partMd5s: Buffer[]): string {
  const h = createHash('md5');
  for (const [i, d] of partMd5s.entries()) {
    if (d.length !== 16) throw new RangeError(`multipartEtag: part ${i} MD5 is ${d.length} bytes, needs 16`);
    h.update(d);
  }
  return `"${h.digest('hex')}-${partMd5s.length}"`;
}
