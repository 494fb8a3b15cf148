import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canMatchPrefix, compile, matches, substitute, wildcardMatch, type Resolver } from './match.js';

const vars: Resolver = (name) => ({ 'aws:username': 'alice', 'aws:userid': 'AIDA123', 'aws:principalaccount': '111122223333' })[name];

function like(pattern: string, value: string, resolve?: Resolver): boolean {
  const p = compile(pattern, resolve);
  return p !== undefined && matches(p, value);
}

describe('wildcards', () => {
  it('* matches any run, including "/" and nothing', () => {
    assert.equal(wildcardMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c.txt'), true);
    assert.equal(wildcardMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/'), true);
    assert.equal(wildcardMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b'), false);
    assert.equal(wildcardMatch('a*b*c', 'aXXbYYc'), true);
    assert.equal(wildcardMatch('a*b*c', 'aXXbYY'), false);
    assert.equal(wildcardMatch('*', ''), true);
    assert.equal(wildcardMatch('***', 'anything'), true);
  });

  it('? matches exactly one character', () => {
    assert.equal(wildcardMatch('file?.txt', 'file1.txt'), true);
    assert.equal(wildcardMatch('file?.txt', 'file.txt'), false);
    assert.equal(wildcardMatch('file?.txt', 'file12.txt'), false);
    assert.equal(wildcardMatch('?', '/'), true);
  });

  it('is case-sensitive unless asked (actions are compared case-insensitively)', () => {
    assert.equal(wildcardMatch('arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/x'), false);
    assert.equal(wildcardMatch('s3:Get*', 's3:getobject', true), true);
    assert.equal(wildcardMatch('s3:GetObject', 'S3:GETOBJECT', true), true);
  });

  it('backtracks correctly on repeated prefixes and stays fast on hostile patterns', () => {
    assert.equal(wildcardMatch('*aab', 'aaaab'), true);
    assert.equal(wildcardMatch('a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
  });

  it('answers whether some completion of a prefix can match (for bucket-policy resource checks)', () => {
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::b/*')!, 'arn:aws:s3:::b/'), true);
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::*/logs/*')!, 'arn:aws:s3:::b/'), true);
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::b?/*')!, 'arn:aws:s3:::b/'), true); // ? may be the '/', the key then starts with '/'
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::bb?/*')!, 'arn:aws:s3:::b/'), false);
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::other/*')!, 'arn:aws:s3:::b/'), false);
    assert.equal(canMatchPrefix(compile('arn:aws:s3:::bucket')!, 'arn:aws:s3:::b/'), false);
  });
});

describe('policy variables', () => {
  it('substitutes ${aws:username}, ${aws:userid}, ${aws:PrincipalAccount} (names are case-insensitive)', () => {
    assert.equal(like('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/alice/notes.txt', vars), true);
    assert.equal(like('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/bob/notes.txt', vars), false);
    assert.equal(substitute('${aws:userid}:${AWS:PrincipalAccount}', vars), 'AIDA123:111122223333');
  });

  it('treats substituted text literally, never as wildcards', () => {
    const odd: Resolver = (n) => (n === 'aws:username' ? 'a*' : undefined);
    assert.equal(like('home/${aws:username}', 'home/a*', odd), true);
    assert.equal(like('home/${aws:username}', 'home/abc', odd), false);
  });

  it('supports the escapes ${*} ${?} ${$}', () => {
    assert.equal(like('a${*}b', 'a*b', vars), true);
    assert.equal(like('a${*}b', 'aXb', vars), false);
    assert.equal(like('what${?}', 'what?', vars), true);
    assert.equal(like('what${?}', 'whatX', vars), false);
    assert.equal(substitute('cost: ${$}5', vars), 'cost: $5');
  });

  it('an unknown or unresolvable variable makes the element not match', () => {
    assert.equal(compile('home/${aws:nosuchkey}/*', vars), undefined);
    assert.equal(substitute('${aws:username', vars), undefined);
    assert.equal(compile('home/${aws:username}/*', () => undefined), undefined);
  });

  it('uses a quoted default when the key has no value', () => {
    assert.equal(substitute("${aws:nosuchkey, 'guest'}", vars), 'guest');
    assert.equal(substitute("${aws:username, 'guest'}", vars), 'alice');
    assert.equal(substitute("${aws:nosuchkey, 'it''s'}", vars), "it's");
    assert.equal(substitute('${aws:nosuchkey, guest}', vars), undefined);
  });

  it('leaves "${...}" alone when variables are off (policy version 2008-10-17)', () => {
    assert.equal(like('home/${aws:username}/*', 'home/${aws:username}/x'), true);
    assert.equal(like('home/${aws:username}/*', 'home/alice/x'), false);
  });
});
