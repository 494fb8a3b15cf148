/**
 * Random hex digits for ids, from the same CSPRNG as crypto.randomBytes, drawn a few KiB at
 * a time: one randomBytes call per id costs more than the rest of a small write's id work.
 * Bytes are handed out once and never reused.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/** `bytes` random bytes as 2 × bytes lower-case hex digits. */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(bytes)).toString('hex');
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}
