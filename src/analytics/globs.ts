/**
 * Key patterns in s3:// URLs, with DuckDB's glob rules: `*` any characters within one path
 * segment, `**` any number of segments (also none), `?` one character, `[abc]` / `[a-z]` /
 * `[!abc]` one character of a set. The literal prefix before the first wildcard is what the
 * bucket listing is asked for; the rest is matched against each listed key.
 */

const WILDCARD = /[*?[]/;

export function isGlob(key: string): boolean {
  return WILDCARD.test(key);
}

/** The part of the pattern before its first wildcard: every match starts with it. */
export function literalPrefix(pattern: string): string {
  const i = pattern.search(WILDCARD);
  return i < 0 ? pattern : pattern.slice(0, i);
}

const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A RegExp matching exactly the keys the pattern names. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        i++;
        if (atSegmentStart && pattern[i + 1] === '/') {
          // "**/" : zero or more whole segments.
          out += '(?:[^/]*/)*';
          i++;
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, close);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else {
      out += escape(c);
    }
  }
  return new RegExp(`^${out}$`, 's');
}
