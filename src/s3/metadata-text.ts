/**
 * User metadata text (x-amz-meta-*) between the wire and the store, as S3 documents it:
 * "Values of such headers are character decoded as per RFC 2047 before storing and encoded
 * as per RFC 2047 to make them mail-safe before returning."
 *
 * On the way in a header value arrives as latin1 characters, one per byte (Node's view).
 * Bytes that are valid UTF-8 (what botocore and the aws CLI send) are read as UTF-8, other
 * bytes as latin1, and RFC 2047 encoded-words (=?UTF-8?B?...?=) are decoded. The store keeps
 * the text. On the way out text that is not printable ASCII goes as one UTF-8 B-encoded word,
 * which HTTP carries safely and current SDKs decode.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;
const LATIN1_ONLY = /^[\x00-\xff]*$/;
const ENCODED_WORD = /=\?([A-Za-z0-9_-]+)\?([BbQq])\?([^?\s]*)\?=/g;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const cs = charset.toLowerCase();
  if (cs !== 'utf-8' && cs !== 'iso-8859-1' && cs !== 'us-ascii') return undefined;
  let bytes: Buffer;
  if (encoding === 'B' || encoding === 'b') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
    bytes = Buffer.from(text, 'base64');
  } else {
    // Q: "_" is a space, "=XX" a byte, anything else itself.
    if (/=(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
    bytes = Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  if (cs !== 'utf-8') return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text a metadata value sent on the wire stands for. */
export function metadataFromWire(raw: string): string {
  let text = raw;
  if (!PRINTABLE_ASCII.test(raw) && LATIN1_ONLY.test(raw)) {
    try {
      text = utf8.decode(Buffer.from(raw, 'latin1'));
    } catch {
      text = raw; // not UTF-8: the bytes are latin1 text
    }
  }
  if (!text.includes('=?')) return text;
  // Adjacent encoded words separated only by white space join without it (RFC 2047 §6.2).
  return text.replace(/\?=\s+=\?/g, '?==?').replace(ENCODED_WORD, (word, cs: string, enc: string, body: string) => decodeWord(cs, enc, body) ?? word);
}

/** The header value that carries a stored metadata text. */
export function metadataToWire(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}
