/**
 * CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, init and xorout all ones.
 * Catalogue check value for "123456789" is 0xAE8B14860A799888.
 *
 * No native implementation exists in Node, and BigInt is far too slow for a hot loop (it
 * allocates per operation), so the 64-bit register is kept as two int32 halves and the
 * slicing-by-16 tables are split into low/high halves (32 tables x 1 KiB = 32 KiB).
 */
import { LITTLE_ENDIAN, MIN_WORD_PATH, makeTables64 } from './tables.js';

type T16 = [
  Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array,
  Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array,
];
const tables = makeTables64(0x9a6c9329, 0xac4bc9b5);
const [l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15] = tables.lo as T16;
const [h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15] = tables.hi as T16;

/** Streaming CRC-64/NVME. digest() is non-destructive; update() may continue afterwards. */
export class Crc64Nvme {
  // Raw register halves (pre-xorout), as int32. Init is all ones.
  private lo = -1;
  private hi = -1;

  update(data: Uint8Array): this {
    const n = data.length;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    if (LITTLE_ENDIAN && n >= MIN_WORD_PATH) {
      while ((data.byteOffset + i) & 3) {
        const x = (lo ^ data[i++]!) & 0xff;
        lo = ((lo >>> 8) | (hi << 24)) ^ l0[x]!;
        hi = (hi >>> 8) ^ h0[x]!;
      }
      const words = new Int32Array(data.buffer, data.byteOffset + i, ((n - i) >>> 4) << 2);
      const wn = words.length;
      for (let j = 0; j < wn; j += 4) {
        // Little-endian: word j is bytes 0-3 and overlaps the register's low half, word j+1
        // the high half; words j+2 and j+3 go through tables that are independent of the register.
        const a = lo ^ words[j]!;
        const b = hi ^ words[j + 1]!;
        const c = words[j + 2]!;
        const d = words[j + 3]!;
        const a0 = a & 0xff, a1 = (a >>> 8) & 0xff, a2 = (a >>> 16) & 0xff, a3 = a >>> 24;
        const b0 = b & 0xff, b1 = (b >>> 8) & 0xff, b2 = (b >>> 16) & 0xff, b3 = b >>> 24;
        const c0 = c & 0xff, c1 = (c >>> 8) & 0xff, c2 = (c >>> 16) & 0xff, c3 = c >>> 24;
        const d0 = d & 0xff, d1 = (d >>> 8) & 0xff, d2 = (d >>> 16) & 0xff, d3 = d >>> 24;
        lo =
          l15[a0]! ^ l14[a1]! ^ l13[a2]! ^ l12[a3]! ^ l11[b0]! ^ l10[b1]! ^ l9[b2]! ^ l8[b3]! ^
          l7[c0]! ^ l6[c1]! ^ l5[c2]! ^ l4[c3]! ^ l3[d0]! ^ l2[d1]! ^ l1[d2]! ^ l0[d3]!;
        hi =
          h15[a0]! ^ h14[a1]! ^ h13[a2]! ^ h12[a3]! ^ h11[b0]! ^ h10[b1]! ^ h9[b2]! ^ h8[b3]! ^
          h7[c0]! ^ h6[c1]! ^ h5[c2]! ^ h4[c3]! ^ h3[d0]! ^ h2[d1]! ^ h1[d2]! ^ h0[d3]!;
      }
      i += wn << 2;
    }
    for (; i < n; i++) {
      const x = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ l0[x]!;
      hi = (hi >>> 8) ^ h0[x]!;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** The 8-byte big-endian digest, the wire form of x-amz-checksum-crc64nvme (before base64). */
  digest(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}

/** One-shot CRC-64/NVME as an 8-byte big-endian Buffer. */
export function crc64nvme(data: Uint8Array): Buffer {
  return new Crc64Nvme().update(data).digest();
}
