import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomHex } from './random-hex.js';

test('randomHex: the asked number of hex digits, never the same bytes twice across pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const h = randomHex(10);
    assert.match(h, /^[0-9a-f]{20}$/);
    assert.ok(!seen.has(h), 'an id repeated');
    seen.add(h);
  }
  assert.match(randomHex(5000), /^[0-9a-f]{10000}$/);
  assert.equal(randomHex(0), '');
});
