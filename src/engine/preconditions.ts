/**
 * HTTP conditional requests as S3 applies them (RFC 7232 order): If-Match, then
 * If-Unmodified-Since (only without If-Match), then If-None-Match, then If-Modified-Since
 * (only without If-None-Match). Dates compare at one-second granularity, the precision of
 * Last-Modified. Copy sources fail with 412 where GET would answer 304.
 */
import { fail } from '../core/errors.js';
import type { Preconditions } from './types.js';

/** Strips quotes and a weak prefix: `W/"abc"` → `abc`. */
export function normalizeEtag(etag: string): string {
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e;
}

/** True when a header value (`*`, one etag or a comma-separated list, quoted or not) matches. */
export function etagMatches(header: string, etag: string): boolean {
  const want = normalizeEtag(etag);
  return header.split(',').some((h) => {
    const t = h.trim();
    return t === '*' || normalizeEtag(t) === want;
  });
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

const notHeld = (condition: string, headers?: Record<string, string>) =>
  fail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    details: { Condition: condition },
    ...(headers ? { headers } : {}),
  });

export interface Validators {
  etag: string;
  lastModified: Date;
}

/** GET/HEAD (mode 'read') or copy source (mode 'copy') preconditions. */
export function checkPreconditions(c: Preconditions | undefined, v: Validators, mode: 'read' | 'copy'): void {
  if (c === undefined) return;
  const prefix = mode === 'copy' ? 'x-amz-copy-source-' : '';
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, v.etag)) throw notHeld(`${prefix}If-Match`);
  } else if (c.ifUnmodifiedSince !== undefined && seconds(v.lastModified) > seconds(c.ifUnmodifiedSince)) {
    throw notHeld(`${prefix}If-Unmodified-Since`);
  }
  const validatorHeaders = { ETag: v.etag, 'Last-Modified': v.lastModified.toUTCString() };
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, v.etag)) {
      if (mode === 'copy') throw notHeld(`${prefix}If-None-Match`);
      throw fail('NotModified', 'Not Modified', { headers: validatorHeaders });
    }
  } else if (c.ifModifiedSince !== undefined && seconds(v.lastModified) <= seconds(c.ifModifiedSince)) {
    if (mode === 'copy') throw notHeld(`${prefix}If-Modified-Since`);
    throw fail('NotModified', 'Not Modified', { headers: validatorHeaders });
  }
}

/**
 * Conditional writes (PutObject, CopyObject destination, CompleteMultipartUpload):
 * If-None-Match: * creates only; If-Match replaces only that etag. `current` is the key's
 * latest version; a delete marker counts as no object.
 */
export function checkWriteConditions(
  c: { ifMatch?: string; ifNoneMatch?: string } | undefined,
  current: { etag: string; deleteMarker: boolean } | undefined,
  key: string,
): void {
  if (c === undefined) return;
  const live = current !== undefined && !current.deleteMarker ? current : undefined;
  if (c.ifNoneMatch !== undefined && live !== undefined && etagMatches(c.ifNoneMatch, live.etag)) {
    throw notHeld('If-None-Match');
  }
  if (c.ifMatch !== undefined) {
    if (live === undefined) throw fail('NoSuchKey', 'The specified key does not exist.', { resource: key, details: { Key: key } });
    if (!etagMatches(c.ifMatch, live.etag)) throw notHeld('If-Match');
  }
}
