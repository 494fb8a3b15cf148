import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonPrefixOf, compareUtf8, prefixEnd } from './listing.js';

const ALPHABET = ['a', 'z', '/', '\u0000', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}', '日'];
function randomKey(seed: number): string {
  let s = '';
  let x = seed;
  for (let i = 0; i < 1 + (seed % 6); i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += ALPHABET[x % ALPHABET.length];
  }
  return s;
}

describe('listing helpers', () => {
  it('compareUtf8 orders like memcmp over UTF-8 bytes', () => {
    for (let i = 0; i < 3000; i++) {
      const a = randomKey(i);
      const b = randomKey(i * 7 + 3);
      assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), `${a} vs ${b}`);
    }
  });

  it('prefixEnd is above every key with the prefix and not above any other key after the prefix', () => {
    for (let i = 0; i < 500; i++) {
      const p = randomKey(i);
      const end = prefixEnd(p);
      for (let j = 0; j < 60; j++) {
        const k = randomKey(i * 31 + j);
        if (end === undefined) continue;
        assert.ok(compareUtf8(p + k, end) < 0, `${p + k} should sort before ${end}`);
        if (!k.startsWith(p) && compareUtf8(k, p) > 0) assert.ok(compareUtf8(k, end) >= 0, `${k} should not sort before ${end}`);
      }
    }
    assert.equal(prefixEnd('a/'), 'a0');
    assert.equal(prefixEnd('a\u{10ffff}'), 'b');
    assert.equal(prefixEnd('\u{10ffff}'), undefined);
    assert.equal(prefixEnd('\ud7ff'), '\ue000');
  });

  it('commonPrefixOf rolls keys up at the first delimiter after the prefix', () => {
    assert.equal(commonPrefixOf('a/b/c', 'a/', '/'), 'a/b/');
    assert.equal(commonPrefixOf('a/b', 'a/', '/'), undefined);
    assert.equal(commonPrefixOf('a//b', '', '//'), 'a//');
    assert.equal(commonPrefixOf('abc', '', undefined), undefined);
  });
});
