/**
 * SigV4 primitives: hashing, HMAC, signing-key derivation (with a small
 * bounded cache, since four HMACs per request add up on the hot path) and a
 * constant-time comparison of hex signatures.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const SERVICE = 's3';
export const TERMINATOR = 'aws4_request';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** One-shot crypto.hash: no Hash object per call (about half the cost on the request path). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

export function hmac(key: string | Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The two padded keys of HMAC-SHA256 (RFC 2104), each with room after it for the data. */
interface HmacPads {
  inner: Buffer;
  outer: Buffer;
}

const BLOCK = 64;
/** Room for the data after the inner pad: a string to sign is ~150 bytes, a chunk's ~250. */
const INNER_ROOM = 1024;
/** Pads per key object: signing keys come from SigningKeyCache (or a credential record) and are reused. */
const padsOf = new WeakMap<Uint8Array, HmacPads>();

function pads(key: Uint8Array): HmacPads {
  let p = padsOf.get(key);
  if (p === undefined) {
    const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
    p = { inner: Buffer.alloc(BLOCK + INNER_ROOM), outer: Buffer.alloc(BLOCK + 32) };
    for (let i = 0; i < BLOCK; i++) {
      p.inner[i] = (k[i] ?? 0) ^ 0x36;
      p.outer[i] = (k[i] ?? 0) ^ 0x5c;
    }
    padsOf.set(key, p);
  }
  return p;
}

/**
 * HMAC-SHA256 as hex: H(K^opad || H(K^ipad || data)) with two one-shot hashes over pads made
 * once per key (a Hmac object per call costs about twice as much). The buffers are the key's
 * own and used synchronously; a hash's 'binary' (latin1) output is its 32 raw bytes.
 */
export function hmacHex(key: Uint8Array, data: string | Uint8Array): string {
  const p = pads(key);
  let inner: string;
  if (typeof data === 'string' && data.length * 3 <= INNER_ROOM) {
    const n = p.inner.write(data, BLOCK, 'utf8');
    inner = hash('sha256', p.inner.subarray(0, BLOCK + n), 'binary');
  } else {
    inner = hash('sha256', Buffer.concat([p.inner.subarray(0, BLOCK), typeof data === 'string' ? Buffer.from(data, 'utf8') : data]), 'binary');
  }
  p.outer.write(inner, BLOCK, 'binary');
  return hash('sha256', p.outer, 'hex');
}

export function deriveSigningKey(secret: string, date: string, region: string, service = SERVICE): Buffer {
  const kDate = hmac('AWS4' + secret, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, TERMINATOR);
}

/**
 * Least-recently-used memo of derived keys per (secret, date, region). Keys
 * change once a day per credential, so a few hundred entries cover a busy
 * server; eviction keeps a revoked secret from staying around for long.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(private readonly capacity = 256) {}

  get(secret: string, date: string, region: string, service = SERVICE): Buffer {
    const id = `${date}\n${region}\n${service}\n${secret}`;
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const key = deriveSigningKey(secret, date, region, service);
    this.entries.set(id, key);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return key;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The process-wide memo used when the caller passes none. It caches a pure
 * function of its inputs (no config, no I/O), so sharing it is safe.
 */
export const defaultSigningKeys = new SigningKeyCache();

/** Constant-time equality of two lower-case hex signatures. */
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const a = Buffer.from(expectedHex, 'binary');
  const b = Buffer.from(providedHex, 'binary');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
