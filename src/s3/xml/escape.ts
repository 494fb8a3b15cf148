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

/**
 * Escapes `& < > " '` and renders XML-1.0-illegal characters as `&#xH;`.
 * A char-code scan rather than a regex replace: this runs for every key,
 * ETag and prefix of a 1000-entry listing, and the scan is about twice as fast.
 */
export function escapeXml(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let ref: string;
    if (c >= 0x3f) {
      // '?' and above: only U+FFFE and U+FFFF need attention.
      if (c < 0xfffe) continue;
      ref = c === 0xfffe ? '&#xFFFE;' : '&#xFFFF;';
    } else if (c === 0x26) ref = '&amp;';
    else if (c === 0x3c) ref = '&lt;';
    else if (c === 0x3e) ref = '&gt;';
    else if (c === 0x22) ref = '&quot;';
    else if (c === 0x27) ref = '&apos;';
    else if (c >= 0x20 || c === 0x09 || c === 0x0a) continue;
    else ref = `&#x${c.toString(16).toUpperCase()};`; // C0 controls, including CR
    out += s.slice(last, i) + ref;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}
