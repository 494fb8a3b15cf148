/** Random identifiers and secrets for the account store (see model.ts for the formats). */
import { createHash, randomBytes, randomInt } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased: randomInt rejects out-of-range draws itself. */
function randomString(len: number, alphabet: string): string {
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** 12 digits, like an AWS account id (the caller retries on collision). */
export function newAccountId(): string {
  return randomString(12, '0123456789');
}

export function newUserId(): string {
  return 'U' + randomString(20, BASE32);
}

export function newAccessKeyId(): string {
  return 'SV' + randomString(18, UPPER_ALNUM);
}

/** 40 characters, as AWS secrets are; letters and digits only, so they survive any shell. */
export function newSecretAccessKey(): string {
  return randomString(40, ALNUM);
}

export function newTokenId(): string {
  return 'T' + randomString(20, BASE32);
}

/** A bearer token: 256 random bits. Only its hash is stored. */
export function newToken(): string {
  return 'svt_' + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
