/**
 * Cross-check against the AWS SDK's own CRC32C and CRC64NVME (what S3 clients actually send).
 * @aws-sdk/checksums is a transitive dev dependency (via @aws-sdk/client-s3); it is used only
 * here, never by production code. Kept in its own file so that, if a future SDK release moves
 * these classes, only this file stops compiling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import { createHasher, type HashAlgorithm } from './index.js';
import { prng, randomBytes } from './reference.js';

interface AwsChecksum {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

const impls: [HashAlgorithm, () => AwsChecksum][] = [
  ['CRC32C', () => new Crc32cJs()],
  ['CRC64NVME', () => new Crc64NvmeJs()],
];

test('CRC32C and CRC64NVME agree with the AWS SDK on random data and chunkings (seed 30)', async () => {
  const rand = prng(30);
  const sizes = [0, 1, 7, 8, 15, 16, 63, 64, 65, 1000, 4096, 65_537, 1_048_583];
  for (const [alg, makeAws] of impls) {
    for (const size of sizes) {
      const data = randomBytes(rand, size + 3).subarray(3); // misaligned on purpose
      const aws = makeAws();
      const ours = createHasher(alg);
      // Feed both in the same random chunking; each side must also match the other's one-shot.
      let off = 0;
      while (off < size) {
        const n = 1 + Math.floor(rand() * 9000);
        aws.update(data.subarray(off, off + n));
        ours.update(data.subarray(off, off + n));
        off += n;
      }
      const expected = Buffer.from(await aws.digest());
      assert.deepEqual(ours.digest(), expected, `${alg} size ${size}`);
    }
  }
});
