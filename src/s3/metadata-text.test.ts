import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metadataFromWire, metadataToWire } from './metadata-text.js';

/** A header value as Node hands it over: each byte of the UTF-8 as one latin1 character. */
const wireUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('user metadata text', () => {
  it('leaves printable ASCII alone, both ways', () => {
    for (const v of ['', 'plain', '1700000000.123', 'a=b; c', '=?not a word']) {
      assert.equal(metadataFromWire(v), v);
      assert.equal(metadataToWire(v), v);
    }
  });

  it('reads UTF-8 bytes as UTF-8 and other bytes as latin1', () => {
    assert.equal(metadataFromWire(wireUtf8('Grüße aus Köln, 東京 ✓')), 'Grüße aus Köln, 東京 ✓');
    assert.equal(metadataFromWire('caf\xe9'), 'café', 'a lone 0xE9 byte is not UTF-8: latin1 é');
  });

  it('decodes RFC 2047 encoded words (B and Q, UTF-8 and ISO-8859-1), adjacent words joined', () => {
    assert.equal(metadataFromWire('=?UTF-8?B?R3LDvMOfZQ==?='), 'Grüße');
    assert.equal(metadataFromWire('=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?='), 'Grüße aus Köln');
    assert.equal(metadataFromWire('=?ISO-8859-1?Q?caf=E9?='), 'café');
    assert.equal(metadataFromWire('=?UTF-8?B?R3LDvA==?= =?UTF-8?B?w59l?='), 'Grüße');
    assert.equal(metadataFromWire('before =?UTF-8?B?w6k=?= after'), 'before é after');
  });

  it('keeps what is not a well-formed word it can decode', () => {
    for (const v of ['=?KOI8-R?B?8tXT?=', '=?UTF-8?B?not*base64?=', '=?UTF-8?Q?bad=ZZ?=', '=?UTF-8?B?/w==?=']) {
      assert.equal(metadataFromWire(v), v);
    }
  });

  it('sends text that is not printable ASCII as one UTF-8 B word, which reads back as the text', () => {
    assert.equal(metadataToWire('Grüße'), '=?UTF-8?B?R3LDvMOfZQ==?=');
    for (const v of ['Grüße aus Köln', '東京 ✓ 😀', 'tab\tand\x01control', 'café']) {
      const wire = metadataToWire(v);
      assert.match(wire, /^[\x20-\x7e]*$/);
      assert.equal(metadataFromWire(wire), v);
    }
  });
});
