/**
 * Building blocks for hand-rendered XML. Every text value goes through
 * escapeXml; element names are constants in the renderers, never user input.
 */
import { escapeXml } from './escape.js';
import { CHECKSUM_ALGORITHMS, type XmlChecksums, type XmlOwner } from './types.js';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A whole document: declaration, then the root element with `body` inside (self-closed when empty). */
export function xmlDocument(root: string, body: string, withNamespace = true): string {
  const open = withNamespace ? `<${root} xmlns="${S3_XMLNS}"` : `<${root}`;
  return body === '' ? `${XML_DECLARATION}${open}/>` : `${XML_DECLARATION}${open}>${body}</${root}>`;
}

/** `<name>text</name>`; an empty string renders `<name></name>`, as AWS does for e.g. an unset Prefix. */
export function el(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** Like el, but renders nothing for undefined. */
export function optEl(name: string, text: string | undefined): string {
  return text === undefined ? '' : `<${name}>${escapeXml(text)}</${name}>`;
}

export function numEl(name: string, n: number): string {
  return `<${name}>${n}</${name}>`;
}

export function optNumEl(name: string, n: number | undefined): string {
  return n === undefined ? '' : `<${name}>${n}</${name}>`;
}

export function boolEl(name: string, b: boolean): string {
  return b ? `<${name}>true</${name}>` : `<${name}>false</${name}>`;
}

/** ISO 8601 with milliseconds and Z, e.g. 2009-10-12T17:50:30.000Z (what AWS and the SDK parsers use). */
export function xmlTimestamp(d: Date): string {
  return d.toISOString();
}

export function dateEl(name: string, d: Date): string {
  return `<${name}>${d.toISOString()}</${name}>`;
}

export function ownerEl(name: string, owner: XmlOwner | undefined): string {
  if (owner === undefined) return '';
  return `<${name}>${el('ID', owner.id)}${optEl('DisplayName', owner.displayName)}</${name}>`;
}

/** `<ChecksumCRC32>…</ChecksumCRC32>` etc. in AWS order, for whichever values are present. */
export function checksumEls(checksums: XmlChecksums | undefined): string {
  if (checksums === undefined) return '';
  let out = '';
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = checksums[alg];
    if (v !== undefined) out += `<Checksum${alg}>${escapeXml(v)}</Checksum${alg}>`;
  }
  return out;
}

export function commonPrefixEls(prefixes: readonly string[]): string {
  let out = '';
  for (const p of prefixes) out += `<CommonPrefixes><Prefix>${escapeXml(p)}</Prefix></CommonPrefixes>`;
  return out;
}
