/**
 * Lookup tables for the table-driven CRC-32C (crc32c.ts; crc64nvme.ts builds the same kind of
 * tables as i64 in its WebAssembly memory).
 *
 * Both CRCs are "reflected" (LSB-first), so one byte step is
 *   crc = T0[(crc ^ byte) & 0xff] ^ (crc >>> 8)
 * and slicing-by-N adds tables Tk[i] = CRC register after feeding byte i followed by k zero
 * bytes, i.e. Tk[i] = T(k-1)[i] >>> 8 ^ T0[T(k-1)[i] & 0xff]. With them N input bytes are
 * folded into the register with N independent lookups instead of N dependent steps.
 *
 * Tables are Int32Array, not Uint32Array, so every value in the hot loop is an int32 (what the
 * bitwise operators produce anyway); uint32 values >= 2^31 would have to be handled as doubles.
 */

/**
 * Slicing depth, measured on x86-64 / Node 20 with 32-bit word reads: for CRC32C 16 slices ran
 * ~1.35x faster than 8 and 32 slices were slower again (tables no longer fit L1 comfortably);
 * for CRC64NVME (then in JS) 16 was ~5% ahead of 8. 16-bit-index tables (256 KiB each) were 3x slower.
 */
export const SLICES = 16;

/** Slicing tables for a reflected 32-bit CRC: SLICES tables of 256 entries. */
export function makeTables32(reflectedPoly: number): Int32Array[] {
  const t0 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    t0[i] = c;
  }
  const tables = [t0];
  for (let k = 1; k < SLICES; k++) {
    const prev = tables[k - 1]!;
    const t = new Int32Array(256);
    for (let i = 0; i < 256; i++) t[i] = (prev[i]! >>> 8) ^ t0[prev[i]! & 0xff]!;
    tables.push(t);
  }
  return tables;
}

/**
 * The fast paths read the input as little-endian 32-bit words through an Int32Array view.
 * On a big-endian host (practically only s390x) that view would see bytes swapped, so the
 * CRCs fall back to the plain byte loop there: correct, just slower.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Below this many bytes the word path's view allocation costs more than it saves. */
export const MIN_WORD_PATH = 64;
