/**
 * Pure helpers for S3-style listings shared by every metadata implementation: key order
 * is the order of UTF-8 bytes (what SQLite's BINARY and PostgreSQL's "C" collation give),
 * and a common prefix is skipped with one range seek to its byte successor instead of
 * reading every key beneath it.
 */
import type { Page } from './types.js';

/** Maps a UTF-16 code unit ≥ 0xD800 so that code-unit order becomes code-point (= UTF-8 byte) order. */
function fixup(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** Compares two strings by their UTF-8 encodings, like memcmp would. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = fixup(x);
        y = fixup(y);
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** The larger of two keys in byte order. */
export function maxKey(a: string, b: string): string {
  return compareUtf8(a, b) >= 0 ? a : b;
}

/** The smallest key strictly greater than `k`. */
export function keyAfter(k: string): string {
  return `${k}\u0000`;
}

/**
 * The smallest string greater than every string that starts with `p` (its last code point
 * incremented, carrying past U+10FFFF), or undefined when no such string exists.
 */
export function prefixEnd(p: string): string | undefined {
  const cps = Array.from(p);
  while (cps.length > 0) {
    const last = (cps.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      cps.push(String.fromCodePoint(next));
      return cps.join('');
    }
  }
  return undefined;
}

/** The common prefix a key rolls up into, or undefined when it has no delimiter after the prefix. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

export interface GroupSpec<R> {
  prefix: string;
  delimiter?: string;
  maxItems: number;
  /** Common prefixes at or before this position (byte order) belong to earlier pages. */
  marker?: string;
  keyOf(row: R): string;
  /** Rows already positioned (e.g. the marker key's remaining versions), consumed first. */
  head?: Iterable<R>;
  /** Inclusive lower key bound of the main scan; must be ≥ prefix. */
  start: string;
  /** Rows with key ≥ from in listing order; iteration may stop early (iterator return()). */
  scan(from: string): Iterable<R>;
}

/**
 * Walks rows in order and folds keys containing the delimiter (after the prefix) into common
 * prefixes; each item and each common prefix counts toward maxItems, as in S3.
 */
export function groupListing<R>(spec: GroupSpec<R>): Page<R> {
  const page: Page<R> = { items: [], commonPrefixes: [], isTruncated: false };
  if (spec.maxItems <= 0) return page;
  const { prefix, delimiter, marker } = spec;
  let count = 0;
  let from: string | undefined = spec.start;
  let inHead = spec.head !== undefined;
  while (true) {
    const rows: Iterable<R> = inHead ? (spec.head as Iterable<R>) : spec.scan(from as string);
    let skipTo: string | undefined;
    let stop = !inHead;
    for (const row of rows) {
      const key = spec.keyOf(row);
      if (!key.startsWith(prefix)) {
        if (inHead) continue;
        break;
      }
      const cp = commonPrefixOf(key, prefix, delimiter);
      if (cp !== undefined) {
        if (marker === undefined || compareUtf8(cp, marker) > 0) {
          if (count === spec.maxItems) {
            page.isTruncated = true;
            return page;
          }
          page.commonPrefixes.push(cp);
          page.last = { prefix: cp };
          count++;
        }
        if (inHead) continue;
        skipTo = prefixEnd(cp);
        stop = skipTo === undefined;
        break;
      }
      if (count === spec.maxItems) {
        page.isTruncated = true;
        return page;
      }
      page.items.push(row);
      page.last = { item: row };
      count++;
    }
    if (inHead) {
      inHead = false;
      continue;
    }
    if (stop || skipTo === undefined) return page;
    from = skipTo;
  }
}
