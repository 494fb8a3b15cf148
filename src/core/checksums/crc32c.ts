/**
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and xorout 0xFFFFFFFF.
 * Catalogue check value for "123456789" is 0xE3069283.
 *
 * Node has no native CRC-32C (zlib.crc32 is the IEEE polynomial), so this is a slicing-by-16
 * table implementation reading the input as 32-bit words: it is on the upload hot path.
 */
import { LITTLE_ENDIAN, MIN_WORD_PATH, makeTables32 } from './tables.js';

const [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15] = makeTables32(0x82f63b78) as [
  Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array,
  Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array,
];

/**
 * CRC-32C of `data`, continuing from a previous result like zlib.crc32(data, value):
 * crc32c(b, crc32c(a)) === crc32c(concat(a, b)). Returns an unsigned 32-bit number.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  return ~crc32cRaw(~previous, data) >>> 0;
}

/** Advances the raw (pre-xorout) register over data. Register values are int32. */
function crc32cRaw(crc: number, data: Uint8Array): number {
  const n = data.length;
  let i = 0;
  if (LITTLE_ENDIAN && n >= MIN_WORD_PATH) {
    // Align to 4 so the Int32Array view is legal (typed-array views must be element-aligned).
    while ((data.byteOffset + i) & 3) crc = (crc >>> 8) ^ t0[(crc ^ data[i++]!) & 0xff]!;
    const words = new Int32Array(data.buffer, data.byteOffset + i, ((n - i) >>> 4) << 2);
    const wn = words.length;
    for (let j = 0; j < wn; j += 4) {
      // The register only overlaps the first word; the other 12 lookups are independent of it,
      // which is what lets the CPU overlap them.
      const a = crc ^ words[j]!;
      const b = words[j + 1]!;
      const c = words[j + 2]!;
      const d = words[j + 3]!;
      crc =
        t15[a & 0xff]! ^ t14[(a >>> 8) & 0xff]! ^ t13[(a >>> 16) & 0xff]! ^ t12[a >>> 24]! ^
        t11[b & 0xff]! ^ t10[(b >>> 8) & 0xff]! ^ t9[(b >>> 16) & 0xff]! ^ t8[b >>> 24]! ^
        t7[c & 0xff]! ^ t6[(c >>> 8) & 0xff]! ^ t5[(c >>> 16) & 0xff]! ^ t4[c >>> 24]! ^
        t3[d & 0xff]! ^ t2[(d >>> 8) & 0xff]! ^ t1[(d >>> 16) & 0xff]! ^ t0[d >>> 24]!;
    }
    i += wn << 2;
  }
  for (; i < n; i++) crc = (crc >>> 8) ^ t0[(crc ^ data[i]!) & 0xff]!;
  return crc;
}
