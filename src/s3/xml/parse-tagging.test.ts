import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTagging } from './render-config.js';
import { parseTagging, validateTags } from './parse-tagging.js';

const tagging = (tags: [string, string][]) =>
  '<Tagging><TagSet>' + tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('') + '</TagSet></Tagging>';

test('parses the AWS example and keeps order', () => {
  const body = `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TagSet>
    <Tag><Key>tag1</Key><Value>val1</Value></Tag>
    <Tag><Key>tag2</Key><Value>val2</Value></Tag>
  </TagSet>
</Tagging>`;
  assert.deepEqual(parseTagging(body), { tags: [{ key: 'tag1', value: 'val1' }, { key: 'tag2', value: 'val2' }] });
});

test('an empty TagSet is valid; empty values are valid', () => {
  assert.deepEqual(parseTagging('<Tagging><TagSet/></Tagging>'), { tags: [] });
  assert.deepEqual(parseTagging(tagging([['k', '']])), { tags: [{ key: 'k', value: '' }] });
});

test('keys and values are kept exactly and round-trip through renderTagging', () => {
  const tags = [
    { key: ' spaced key ', value: ' spaced value ' },
    { key: '0123', value: 'true' },
    { key: 'ünïcødé', value: 'Grüße/@:=+-._' },
  ];
  assert.deepEqual(parseTagging(renderTagging({ tags })), { tags });
});

test('at most 10 tags for objects, configurable for buckets', () => {
  const n = (count: number) => tagging(Array.from({ length: count }, (_, i): [string, string] => [`k${i}`, 'v']));
  assert.equal(parseTagging(n(10)).tags.length, 10);
  assert.throws(() => parseTagging(n(11)), { code: 'InvalidTag', message: /more than 10/ });
  assert.equal(parseTagging(n(50), { maxTags: 50 }).tags.length, 50);
  assert.throws(() => parseTagging(n(51), { maxTags: 50 }), { code: 'InvalidTag' });
});

test('key length 1..128 and value length up to 256, counted in characters', () => {
  assert.equal(parseTagging(tagging([['k'.repeat(128), 'v'.repeat(256)]])).tags.length, 1);
  // U+1D49C is a letter outside the BMP: one character, two UTF-16 units.
  assert.equal(parseTagging(tagging([['é'.repeat(128), '\u{1D49C}'.repeat(256)]])).tags.length, 1);
  assert.throws(() => parseTagging(tagging([['k', '\u{1D49C}'.repeat(257)]])), { code: 'InvalidTag' });
  assert.throws(() => parseTagging(tagging([['k'.repeat(129), 'v']])), { code: 'InvalidTag', message: /TagKey/ });
  assert.throws(() => parseTagging(tagging([['k', 'v'.repeat(257)]])), { code: 'InvalidTag', message: /TagValue/ });
  assert.throws(() => parseTagging(tagging([['', 'v']])), { code: 'InvalidTag', message: /TagKey/ });
});

test('duplicate keys, forbidden characters and the aws: prefix are InvalidTag', () => {
  assert.throws(() => parseTagging(tagging([['a', '1'], ['a', '2']])), { code: 'InvalidTag', message: /same key/ });
  assert.throws(() => parseTagging(tagging([['a', 'x,y']])), { code: 'InvalidTag', message: /TagValue/ });
  assert.throws(() => parseTagging(tagging([['a(b)', 'x']])), { code: 'InvalidTag', message: /TagKey/ });
  assert.throws(() => parseTagging(tagging([['a', 'x&amp;y']])), { code: 'InvalidTag' });
  // Emoji are symbols, not letters, in AWS's documented tag character set.
  assert.throws(() => parseTagging(tagging([['a', '😀']])), { code: 'InvalidTag' });
  assert.throws(() => parseTagging(tagging([['aws:createdBy', 'x']])), { code: 'InvalidTag', message: /aws:/ });
  // Keys differing only in case are distinct.
  assert.equal(parseTagging(tagging([['a', '1'], ['A', '2']])).tags.length, 2);
});

test('validateTags is usable for the x-amz-tagging header', () => {
  validateTags([{ key: 'a', value: 'b' }]);
  assert.throws(() => validateTags([{ key: 'a', value: 'b' }, { key: 'a', value: 'c' }]), { code: 'InvalidTag' });
});

test('schema violations are MalformedXML', () => {
  const bad = [
    '<Tagging/>',
    '<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>',
    '<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>',
    '<Tagging><TagSet><Tag><Key>k</Key><Key>k2</Key><Value>v</Value></Tag></TagSet></Tagging>',
    '<Tagging><TagSet/><TagSet/></Tagging>',
    '<Tagging><TagSet><Other/></TagSet></Tagging>',
    '<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet>',
  ];
  for (const b of bad) assert.throws(() => parseTagging(b), { code: 'MalformedXML' }, b);
});
