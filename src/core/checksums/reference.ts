/**
 * Test-only reference CRC: the textbook bit-at-a-time reflected CRC with BigInt. It shares no
 * code or tables with the production implementations, so agreement on random data means the
 * slicing tables, the word reads and the alignment/tail handling are all right. Far too slow for
 * anything but tests (one BigInt operation per bit). Also the tests' seeded random data.
 */
export const REF_POLYS = {
  CRC32: { width: 32, poly: 0xedb88320n },
  CRC32C: { width: 32, poly: 0x82f63b78n },
  CRC64NVME: { width: 64, poly: 0x9a6c9329ac4bc9b5n },
} as const;

/** Reflected CRC with init = xorout = all ones, as a big-endian Buffer of width/8 bytes. */
export function referenceCrc(alg: keyof typeof REF_POLYS, data: Uint8Array): Buffer {
  const { width, poly } = REF_POLYS[alg];
  const ones = (1n << BigInt(width)) - 1n;
  let crc = ones;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  crc ^= ones;
  const out = Buffer.alloc(width / 8);
  if (width === 64) out.writeBigUInt64BE(crc);
  else out.writeUInt32BE(Number(crc));
  return out;
}

/** Deterministic PRNG (mulberry32) so a failure reproduces; the seed is in the test name. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (rand() * 256) | 0;
  return b;
}
