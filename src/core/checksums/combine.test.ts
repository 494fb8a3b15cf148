import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineCrc, hashBytes, type CrcAlgorithm } from './index.js';
import { prng, randomBytes, referenceCombine } from './reference.js';

const CRCS: CrcAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

function partsOf(alg: CrcAlgorithm, data: Buffer, sizes: number[]) {
  const parts: { digest: Buffer; length: number }[] = [];
  let off = 0;
  for (const n of sizes) {
    const piece = data.subarray(off, off + n);
    parts.push({ digest: hashBytes(alg, piece), length: piece.length });
    off += n;
  }
  assert.equal(off, data.length);
  return parts;
}

test('combineCrc equals the CRC of the concatenation over random part sizes (seed 10)', () => {
  const rand = prng(10);
  for (const alg of CRCS) {
    for (let trial = 0; trial < 40; trial++) {
      const count = 1 + Math.floor(rand() * 12);
      // Sizes from 0 (empty parts happen: S3 allows an empty last part) up to ~20 KB.
      const sizes = Array.from({ length: count }, () => (rand() < 0.2 ? 0 : Math.floor(rand() * 20_000)));
      const data = randomBytes(rand, sizes.reduce((a, b) => a + b, 0));
      assert.deepEqual(
        combineCrc(alg, partsOf(alg, data, sizes)),
        hashBytes(alg, data),
        `${alg} trial ${trial} sizes ${sizes.join(',')}`,
      );
    }
  }
});

test('combineCrc edge cases: single part, all-empty parts, no parts, equal sizes', () => {
  const data = randomBytes(prng(11), 5000);
  for (const alg of CRCS) {
    const whole = hashBytes(alg, data);
    assert.deepEqual(combineCrc(alg, partsOf(alg, data, [5000])), whole, `${alg} single part`);
    assert.deepEqual(combineCrc(alg, partsOf(alg, data, [0, 5000, 0])), whole, `${alg} empty around`);
    assert.deepEqual(combineCrc(alg, partsOf(alg, data, [1000, 1000, 1000, 1000, 1000])), whole, `${alg} equal`);
    const zero = hashBytes(alg, new Uint8Array(0));
    assert.deepEqual(combineCrc(alg, []), zero, `${alg} no parts`);
    assert.deepEqual(combineCrc(alg, [{ digest: zero, length: 0 }, { digest: zero, length: 0 }]), zero);
  }
});

test('combineCrc matches an independent BigInt reference for lengths past 2^32 bytes (seed 12)', () => {
  // Objects up to 5 TiB cannot be hashed in a test, so check the x^(8n) mod P arithmetic against
  // referenceCombine (ordinary-polynomial BigInt math, exact exponent) at lengths that break
  // 32-bit shortcuts: around 2^32, all-ones low words, and the 5 TiB maximum.
  const rand = prng(12);
  const lengths = [1, 255, 2 ** 29, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 - 1, 5 * 2 ** 40, 2 ** 53 - 1];
  for (const alg of CRCS) {
    const size = alg === 'CRC64NVME' ? 8 : 4;
    for (const len of lengths) {
      const a = randomBytes(rand, size);
      const b = randomBytes(rand, size);
      const got = combineCrc(alg, [
        { digest: a, length: 1000 },
        { digest: b, length: len },
      ]);
      assert.deepEqual(got, referenceCombine(alg, a, b, BigInt(len)), `${alg} len ${len}`);
    }
  }
});

test('combineCrc rejects non-CRC algorithms and malformed parts', () => {
  const four = Buffer.alloc(4);
  assert.throws(() => combineCrc('SHA256' as CrcAlgorithm, []), TypeError);
  assert.throws(() => combineCrc('MD5' as CrcAlgorithm, []), TypeError);
  assert.throws(() => combineCrc('CRC64NVME', [{ digest: four, length: 1 }]), RangeError);
  assert.throws(() => combineCrc('CRC32', [{ digest: Buffer.alloc(8), length: 1 }]), RangeError);
  assert.throws(() => combineCrc('CRC32', [{ digest: four, length: -1 }]), RangeError);
  assert.throws(() => combineCrc('CRC32', [{ digest: four, length: 1.5 }]), RangeError);
});

test('combineCrc over 10,000 parts is fast (CompleteMultipartUpload latency)', () => {
  for (const alg of CRCS) {
    const size = alg === 'CRC64NVME' ? 8 : 4;
    const parts = Array.from({ length: 10_000 }, (_, i) => ({
      digest: Buffer.alloc(size, i & 0xff),
      length: i === 9_999 ? 123 : 5 * 1024 * 1024 * 1024, // 5 GiB parts, short last part
    }));
    const t0 = performance.now();
    combineCrc(alg, parts);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${alg} took ${ms.toFixed(0)} ms`);
  }
});
