/**
 * Deterministic object contents: the bytes of (seed, size) are an AES-128-CTR keystream, so
 * the test can re-create and hash any version it ever sent without keeping it, and two
 * versions of one key never share a byte pattern. AES-NI makes this faster than the network.
 */
import { createCipheriv, createHash } from 'node:crypto';

export function content(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([c.update(Buffer.alloc(size)), c.final()]);
}

export const sha256 = (b: Buffer | Buffer[]) => {
  const h = createHash('sha256');
  for (const x of Array.isArray(b) ? b : [b]) h.update(x);
  return h.digest('hex');
};

export const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** A small seeded PRNG (mulberry32): the op mix of a run can be replayed with CRASH_SEED. */
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
