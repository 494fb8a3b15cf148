/**
 * The SigV4 canonical request and string to sign, built from the request as
 * received. Header names arrive lower-case (Node does that); values are
 * trimmed and inner whitespace runs collapsed, repeated values joined by ','.
 */
import { canonicalRequestSha256 } from '../../core/canonical-hash.js';
import { ALGORITHM } from './signing-key.js';
import type { SignableRequest } from './types.js';

export type HeaderMap = SignableRequest['headers'];

/** Header value as one string: repeated values joined by ',' as AWS does. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

const NEEDS_TRIM = /[\r\n\t]| {2}|^ | $/;

/** Trimall: the same steps the AWS SDK signer applies. */
function trimAll(value: string): string {
  if (!NEEDS_TRIM.test(value)) return value;
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

export function canonicalHeaderValue(headers: HeaderMap, name: string): string {
  const v = headers[name];
  if (v === undefined) return '';
  if (!Array.isArray(v)) return trimAll(v);
  let out = '';
  for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + trimAll(v[i]!);
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  canonicalPath: string;
  canonicalQuery: string;
  headers: HeaderMap;
  /** Sorted, lower-case, de-duplicated. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  let headerBlock = '';
  for (const name of parts.signedHeaders) {
    headerBlock += name + ':' + canonicalHeaderValue(parts.headers, name) + '\n';
  }
  return (
    parts.method +
    '\n' +
    parts.canonicalPath +
    '\n' +
    parts.canonicalQuery +
    '\n' +
    headerBlock +
    '\n' +
    parts.signedHeaders.join(';') +
    '\n' +
    parts.payloadHash
  );
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + canonicalRequestSha256(canonicalRequest);
}

/** Parsed SignedHeaders values: a client sends the same list on every request. */
const signedHeaderLists = new Map<string, readonly string[] | undefined>();

/**
 * Parses a SignedHeaders list. Returns undefined when it is empty or has an
 * empty or non-token name. The list is sorted: every SDK signs it sorted, and
 * sorting here makes an unsorted list name the same canonical request.
 */
export function parseSignedHeaders(value: string): readonly string[] | undefined {
  if (signedHeaderLists.has(value)) return signedHeaderLists.get(value);
  let parsed: readonly string[] | undefined;
  if (value !== '') {
    const names = value.split(';').map((n) => n.trim().toLowerCase());
    if (!names.some((n) => !/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(n))) parsed = Object.freeze([...new Set(names)].sort());
  }
  if (signedHeaderLists.size >= 256) signedHeaderLists.clear();
  signedHeaderLists.set(value, parsed);
  return parsed;
}

/**
 * x-amz-* headers that are present but not signed. AWS refuses these, since
 * anyone relaying the request (or holding a presigned URL) could add e.g.
 * x-amz-acl or x-amz-meta-* to change what the request does.
 */
export function unsignedAmzHeaders(headers: HeaderMap, signedHeaders: readonly string[]): string[] {
  const missing: string[] = [];
  for (const name of Object.keys(headers)) {
    if (headers[name] === undefined) continue;
    // A signed list is a handful of names: a scan costs less than building a Set.
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) missing.push(name);
  }
  return missing;
}
