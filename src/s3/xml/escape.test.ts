import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml } from './escape.js';
import { s3UrlEncode } from './url-encode.js';

test('escapeXml leaves plain text untouched', () => {
  assert.equal(escapeXml('photos/2024/cat.jpg'), 'photos/2024/cat.jpg');
  assert.equal(escapeXml(''), '');
  assert.equal(escapeXml('tab\there\nnewline ünïcødé 😀'), 'tab\there\nnewline ünïcødé 😀');
});

test('escapeXml escapes the five markup characters', () => {
  assert.equal(escapeXml(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
  assert.equal(escapeXml('&amp;'), '&amp;amp;');
});

test('escapeXml renders characters XML 1.0 cannot carry as numeric references', () => {
  assert.equal(escapeXml('a\u0001b'), 'a&#x1;b');
  assert.equal(escapeXml('\u0000\u0008\u000B\u000C\u001B\u001F'), '&#x0;&#x8;&#xB;&#xC;&#x1B;&#x1F;');
  assert.equal(escapeXml('\uFFFE\uFFFF'), '&#xFFFE;&#xFFFF;');
  // CR would be normalised to LF by any parser, so it is kept as a reference.
  assert.equal(escapeXml('a\r\nb'), 'a&#xD;\nb');
  // DEL and C1 controls are legal XML 1.0 characters.
  assert.equal(escapeXml('\u007F\u0085'), '\u007F\u0085');
});

test('s3UrlEncode keeps unreserved characters and slash', () => {
  assert.equal(s3UrlEncode('photos/2024/cat-1_a.b~c.jpg'), 'photos/2024/cat-1_a.b~c.jpg');
  assert.equal(s3UrlEncode(''), '');
});

test('s3UrlEncode percent-encodes everything else as UTF-8 with upper-case hex', () => {
  assert.equal(s3UrlEncode('a b+c'), 'a%20b%2Bc');
  assert.equal(s3UrlEncode('test_file(3).png'), 'test_file%283%29.png');
  assert.equal(s3UrlEncode("!*'();:@&=$,?#[]%"), '%21%2A%27%28%29%3B%3A%40%26%3D%24%2C%3F%23%5B%5D%25');
  assert.equal(s3UrlEncode('한글/x.txt'), '%ED%95%9C%EA%B8%80/x.txt');
  assert.equal(s3UrlEncode('\u0001\r\n'), '%01%0D%0A');
  assert.equal(s3UrlEncode('😀'), '%F0%9F%98%80');
  assert.equal(s3UrlEncode('\uD800'), '%EF%BF%BD');
});

test('s3UrlEncode output decodes back under decodeURIComponent and unquote_plus rules', () => {
  const keys = ['a b', 'a+b', '100%.csv', 'x\u0001y', 'dir/é ü/ 😀', '*~!'];
  for (const k of keys) {
    const enc = s3UrlEncode(k);
    assert.equal(decodeURIComponent(enc), k);
    // unquote_plus: '+' means space, then percent-decoding.
    assert.equal(decodeURIComponent(enc.replaceAll('+', ' ')), k);
  }
});
