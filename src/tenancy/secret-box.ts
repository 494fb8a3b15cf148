/**
 * Access-key secrets must be recoverable (SigV4 needs the secret itself, not a hash), so
 * they are kept encrypted with a 32-byte server key: AES-256-GCM, a fresh IV per secret,
 * and the access key id as additional authenticated data, so a ciphertext copied onto
 * another key's row fails to open instead of lending that key its secret.
 *
 * Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../core/errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the server key must be ${KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  /** Throws Internal when the text was not sealed by this key for this `aad` (or was altered). */
  open(sealed: string, aad: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== 'v1') throw fail('Internal', 'A stored secret has an unknown format.');
    const [, iv, tag, ct] = parts as [string, string, string, string];
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch (e) {
      throw fail('Internal', `The stored secret of ${aad} cannot be decrypted with this server key.`, { cause: e });
    }
  }
}

/** A key given as 64 hex digits or as base64/base64url of 32 bytes. */
export function parseServerKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (key?.length !== KEY_BYTES) throw new Error('the server key must be 32 bytes, given as 64 hex digits or in base64');
  return key;
}

/**
 * The server key: from `given` (e.g. an environment variable) when set; otherwise read
 * from `file`, which is created once (0600). Cluster workers may start together: 'wx'
 * lets exactly one create it, the others read the winner's.
 */
export function loadOrCreateServerKey(file: string, given?: string): Buffer {
  if (given !== undefined && given.trim() !== '') return parseServerKey(given);
  try {
    return parseServerKey(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readWinner(file);
}

/** The winner of a creation race may not have written its bytes yet: retry briefly. */
function readWinner(file: string): Buffer {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; ; i++) {
    try {
      return parseServerKey(readFileSync(file, 'utf8'));
    } catch (e) {
      if (i >= 50) throw e;
      Atomics.wait(sleeper, 0, 0, 10);
    }
  }
}
