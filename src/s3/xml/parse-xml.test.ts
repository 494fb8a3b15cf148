import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXmlBody } from './parse-xml.js';

const opts = { maxBytes: 1 << 20, root: 'Root' };
const malformed = (detail?: RegExp) => (detail ? { code: 'MalformedXML', message: detail } : { code: 'MalformedXML' });

test('accepts a declaration, xmlns, BOM and whitespace around the root', () => {
  const bodies = [
    '<Root><A>x</A></Root>',
    '<?xml version="1.0" encoding="UTF-8"?>\n<Root xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <A>x</A>\n</Root>\n',
    '\uFEFF<Root><A>x</A></Root>',
    '  \n<Root><!-- comment --><A>x</A></Root><!-- trailing -->',
    '<!-- lead --><?pi x?>\n<Root><A>x</A></Root>\n<?pi after?>\n',
    '<s3:Root xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:A>x</s3:A></s3:Root>',
  ];
  for (const b of bodies) {
    const root = parseXmlBody(b, opts);
    assert.equal(root.name, 'Root');
    assert.deepEqual(root.children.map((c) => [c.name, c.text]), [['A', 'x']]);
  }
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('<Root><A>é</A></Root>')]);
  assert.equal(parseXmlBody(bytes, opts).children[0]?.text, 'é');
});

test('text is never trimmed or coerced', () => {
  for (const v of [' 0123 ', 'true', '1e5', '0x1F', '  ', 'null', '-0', '\t\n']) {
    assert.equal(parseXmlBody(`<Root><A>${v}</A></Root>`, opts).children[0]?.text, v);
  }
});

test('decodes predefined entities, character references and CDATA exactly', () => {
  const root = parseXmlBody('<Root><A>&lt;&gt;&amp;&quot;&apos;&#13;&#x0D;&#10;&#x1;&#128512;<![CDATA[<&amp;>]]>z</A></Root>', opts);
  assert.equal(root.children[0]?.text, '<>&"\'\r\r\n\u0001😀<&amp;>z');
  // A decoded '&' is not decoded again.
  assert.equal(parseXmlBody('<Root><A>&#x26;amp;</A></Root>', opts).children[0]?.text, '&amp;');
});

test('literal CR and CRLF are normalised to LF, per the XML spec', () => {
  assert.equal(parseXmlBody('<Root><A>a\r\nb\rc</A></Root>', opts).children[0]?.text, 'a\nb\nc');
});

test('refuses DOCTYPE: external entities (XXE)', () => {
  const xxe =
    '<?xml version="1.0"?><!DOCTYPE Root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Root><A>&xxe;</A></Root>';
  assert.throws(() => parseXmlBody(xxe, opts), malformed(/DOCTYPE/));
});

test('refuses DOCTYPE: entity expansion (billion laughs)', () => {
  const bomb =
    '<!DOCTYPE Root [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
    '<Root><A>&c;</A></Root>';
  assert.throws(() => parseXmlBody(bomb, opts), malformed(/DOCTYPE/));
  assert.throws(() => parseXmlBody('<!DOCTYPE Root><Root/>', opts), malformed(/DOCTYPE/));
});

test('but a DOCTYPE-looking string inside CDATA or a comment is just text', () => {
  assert.equal(parseXmlBody('<Root><A><![CDATA[<!DOCTYPE x>]]></A><!-- <!ENTITY --></Root>', opts).children[0]?.text, '<!DOCTYPE x>');
});

test('refuses undefined and HTML entities, and bare ampersands', () => {
  assert.throws(() => parseXmlBody('<Root><A>&xxe;</A></Root>', opts), malformed(/undefined entity &xxe;/));
  assert.throws(() => parseXmlBody('<Root><A>&nbsp;</A></Root>', opts), malformed(/&nbsp;/));
  assert.throws(() => parseXmlBody('<Root><A>a & b</A></Root>', opts), malformed());
  assert.throws(() => parseXmlBody('<Root><A>&#0;</A></Root>', opts), malformed(/&#0;/));
  assert.throws(() => parseXmlBody('<Root><A>&#xD800;</A></Root>', opts), malformed());
  assert.throws(() => parseXmlBody('<Root><A>&#x110000;</A></Root>', opts), malformed());
});

test('accepts literal C0 controls, as the AWS SDKs send them (a deliberate superset of XML 1.0)', () => {
  assert.equal(parseXmlBody('<Root><A>a\u0001b\u001F\u0008</A></Root>', opts).children[0]?.text, 'a\u0001b\u001F\u0008');
});

test('refuses NUL, U+FFFE, U+FFFF and unpaired surrogates', () => {
  assert.throws(() => parseXmlBody('<Root><A>\u0000</A></Root>', opts), malformed(/U\+0000/));
  assert.throws(() => parseXmlBody('<Root><A>\uFFFF</A></Root>', opts), malformed(/U\+FFFF/));
  assert.throws(() => parseXmlBody('<Root><A>\uD800</A></Root>', opts), malformed(/U\+D800/));
});

test('refuses invalid UTF-8', () => {
  const bytes = new Uint8Array([...Buffer.from('<Root><A>'), 0xc3, 0x28, ...Buffer.from('</A></Root>')]);
  assert.throws(() => parseXmlBody(bytes, opts), malformed(/UTF-8/));
});

test('refuses documents that are not well-formed', () => {
  const bad = [
    '',
    '   ',
    '\u00A0',
    'hello',
    '<Root>',
    '<Root><A>x</B></Root>',
    '<Root><A>x</Root></A>',
    '<Root/><Root/>',
    '<Root/>trailing',
    '<Root/>\n<!-- c -->junk',
    '<Root a="/>"/>junk',
    "<Root a='x'/>junk<!-- c -->",
    '<Root><A>x</A>',
    '<Root><!-- unterminated </Root>',
    '<Root><![CDATA[ unterminated </Root>',
    '<Root><A attr="unclosed>x</A></Root>',
    '<Root><1A>x</1A></Root>',
    '<Root><A><B><C><D><E><F><G><H><I><J><K><L><M><N><O><P><Q><R>deep</R></Q></P></O></N></M></L></K></J></I></H></G></F></E></D></C></B></A></Root>',
  ];
  for (const b of bad) assert.throws(() => parseXmlBody(b, opts), malformed(), JSON.stringify(b));
});

test('a self-closing root may be followed by comments and whitespace only', () => {
  assert.equal(parseXmlBody('<?xml version="1.0"?>\n<Root xmlns="x" />\n<!-- done -->\n', opts).children.length, 0);
});

test('refuses the wrong root element', () => {
  assert.throws(() => parseXmlBody('<Other/>', opts), malformed(/expected <Root> but found <Other>/));
});

test('refuses element names that could pollute prototypes', () => {
  assert.throws(() => parseXmlBody('<Root><__proto__>x</__proto__></Root>', opts), malformed());
  assert.throws(() => parseXmlBody('<Root><constructor>x</constructor></Root>', opts), malformed());
});

test('refuses bodies over the size limit before parsing', () => {
  const body = '<Root>' + 'x'.repeat(100) + '</Root>';
  assert.throws(() => parseXmlBody(body, { maxBytes: 50, root: 'Root' }), malformed(/more than the 50 allowed/));
  // Counted in UTF-8 bytes, not UTF-16 units.
  const wide = '<Root>' + 'é'.repeat(30) + '</Root>';
  assert.throws(() => parseXmlBody(wide, { maxBytes: 60, root: 'Root' }), malformed(/73 bytes/));
});
