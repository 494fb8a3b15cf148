import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { createHasher, crc32c, Crc64Nvme, digestLength, hashBytes, type HashAlgorithm } from './index.js';
import { prng, randomBytes, referenceCrc } from './reference.js';

const ALL: HashAlgorithm[] = ['MD5', 'CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const CHECK = Buffer.from('123456789');

test('catalogue check values for "123456789"', () => {
  assert.equal(hashBytes('CRC32', CHECK).toString('hex'), 'cbf43926'); // CRC-32/ISO-HDLC
  assert.equal(hashBytes('CRC32C', CHECK).toString('hex'), 'e3069283'); // CRC-32/ISCSI
  assert.equal(hashBytes('CRC64NVME', CHECK).toString('hex'), 'ae8b14860a799888'); // CRC-64/NVME
  assert.equal(crc32c(CHECK), 0xe3069283);
  assert.equal(new Crc64Nvme().update(CHECK).digest().toString('hex'), 'ae8b14860a799888');
});

test('known vectors for the empty string', () => {
  const empty: Record<HashAlgorithm, string> = {
    MD5: 'd41d8cd98f00b204e9800998ecf8427e',
    CRC32: '00000000',
    CRC32C: '00000000',
    CRC64NVME: '0000000000000000',
    SHA1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    SHA256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  };
  for (const alg of ALL) {
    assert.equal(hashBytes(alg, new Uint8Array(0)).toString('hex'), empty[alg], alg);
    assert.equal(createHasher(alg).digest().toString('hex'), empty[alg], `${alg} with no update`);
  }
});

test('digestLength matches the digests produced', () => {
  for (const alg of ALL) assert.equal(hashBytes(alg, CHECK).length, digestLength(alg), alg);
  assert.deepEqual(
    ALL.map((a) => digestLength(a)),
    [16, 4, 4, 8, 20, 32],
  );
  assert.throws(() => digestLength('CRC16' as HashAlgorithm), TypeError);
});

test('crypto-backed and zlib-backed algorithms agree with their sources', () => {
  const data = randomBytes(prng(1), 10_000);
  assert.deepEqual(hashBytes('MD5', data), createHash('md5').update(data).digest());
  assert.deepEqual(hashBytes('SHA1', data), createHash('sha1').update(data).digest());
  assert.deepEqual(hashBytes('SHA256', data), createHash('sha256').update(data).digest());
  assert.equal(hashBytes('CRC32', data).readUInt32BE(0), zlibCrc32(data));
});

test('table CRCs match a bit-at-a-time reference at every length and alignment (seed 2)', () => {
  // Lengths 0..200 cross the 64-byte word-path threshold and every tail length mod 16;
  // offsets 0..7 inside a larger buffer exercise the alignment prologue.
  const rand = prng(2);
  const backing = randomBytes(rand, 4096 + 8);
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    for (let len = 0; len <= 200; len++) {
      const off = len % 8;
      const data = backing.subarray(off, off + len);
      assert.deepEqual(hashBytes(alg, data), referenceCrc(alg, data), `${alg} len=${len} off=${off}`);
    }
    for (let off = 0; off < 8; off++) {
      const data = backing.subarray(off, off + 4096);
      assert.deepEqual(hashBytes(alg, data), referenceCrc(alg, data), `${alg} len=4096 off=${off}`);
    }
  }
});

test('CRC64NVME over more than one window of its WebAssembly input, at an odd offset (seed 5)', () => {
  // The module folds its input 64 KiB at a time; a one-shot update of ~200 KB crosses windows.
  const backing = randomBytes(prng(5), 3 * 65536 + 21);
  const data = backing.subarray(3, backing.length - 1);
  assert.deepEqual(hashBytes('CRC64NVME', data), referenceCrc('CRC64NVME', data));
});

test('data views over non-Buffer memory (Uint8Array on a fresh ArrayBuffer, at an offset)', () => {
  const src = randomBytes(prng(3), 1000);
  const ab = new ArrayBuffer(1003);
  const view = new Uint8Array(ab, 3, 1000);
  view.set(src);
  for (const alg of ALL) assert.deepEqual(hashBytes(alg, view), hashBytes(alg, src), alg);
});

test('streaming in odd-sized pieces equals one-shot, for every algorithm (seed 4)', () => {
  const rand = prng(4);
  const data = randomBytes(rand, 200_003);
  for (const alg of ALL) {
    const oneShot = hashBytes(alg, data);
    for (let trial = 0; trial < 4; trial++) {
      const h = createHasher(alg);
      let off = 0;
      while (off < data.length) {
        // Mix tiny pieces (byte path), mid-size (word path + tails) and empty ones.
        const max = trial % 2 === 0 ? 17 : 5000;
        const n = Math.floor(rand() * max);
        h.update(data.subarray(off, off + n));
        off += n;
      }
      assert.deepEqual(h.digest(), oneShot, `${alg} trial ${trial}`);
    }
  }
});

test('crc32c(data, previous) chains like zlib.crc32', () => {
  const data = randomBytes(prng(5), 3000);
  const first = crc32c(data.subarray(0, 1234));
  assert.equal(crc32c(data.subarray(1234), first), crc32c(data));
  assert.equal(crc32c(new Uint8Array(0), first), first);
});

test('digest() is once-only and update() after it throws', () => {
  for (const alg of ALL) {
    const h = createHasher(alg);
    h.update(CHECK);
    h.digest();
    assert.throws(() => h.digest(), `${alg} second digest`);
    assert.throws(() => h.update(CHECK), `${alg} update after digest`);
  }
  assert.throws(() => createHasher('CRC16' as HashAlgorithm), TypeError);
});
