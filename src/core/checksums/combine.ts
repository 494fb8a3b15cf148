/**
 * CRC combination: the CRC of A||B from crc(A), crc(B) and len(B), without touching the data.
 * Used to produce the FULL_OBJECT checksum of a multipart upload from its parts' checksums.
 *
 * Method (zlib's crc32_combine, generalised to 64 bits): for a CRC whose init equals its xorout
 * (true for CRC32, CRC32C and CRC64NVME: both all ones) the init/xorout contributions cancel and
 *   crc(A||B) = crc(A) * x^(8*len(B)) mod P  xor  crc(B)
 * in GF(2)[x]. x^(8n) mod P is built by square-and-multiply from a table of x^(2^k) mod P, so the
 * cost is O(log n) polynomial multiplications per part, independent of the part's size.
 *
 * Values use the reflected representation the CRCs themselves use: bit (width-1) holds the
 * coefficient of x^0. 64-bit values are (hi, lo) int32 pairs so this runs without BigInt.
 */

export interface CrcSpec {
  width: 32 | 64;
  /** Reflected polynomial, split in 32-bit halves (polyHi = 0 for 32-bit CRCs). */
  polyHi: number;
  polyLo: number;
}

/** A GF(2) polynomial mod P in reflected form; hi is 0 for 32-bit CRCs. */
interface Poly {
  hi: number;
  lo: number;
}

/** a * b mod P. Walks a's coefficients from x^0 upwards while b is multiplied by x each step. */
function mulmod(a: Poly, b: Poly, spec: CrcSpec): Poly {
  let pHi = 0;
  let pLo = 0;
  let bHi = b.hi;
  let bLo = b.lo;
  for (let i = spec.width - 1; i >= 0; i--) {
    const bit = i >= 32 ? (a.hi >>> (i - 32)) & 1 : (a.lo >>> i) & 1;
    if (bit) {
      pHi ^= bHi;
      pLo ^= bLo;
    }
    // b *= x: in reflected form a right shift, reducing by P when x^(width-1) falls off.
    const mask = -(bLo & 1);
    bLo = ((bLo >>> 1) | (bHi << 31)) ^ (spec.polyLo & mask);
    bHi = (bHi >>> 1) ^ (spec.polyHi & mask);
  }
  return { hi: pHi, lo: pLo };
}

/** x^(2^k) mod P for k = 0..63: enough for any n < 2^53 bytes (k starts at 3 for bytes->bits). */
const x2nCache = new Map<CrcSpec, Poly[]>();
function x2nTable(spec: CrcSpec): Poly[] {
  let table = x2nCache.get(spec);
  if (!table) {
    // x^1: the bit just below the x^0 bit.
    let p: Poly = spec.width === 64 ? { hi: 1 << 30, lo: 0 } : { hi: 0, lo: 1 << 30 };
    table = [];
    for (let k = 0; k < 64; k++) {
      table.push(p);
      p = mulmod(p, p, spec);
    }
    x2nCache.set(spec, table);
  }
  return table;
}

/** x^(8 * bytes) mod P. bytes may exceed 2^32 (5 TiB objects), so no bitwise ops on it. */
function xPowBytes(bytes: number, spec: CrcSpec): Poly {
  const table = x2nTable(spec);
  let p: Poly = spec.width === 64 ? { hi: 1 << 31, lo: 0 } : { hi: 0, lo: 1 << 31 }; // x^0 = 1
  let k = 3;
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) p = mulmod(table[k]!, p, spec);
  }
  return p;
}

/**
 * Folds part CRCs (finalised values, as (hi, lo) pairs) with their byte lengths into the CRC of
 * the concatenation. Starts from the CRC of the empty string, which is 0 for these CRCs.
 * Repeated part sizes (the common case: all parts but the last are equal) reuse x^(8n) mod P.
 */
export function combineParts(spec: CrcSpec, parts: { hi: number; lo: number; length: number }[]): Poly {
  let crc: Poly = { hi: 0, lo: 0 };
  let lastLen = -1;
  let lastPow: Poly = { hi: 0, lo: 0 };
  for (const part of parts) {
    if (part.length !== lastLen) {
      lastPow = xPowBytes(part.length, spec);
      lastLen = part.length;
    }
    const shifted = mulmod(lastPow, crc, spec);
    crc = { hi: shifted.hi ^ part.hi, lo: shifted.lo ^ part.lo };
  }
  return { hi: crc.hi >>> 0, lo: crc.lo >>> 0 };
}
