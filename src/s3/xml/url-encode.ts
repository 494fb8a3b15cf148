/**
 * `encoding-type=url` for list responses.
 *
 * AWS documents only that "keys are URL-encoded"; clients decode with
 * `unquote_plus` (botocore, hence the aws CLI), `QueryUnescape` (Go SDKs) or
 * `decodeURIComponent`. We percent-encode every UTF-8 byte except the RFC 3986
 * unreserved set and `/`, so the output decodes identically under all of them:
 * - space becomes `%20`, not `+` (AWS itself emits `+`, which decodeURIComponent
 *   leaves alone; `%20` is what ceph/s3-tests expect and every decoder accepts);
 * - a literal `+` becomes `%2B`, so it cannot be confused with a space;
 * - `/` stays literal so prefixes and delimiters remain readable.
 * Lone surrogates (not valid in a stored key) encode as U+FFFD.
 */

const HEX = '0123456789ABCDEF';
const KEEP = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/') KEEP[c.charCodeAt(0)] = 1;
const PERCENT: string[] = [];
for (let b = 0; b < 256; b++) PERCENT.push('%' + HEX[b >> 4] + HEX[b & 15]);
const NOTHING_TO_ENCODE = /^[A-Za-z0-9\-._~/]*$/;

export function s3UrlEncode(s: string): string {
  if (NOTHING_TO_ENCODE.test(s)) return s;
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return out + s.slice(last, i) + encodeBytes(s.slice(i)); // rare: UTF-8 bytes for the rest
    if (KEEP[c] === 1) continue;
    out += s.slice(last, i) + PERCENT[c];
    last = i + 1;
  }
  return out + s.slice(last);
}

function encodeBytes(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) out += b < 128 && KEEP[b] === 1 ? String.fromCharCode(b) : PERCENT[b];
  return out;
}
