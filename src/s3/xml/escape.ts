/**
 * Escaping text for XML element content and attribute values.
 *
 * S3 keys may hold any Unicode character, including ones XML 1.0 cannot carry
 * (C0 controls other than tab, LF and CR). Like AWS we emit those as numeric
 * character references (`\u0001` → `&#x1;`). Strict XML 1.0 parsers reject such
 * documents; the remedy a client has is `encoding-type=url` on list requests
 * (see url-encode.ts), which percent-encodes keys before they reach the XML.
 *
 * CR is also emitted as `&#xD;`: a literal CR would be turned into LF by every
 * conforming parser (XML end-of-line normalisation), silently changing the key.
 * Tab and LF are legal and survive parsing, so they stay literal.
 */

// Non-global twin for a cheap test: most strings need no escaping at all.
const NEEDS_ESCAPE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ESCAPABLE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeChar(ch: string): string {
  switch (ch) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    default:
      return `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`;
  }
}

/** Escapes `& < > " '` and renders XML-1.0-illegal characters as `&#xH;`. */
export function escapeXml(s: string): string {
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPABLE, escapeChar) : s;
}
