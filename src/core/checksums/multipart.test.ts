import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  compositeChecksum,
  hashBytes,
  isValidChecksumBase64,
  MULTIPART_CHECKSUM_TYPES,
  multipartEtag,
  type CompositeAlgorithm,
  type HashAlgorithm,
} from './index.js';
import { prng, randomBytes, referenceCrc } from './reference.js';

const md5 = (s: string) => createHash('md5').update(s).digest();
const sha = (alg: 'sha1' | 'sha256', d: Uint8Array) => createHash(alg).update(d).digest();
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

test('multipartEtag: literal vector (computed with Python hashlib) and independent recomputation', () => {
  // python: md5(md5(b"hello").digest() + md5(b"world").digest()).hexdigest()
  assert.equal(multipartEtag([md5('hello'), md5('world')]), '"065947336a2f2a95ba8899f3675c3be6-2"');
  const parts = Array.from({ length: 7 }, (_, i) => md5(`part ${i}`));
  const expected = `"${createHash('md5').update(Buffer.concat(parts)).digest('hex')}-7"`;
  assert.equal(multipartEtag(parts), expected);
  // A single part still gets the "-1" suffix: it is the md5 of the md5, not the plain md5.
  assert.equal(multipartEtag([md5('x')]), `"${createHash('md5').update(md5('x')).digest('hex')}-1"`);
  assert.throws(() => multipartEtag([Buffer.alloc(15)]), RangeError);
});

test('compositeChecksum: literal vectors (computed with Python hashlib/zlib)', () => {
  const sha256 = ['hello', 'world'].map((s) => sha('sha256', Buffer.from(s)));
  assert.equal(compositeChecksum('SHA256', sha256), 'cwXbmyq8zXBsJW2z2X5f9I1nfP5NOlkEr7faDjlQ4eI=-2');
  const crc = ['hello', 'world'].map((s) => be32(zlibCrc32(s)));
  assert.equal(compositeChecksum('CRC32', crc), 'wpn7tg==-2');
});

test('compositeChecksum: each algorithm equals hash-of-concatenated-raw-digests, base64, -N (seed 20)', () => {
  const rand = prng(20);
  const parts = Array.from({ length: 5 }, () => randomBytes(rand, 1 + Math.floor(rand() * 3000)));
  const cases: Record<CompositeAlgorithm, { per: (d: Buffer) => Buffer; whole: (d: Buffer) => Buffer }> = {
    CRC32: { per: (d) => be32(zlibCrc32(d)), whole: (d) => be32(zlibCrc32(d)) },
    CRC32C: { per: (d) => referenceCrc('CRC32C', d), whole: (d) => referenceCrc('CRC32C', d) },
    SHA1: { per: (d) => sha('sha1', d), whole: (d) => sha('sha1', d) },
    SHA256: { per: (d) => sha('sha256', d), whole: (d) => sha('sha256', d) },
  };
  for (const [alg, f] of Object.entries(cases) as [CompositeAlgorithm, (typeof cases)['CRC32']][]) {
    const digests = parts.map(f.per);
    const expected = `${f.whole(Buffer.concat(digests)).toString('base64')}-${parts.length}`;
    assert.equal(compositeChecksum(alg, digests), expected, alg);
    // Part digests come from our own hashers in production; they must be the same bytes.
    assert.deepEqual(parts.map((p) => hashBytes(alg, p)), digests, alg);
  }
});

test('compositeChecksum refuses CRC64NVME (FULL_OBJECT only) and wrong-size digests', () => {
  assert.throws(() => compositeChecksum('CRC64NVME' as CompositeAlgorithm, [Buffer.alloc(8)]), TypeError);
  assert.throws(() => compositeChecksum('MD5' as CompositeAlgorithm, [Buffer.alloc(16)]), TypeError);
  assert.throws(() => compositeChecksum('SHA256', [Buffer.alloc(20)]), RangeError);
});

test('MULTIPART_CHECKSUM_TYPES encodes what AWS allows', () => {
  assert.deepEqual(MULTIPART_CHECKSUM_TYPES.CRC64NVME, { allowed: ['FULL_OBJECT'], default: 'FULL_OBJECT' });
  assert.deepEqual(MULTIPART_CHECKSUM_TYPES.SHA1.allowed, ['COMPOSITE']);
  assert.deepEqual(MULTIPART_CHECKSUM_TYPES.SHA256.allowed, ['COMPOSITE']);
  assert.deepEqual([...MULTIPART_CHECKSUM_TYPES.CRC32.allowed].sort(), ['COMPOSITE', 'FULL_OBJECT']);
  assert.deepEqual([...MULTIPART_CHECKSUM_TYPES.CRC32C.allowed].sort(), ['COMPOSITE', 'FULL_OBJECT']);
});

test('isValidChecksumBase64 accepts exactly canonical base64 of the right length', () => {
  const data = Buffer.from('123456789');
  for (const alg of ['MD5', 'CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as HashAlgorithm[]) {
    const good = hashBytes(alg, data).toString('base64');
    assert.ok(isValidChecksumBase64(alg, good), `${alg} ${good}`);
    assert.ok(!isValidChecksumBase64(alg, good.replace(/=+$/, '')), `${alg} unpadded`);
    assert.ok(!isValidChecksumBase64(alg, good + 'AAAA'), `${alg} too long`);
    assert.ok(!isValidChecksumBase64(alg, good.slice(4)), `${alg} too short`);
    assert.ok(!isValidChecksumBase64(alg, ''), `${alg} empty`);
  }
  assert.ok(isValidChecksumBase64('CRC32', '4waSgw==')); // CRC32C("123456789") = e3069283
  assert.ok(!isValidChecksumBase64('CRC64NVME', '4waSgw=='), 'a CRC32 value for CRC64NVME');
  assert.ok(!isValidChecksumBase64('CRC32', '4waSgx=='), 'non-zero padding bits (non-canonical)');
  assert.ok(!isValidChecksumBase64('CRC32', '4w-Sgw=='), 'base64url alphabet');
  assert.ok(!isValidChecksumBase64('CRC32', '4w Sgw=='), 'whitespace');
  assert.ok(!isValidChecksumBase64('CRC32', '4waSg==='), 'too much padding');
  assert.ok(!isValidChecksumBase64('SHA256', hashBytes('SHA1', data).toString('base64')), 'SHA1 for SHA256');
});
