/**
 * Safe reading of S3 request bodies into a minimal element tree.
 *
 * fast-xml-parser does the tokenising; around it we enforce what it does not:
 * - a byte limit, checked before any work;
 * - strict UTF-8;
 * - no DOCTYPE or other markup declarations at all (XXE, entity bombs);
 * - references limited to the five predefined entities and numeric character
 *   references;
 * - C0 control characters (other than tab, LF, CR) are accepted, literally or
 *   as references such as `&#x1;`. This is a deliberate superset of XML 1.0
 *   and of AWS, which answers MalformedXML: the AWS SDKs (JS v3, boto3) send
 *   such keys literally in DeleteObjects, and a key that can be written should
 *   be deletable in bulk. NUL, U+FFFE, U+FFFF and unpaired surrogates are
 *   refused in either form;
 * - well-formedness (matching tags, one root), via its validator;
 * - text exactly as sent: no trimming, no number/boolean coercion, so a key
 *   "0123", "true" or " a " stays that string. CR/CRLF become LF per the XML
 *   spec; a client that needs CR in a key sends `&#13;` (AWS documents this).
 *
 * Attributes are ignored, so xmlns may be present or absent, and namespace
 * prefixes are dropped from element names.
 */
import { XMLParser, XMLValidator, type EntityDecoderOptions } from 'fast-xml-parser';
import { fail, isAppError, type AppError } from '../../core/errors.js';

export interface XmlElement {
  name: string;
  /** Element children, in document order. */
  children: XmlElement[];
  /** Concatenated character data (text and CDATA) directly inside this element, untrimmed. */
  text: string;
}

const SCHEMA_MESSAGE = 'The XML you provided was not well-formed or did not validate against our published schema';

/** MalformedXML with AWS's message plus what exactly was wrong. */
export function malformed(detail: string): AppError {
  return fail('MalformedXML', `${SCHEMA_MESSAGE}: ${detail}`);
}

const PREDEFINED = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);
const DECIMAL_REF = /^#[0-9]{1,10}$/;
const HEX_REF = /^#x[0-9A-Fa-f]{1,8}$/;

function resolveReference(ref: string): string {
  if (ref.startsWith('#')) {
    const hex = HEX_REF.test(ref);
    if (!hex && !DECIMAL_REF.test(ref)) throw new Error(`invalid character reference &${ref};`);
    const cp = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) {
      throw new Error(`character reference &${ref}; names a character XML cannot carry`);
    }
    return String.fromCodePoint(cp);
  }
  const v = PREDEFINED.get(ref);
  if (v === undefined) throw new Error(`undefined entity &${ref};`);
  return v;
}

/** Replaces fast-xml-parser's decoder so that nothing beyond the predefined entities can expand. */
function decodeReferences(text: string): string {
  let amp = text.indexOf('&');
  if (amp === -1) return text;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 16) throw new Error("'&' must start an entity or character reference");
    out += text.slice(last, amp) + resolveReference(text.slice(amp + 1, semi));
    last = semi + 1;
    amp = text.indexOf('&', last);
  }
  return out + text.slice(last);
}

const strictDecoder: EntityDecoderOptions = {
  decode: decodeReferences,
  setExternalEntities: () => {},
  addInputEntities: () => {
    // Unreachable after assertNoDeclarations; kept so a parser change cannot reopen XXE.
    throw new Error('DOCTYPE is not allowed');
  },
  reset: () => {},
  setXmlVersion: () => {},
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: strictDecoder,
  maxNestedTags: 16,
});

// Characters refused even literally (see the header); an unpaired surrogate can only come from a string input.
const ILLEGAL_CHAR = /[\u0000\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;

/** `<!` may only open a comment or CDATA section; anything else is a DOCTYPE/ENTITY/ELEMENT declaration. */
function assertNoDeclarations(xml: string): void {
  let i = xml.indexOf('<!');
  while (i !== -1) {
    let end: number;
    if (xml.startsWith('<!--', i)) end = xml.indexOf('-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) end = xml.indexOf(']]>', i + 9);
    else throw malformed('DOCTYPE and other markup declarations are not allowed');
    if (end === -1) throw malformed('unterminated comment or CDATA section');
    i = xml.indexOf('<!', end + 3);
  }
}

/** Index after any whitespace, comments and processing instructions from i; -1 if one is unterminated. */
function skipMisc(xml: string, i: number): number {
  while (i < xml.length) {
    const c = xml.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) return -1;
      i = end + 3;
    } else if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) return -1;
      i = end + 2;
    } else break;
  }
  return i;
}

/**
 * The validator checks for content after the root only when the root has an
 * end tag, and the parser drops top-level text; so for a self-closing root
 * (`<Tagging/>junk`) we check the tail ourselves.
 */
function assertNothingAfterSelfClosingRoot(xml: string): void {
  const start = skipMisc(xml, 0);
  let quote = 0;
  for (let j = start + 1; j > 0 && j < xml.length; j++) {
    const c = xml.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) {
      if (xml.charCodeAt(j - 1) === 0x2f && skipMisc(xml, j + 1) !== xml.length) {
        throw malformed('unexpected content after the root element');
      }
      return;
    }
  }
}

type OrderedNode = Record<string, unknown>;

function toElement(name: string, raw: unknown): XmlElement {
  const el: XmlElement = { name, children: [], text: '' };
  if (!Array.isArray(raw)) return el;
  for (const node of raw as OrderedNode[]) {
    for (const key of Object.keys(node)) {
      if (key === ':@') continue;
      if (key === '#text') el.text += String(node[key]);
      else el.children.push(toElement(key, node[key]));
    }
  }
  return el;
}

function utf8Length(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
}

// XML's whitespace (S ::= #x20 | #x9 | #xD | #xA); String.prototype.trim would also accept NBSP and friends.
const XML_BLANK = /^[ \t\r\n]*$/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text, or undefined when it is empty or only whitespace. Enforces the byte limit. */
export function bodyText(body: string | Uint8Array, maxBytes: number): string | undefined {
  const size = utf8Length(body);
  if (size > maxBytes) {
    throw malformed(`the request body is ${size} bytes, more than the ${maxBytes} allowed for this operation`);
  }
  let text: string;
  if (typeof body === 'string') {
    text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  } else {
    try {
      text = utf8.decode(body); // strips a UTF-8 BOM
    } catch {
      throw malformed('the request body is not valid UTF-8');
    }
  }
  return XML_BLANK.test(text) ? undefined : text;
}

export interface ParseOptions {
  /** Larger bodies are refused before parsing. */
  maxBytes: number;
  /** The expected root element name, e.g. 'Delete'. */
  root: string;
}

/**
 * Parses a whole request body and returns its root element. Throws
 * MalformedXML for anything that is not a well-formed document with that root.
 */
export function parseXmlBody(body: string | Uint8Array, opts: ParseOptions): XmlElement {
  const text = bodyText(body, opts.maxBytes);
  if (text === undefined) throw malformed(`the request body is empty; expected <${opts.root}>`);
  return parseXmlText(text, opts.root);
}

/** As parseXmlBody, for text already through bodyText. */
export function parseXmlText(text: string, root: string): XmlElement {
  const bad = ILLEGAL_CHAR.exec(text);
  if (bad !== null) {
    const cp = bad[0].codePointAt(0) ?? 0;
    throw malformed(`character U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`);
  }
  assertNoDeclarations(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  assertNothingAfterSelfClosingRoot(text);

  let tree: unknown;
  try {
    tree = parser.parse(text);
  } catch (e) {
    if (isAppError(e)) throw e;
    throw malformed(e instanceof Error ? e.message : String(e));
  }
  const top = toElement('#document', tree).children;
  const first = top[0];
  if (first === undefined || top.length !== 1) throw malformed(`expected a single <${root}> element`);
  if (first.name !== root) throw malformed(`expected <${root}> but found <${first.name}>`);
  return first;
}

/**
 * The element children of `parent` grouped by name. Unknown names and
 * non-whitespace text are schema violations, as they are for AWS.
 */
export function childGroups(parent: XmlElement, allowed: readonly string[]): Map<string, XmlElement[]> {
  if (!XML_BLANK.test(parent.text)) throw malformed(`unexpected text inside <${parent.name}>`);
  const groups = new Map<string, XmlElement[]>();
  for (const child of parent.children) {
    if (!allowed.includes(child.name)) throw malformed(`unexpected element <${child.name}> inside <${parent.name}>`);
    const list = groups.get(child.name);
    if (list === undefined) groups.set(child.name, [child]);
    else list.push(child);
  }
  return groups;
}

/** The text of an element that must hold text only. */
export function leafText(el: XmlElement): string {
  const child = el.children[0];
  if (child !== undefined) throw malformed(`<${el.name}> must hold text, not <${child.name}>`);
  return el.text;
}

/** The single element `name` under `parent`, or undefined; more than one is an error. */
export function optionalChild(groups: Map<string, XmlElement[]>, name: string, parent: XmlElement): XmlElement | undefined {
  const list = groups.get(name);
  if (list === undefined) return undefined;
  if (list.length > 1) throw malformed(`<${parent.name}> may contain only one <${name}>`);
  return list[0];
}

export function requiredChild(groups: Map<string, XmlElement[]>, name: string, parent: XmlElement): XmlElement {
  const el = optionalChild(groups, name, parent);
  if (el === undefined) throw malformed(`<${parent.name}> is missing <${name}>`);
  return el;
}

/** Exact text of an optional leaf child. */
export function optionalLeaf(groups: Map<string, XmlElement[]>, name: string, parent: XmlElement): string | undefined {
  const el = optionalChild(groups, name, parent);
  return el === undefined ? undefined : leafText(el);
}

/** Exact text of a required leaf child. */
export function requiredLeaf(groups: Map<string, XmlElement[]>, name: string, parent: XmlElement): string {
  return leafText(requiredChild(groups, name, parent));
}

/** xsd:boolean, leniently cased: true/false/1/0 around optional whitespace. */
export function parseXmlBoolean(text: string, what: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw malformed(`<${what}> must be true or false`);
}
