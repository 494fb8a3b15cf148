import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCreateBucketConfiguration } from './parse-create-bucket.js';

test('empty and whitespace-only bodies mean no configuration', () => {
  assert.deepEqual(parseCreateBucketConfiguration(''), {});
  assert.deepEqual(parseCreateBucketConfiguration(' \r\n\t'), {});
  assert.deepEqual(parseCreateBucketConfiguration(new Uint8Array()), {});
});

test('LocationConstraint is trimmed; empty means none', () => {
  assert.deepEqual(
    parseCreateBucketConfiguration(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <LocationConstraint> eu-west-1 </LocationConstraint>\n</CreateBucketConfiguration>',
    ),
    { locationConstraint: 'eu-west-1' },
  );
  assert.deepEqual(parseCreateBucketConfiguration('<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>'), {});
  assert.deepEqual(parseCreateBucketConfiguration('<CreateBucketConfiguration/>'), {});
});

test('directory-bucket elements are NotImplemented', () => {
  assert.throws(
    () => parseCreateBucketConfiguration('<CreateBucketConfiguration><Location><Name>usw2-az1</Name></Location></CreateBucketConfiguration>'),
    { code: 'NotImplemented' },
  );
});

test('malformed bodies', () => {
  const bad = [
    '<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint><LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>',
    '<CreateBucketConfiguration><Region>x</Region></CreateBucketConfiguration>',
    '<CreateBucketConfiguration><LocationConstraint>x</CreateBucketConfiguration>',
    'eu-west-1',
  ];
  for (const b of bad) assert.throws(() => parseCreateBucketConfiguration(b), { code: 'MalformedXML' }, b);
});
