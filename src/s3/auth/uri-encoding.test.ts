import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsEncode, canonicalPath, canonicalQuery, parseQuery } from './uri-encoding.js';

test('awsEncode keeps only the unreserved set', () => {
  assert.equal(awsEncode('A-z_0.9~'), 'A-z_0.9~');
  assert.equal(awsEncode("a b+c!'()*$&=?#"), 'a%20b%2Bc%21%27%28%29%2A%24%26%3D%3F%23');
  assert.equal(awsEncode('a/b'), 'a%2Fb');
  assert.equal(awsEncode('a/b', true), 'a/b');
  assert.equal(awsEncode('ключ€'), '%D0%BA%D0%BB%D1%8E%D1%87%E2%82%AC');
});

test('canonicalPath: decode each segment, re-encode, keep slashes, never normalise', () => {
  const cases: [string, string][] = [
    ['', '/'],
    ['/', '/'],
    ['/bucket/key', '/bucket/key'],
    ['/bucket/a%20b', '/bucket/a%20b'],
    ['/bucket/a b', '/bucket/a%20b'],
    ['/bucket/a+b', '/bucket/a%2Bb'], // '+' in a path is a plus, not a space
    ['/bucket/a%2Bb', '/bucket/a%2Bb'],
    ['/bucket/a%2Fb', '/bucket/a%2Fb'], // an encoded slash stays inside its segment
    ['/bucket/a%2fb', '/bucket/a%2Fb'],
    ['/bucket/%41%7e', '/bucket/A~'], // over-escaped unreserved characters
    ['/bucket/a!b', '/bucket/a%21b'],
    ['/bucket/./../x//y/', '/bucket/./../x//y/'], // S3 keeps dot segments and empty segments
    ['/bucket/%E2%82%AC', '/bucket/%E2%82%AC'],
    ['/bucket/€', '/bucket/%E2%82%AC'],
    ['/bucket/100%', '/bucket/100%25'], // a stray % is a literal percent
    ['/bucket/%zz', '/bucket/%25zz'],
  ];
  for (const [raw, want] of cases) assert.equal(canonicalPath(raw), want, raw);
});

test('parseQuery decodes names and values; "+" is a space, "%2B" a plus', () => {
  const params = parseQuery('prefix=a+b&delimiter=%2F&uploads&x=%2B&empty=&&');
  assert.deepEqual(
    params.map((p) => [p.name, p.value]),
    [
      ['prefix', 'a b'],
      ['delimiter', '/'],
      ['uploads', ''],
      ['x', '+'],
      ['empty', ''],
    ],
  );
  assert.equal(params[0]!.encodedValue, 'a%20b');
  assert.equal(params[3]!.encodedValue, '%2B');
});

test('canonicalQuery sorts by encoded name then value and encodes the AWS way', () => {
  assert.equal(canonicalQuery(parseQuery('')), '');
  assert.equal(canonicalQuery(parseQuery('b=2&a=1&A=0')), 'A=0&a=1&b=2');
  assert.equal(canonicalQuery(parseQuery('k=z&k=a&k=m')), 'k=a&k=m&k=z');
  assert.equal(canonicalQuery(parseQuery('list-type=2&prefix=a/b&uploads')), 'list-type=2&prefix=a%2Fb&uploads=');
  assert.equal(canonicalQuery(parseQuery('v=%7e%21')), 'v=~%21');
  assert.equal(
    canonicalQuery(parseQuery('X-Amz-Signature=abc&X-Amz-Date=1'), 'X-Amz-Signature'),
    'X-Amz-Date=1',
  );
});
