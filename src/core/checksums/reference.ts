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

/**
 * crc(A||B) from crc(A), crc(B) and len(B), computed the slow, textbook way as an independent
 * check of combine.ts: convert the reflected CRCs to ordinary polynomials (bit reversal),
 * multiply crc(A) by x^(8*len(B)) with full carry-less products and long division by P, all in
 * BigInt with an exact (bigint) exponent, then convert back.
 */
export function referenceCombine(alg: keyof typeof REF_POLYS, crcA: Buffer, crcB: Buffer, lenB: bigint): Buffer {
  const { width, poly } = REF_POLYS[alg];
  const w = BigInt(width);
  const rev = (v: bigint): bigint => {
    let r = 0n;
    for (let i = 0n; i < w; i++) if ((v >> i) & 1n) r |= 1n << (w - 1n - i);
    return r;
  };
  const full = (1n << w) | rev(poly); // P including its x^width term
  const mod = (v: bigint): bigint => {
    for (let i = 2n * w; i >= w; i--) if ((v >> i) & 1n) v ^= full << (i - w);
    return v;
  };
  const mul = (a: bigint, b: bigint): bigint => {
    let p = 0n;
    for (let i = 0n; i < w; i++) if ((a >> i) & 1n) p ^= b << i;
    return mod(p);
  };
  let result = 1n;
  let base = 2n; // the polynomial x
  for (let e = 8n * lenB; e > 0n; e >>= 1n) {
    if (e & 1n) result = mul(result, base);
    base = mul(base, base);
  }
  const read = (b: Buffer): bigint => (width === 64 ? b.readBigUInt64BE(0) : BigInt(b.readUInt32BE(0)));
  const crc = rev(mul(rev(read(crcA)), result)) ^ read(crcB);
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
