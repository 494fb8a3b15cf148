/**
 * AWS SigV4 URI encoding for S3: the canonical path and the canonical query.
 *
 * S3 neither normalises the path ('.', '..', '//') nor double-encodes it, but
 * clients differ in which characters they escape on the wire. So every path
 * segment and every query name/value is percent-decoded to bytes and then
 * re-encoded with the AWS unreserved set (A-Z a-z 0-9 - _ . ~). The result is
 * what every SDK signed, whatever the client actually put on the request line.
 */

const UNRESERVED = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') {
  UNRESERVED[c.charCodeAt(0)] = 1;
}
const HEX = '0123456789ABCDEF';

/** Paths made only of unreserved characters and '/' are already canonical. */
const CANONICAL_PATH = /^[A-Za-z0-9\-._~/]*$/;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** AWS UriEncode over raw bytes; '/' is kept only when `keepSlash`. */
export function awsEncodeBytes(bytes: Uint8Array, keepSlash = false): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (UNRESERVED[b] === 1 || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4]! + HEX[b & 15]!;
  }
  return out;
}

/** AWS UriEncode of a string (UTF-8). */
export function awsEncode(value: string, keepSlash = false): string {
  return awsEncodeBytes(Buffer.from(value, 'utf8'), keepSlash);
}

/**
 * Percent-decodes to bytes. A '%' not followed by two hex digits stays a
 * literal '%' (it is then re-encoded as %25), the way lenient servers do.
 * In query strings a literal '+' means a space (form encoding, as S3,
 * URLSearchParams and every S3 server we copy treat it); '%2B' stays '+'.
 */
export function percentDecode(value: string, plusAsSpace: boolean): Buffer {
  const src = Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let j = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[j++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[j++] = plusAsSpace && c === 0x2b ? 0x20 : c;
  }
  return out.subarray(0, j);
}

/** The SigV4 CanonicalURI of an S3 request, from the raw request-line path. */
export function canonicalPath(rawPath: string): string {
  if (rawPath === '') return '/';
  if (CANONICAL_PATH.test(rawPath)) return rawPath;
  const segments = rawPath.split('/');
  for (let i = 0; i < segments.length; i++) {
    // '%2F' inside a segment decodes to '/' and must come back as '%2F'.
    segments[i] = awsEncodeBytes(percentDecode(segments[i]!, false), false);
  }
  return segments.join('/');
}

export interface QueryParam {
  /** Decoded name and value (UTF-8). */
  name: string;
  value: string;
  /** AWS-encoded forms used in the canonical query. */
  encodedName: string;
  encodedValue: string;
}

/**
 * Splits a raw query string into decoded parameters, in wire order. A name
 * without '=' has the empty value (`?uploads` signs as `uploads=`). Use the
 * same decoding when routing so that what was signed is what runs.
 */
export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [name, encodedName] = decodeComponent(eq === -1 ? part : part.slice(0, eq));
    const [value, encodedValue] = decodeComponent(eq === -1 ? '' : part.slice(eq + 1));
    params.push({ name, value, encodedName, encodedValue });
  }
  return params;
}

/** Most query components are plain tokens: skip the byte round trip for them. */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

function decodeComponent(raw: string): [decoded: string, encoded: string] {
  if (UNRESERVED_ONLY.test(raw)) return [raw, raw];
  const bytes = percentDecode(raw, true);
  return [bytes.toString('utf8'), awsEncodeBytes(bytes)];
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The SigV4 CanonicalQueryString: sorted by encoded name, then encoded value.
 * `exclude` drops one parameter by decoded name (X-Amz-Signature when presigned).
 */
export function canonicalQuery(params: readonly QueryParam[], exclude?: string): string {
  const kept = exclude === undefined ? params.slice() : params.filter((p) => p.name !== exclude);
  kept.sort((a, b) => compareAscii(a.encodedName, b.encodedName) || compareAscii(a.encodedValue, b.encodedValue));
  let out = '';
  for (let i = 0; i < kept.length; i++) {
    if (i > 0) out += '&';
    out += kept[i]!.encodedName + '=' + kept[i]!.encodedValue;
  }
  return out;
}
