import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionHolds, conditionsHold } from './conditions.js';
import type { Resolver } from './match.js';
import { parsePolicy } from './parse.js';
import type { Condition, ConditionContext } from './types.js';

/** The conditions of a one-statement identity policy, parsed as a caller would write them. */
function conditions(block: Record<string, Record<string, unknown>>): Condition[] {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: block } });
  return parsePolicy(text, 'identity').statements[0]!.conditions;
}

function holds(block: Record<string, Record<string, unknown>>, ctx: ConditionContext, resolve?: Resolver): boolean {
  return conditionsHold(conditions(block), ctx, resolve);
}

describe('string operators', () => {
  it('StringEquals is exact and case-sensitive; values of one key are alternatives', () => {
    const c = { StringEquals: { 's3:prefix': ['home/', 'shared/'] } };
    assert.equal(holds(c, { 's3:prefix': 'home/' }), true);
    assert.equal(holds(c, { 's3:prefix': 'shared/' }), true);
    assert.equal(holds(c, { 's3:prefix': 'Home/' }), false);
    assert.equal(holds(c, { 's3:prefix': 'home/x' }), false);
  });

  it('StringEquals treats * literally; StringLike treats it as a wildcard', () => {
    assert.equal(holds({ StringEquals: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice' }), false);
    assert.equal(holds({ StringEquals: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/*' }), true);
    assert.equal(holds({ StringLike: { 's3:prefix': 'home/*' } }, { 's3:prefix': 'home/alice/docs' }), true);
    assert.equal(holds({ StringLike: { 's3:prefix': 'home/?' } }, { 's3:prefix': 'home/ab' }), false);
  });

  it('negated operators hold when no value matches (AND over the values)', () => {
    const c = { StringNotEquals: { 's3:x-amz-acl': ['public-read', 'public-read-write'] } };
    assert.equal(holds(c, { 's3:x-amz-acl': 'private' }), true);
    assert.equal(holds(c, { 's3:x-amz-acl': 'public-read' }), false);
    assert.equal(holds(c, { 's3:x-amz-acl': 'public-read-write' }), false);
    assert.equal(holds({ StringNotLike: { 'aws:UserAgent': ['*curl*', '*wget*'] } }, { 'aws:useragent': 'Mozilla/5.0' }), true);
    assert.equal(holds({ StringNotLike: { 'aws:UserAgent': ['*curl*', '*wget*'] } }, { 'aws:useragent': 'curl/8.0' }), false);
  });

  it('IgnoreCase variants', () => {
    assert.equal(holds({ StringEqualsIgnoreCase: { 'aws:username': 'Alice' } }, { 'aws:username': 'ALICE' }), true);
    assert.equal(holds({ StringNotEqualsIgnoreCase: { 'aws:username': 'Alice' } }, { 'aws:username': 'alice' }), false);
    assert.equal(holds({ StringNotEqualsIgnoreCase: { 'aws:username': 'Alice' } }, { 'aws:username': 'bob' }), true);
  });

  it('substitutes policy variables in values; an unresolvable one makes the condition fail, even negated', () => {
    const resolve: Resolver = (n) => (n === 'aws:username' ? 'alice' : undefined);
    const c = { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } };
    assert.equal(holds(c, { 's3:prefix': 'home/alice/photos/' }, resolve), true);
    assert.equal(holds(c, { 's3:prefix': 'home/bob/' }, resolve), false);
    assert.equal(holds(c, { 's3:prefix': 'home/' }, () => undefined), false);
    assert.equal(holds({ StringNotEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': 'x' }, () => undefined), false);
  });
});

describe('numeric, date and boolean operators', () => {
  it('Numeric* compare numbers, not text', () => {
    assert.equal(holds({ NumericLessThanEquals: { 's3:max-keys': '100' } }, { 's3:max-keys': '99' }), true);
    assert.equal(holds({ NumericLessThanEquals: { 's3:max-keys': '100' } }, { 's3:max-keys': '100' }), true);
    assert.equal(holds({ NumericLessThan: { 's3:max-keys': '100' } }, { 's3:max-keys': '100' }), false);
    assert.equal(holds({ NumericLessThan: { 's3:max-keys': '100' } }, { 's3:max-keys': '1000' }), false);
    assert.equal(holds({ NumericGreaterThan: { 's3:max-keys': '9' } }, { 's3:max-keys': '10' }), true);
    assert.equal(holds({ NumericGreaterThanEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10.0' }), true);
    assert.equal(holds({ NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': '10.0' }), true);
    assert.equal(holds({ NumericNotEquals: { 's3:max-keys': ['10', '20'] } }, { 's3:max-keys': '20' }), false);
    assert.equal(holds({ NumericEquals: { 's3:max-keys': '10' } }, { 's3:max-keys': 'ten' }), false);
  });

  it('Date* compare instants given as ISO 8601 or epoch seconds', () => {
    const before = { DateLessThan: { 'aws:CurrentTime': '2026-06-30T00:00:00Z' } };
    assert.equal(holds(before, { 'aws:currenttime': '2026-06-29T23:59:59Z' }), true);
    assert.equal(holds(before, { 'aws:currenttime': '2026-06-30T00:00:00Z' }), false);
    assert.equal(holds(before, { 'aws:currenttime': '2026-06-30T01:00:00+02:00' }), true);
    assert.equal(holds({ DateLessThanEquals: { 'aws:CurrentTime': '2026-06-30' } }, { 'aws:currenttime': '2026-06-30T00:00:00.000Z' }), true);
    assert.equal(holds({ DateGreaterThan: { 'aws:EpochTime': '1700000000' } }, { 'aws:epochtime': '1700000001' }), true);
    assert.equal(holds({ DateGreaterThanEquals: { 'aws:CurrentTime': '1700000000' } }, { 'aws:currenttime': '2023-11-14T22:13:20Z' }), true);
    assert.equal(holds({ DateEquals: { 'aws:CurrentTime': '2023-11-14T22:13:20Z' } }, { 'aws:currenttime': '1700000000' }), true);
    assert.equal(holds({ DateNotEquals: { 'aws:CurrentTime': '2023-11-14T22:13:20Z' } }, { 'aws:currenttime': '1700000000' }), false);
    assert.equal(holds({ NumericLessThan: { 'aws:EpochTime': '1700000000' } }, { 'aws:epochtime': '1699999999' }), true);
  });

  it('Bool compares true/false in any case', () => {
    assert.equal(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:securetransport': 'false' }), true);
    assert.equal(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:securetransport': 'FALSE' }), true);
    assert.equal(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:securetransport': 'true' }), false);
  });
});

describe('IP address operators', () => {
  it('IpAddress matches IPv4 and IPv6 CIDRs and bare addresses', () => {
    const c = { IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'] } };
    assert.equal(holds(c, { 'aws:sourceip': '192.0.2.55' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '192.0.3.1' }), false);
    assert.equal(holds(c, { 'aws:sourceip': '2001:db8:1234::1' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '2001:db9::1' }), false);
    assert.equal(holds(c, { 'aws:sourceip': '198.51.100.7' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '198.51.100.8' }), false);
    assert.equal(holds(c, { 'aws:sourceip': 'not-an-ip' }), false);
  });

  it('IPv4-mapped IPv6 addresses (as a dual-stack socket reports them) match IPv4 blocks', () => {
    const c = { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } };
    assert.equal(holds(c, { 'aws:sourceip': '::ffff:192.0.2.9' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '::ffff:c000:209' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '::ffff:192.0.3.9' }), false);
  });

  it('NotIpAddress holds outside every listed block', () => {
    const c = { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12'] } };
    assert.equal(holds(c, { 'aws:sourceip': '8.8.8.8' }), true);
    assert.equal(holds(c, { 'aws:sourceip': '172.20.1.1' }), false);
  });
});

describe('combining and missing keys', () => {
  it('all operators and all keys must hold (AND)', () => {
    const c = { StringLike: { 's3:prefix': 'home/*', 's3:delimiter': '/' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } };
    assert.equal(holds(c, { 's3:prefix': 'home/a', 's3:delimiter': '/', 'aws:sourceip': '10.1.1.1' }), true);
    assert.equal(holds(c, { 's3:prefix': 'home/a', 's3:delimiter': '|', 'aws:sourceip': '10.1.1.1' }), false);
    assert.equal(holds(c, { 's3:prefix': 'home/a', 's3:delimiter': '/', 'aws:sourceip': '11.1.1.1' }), false);
    assert.equal(holds({}, {}), true);
  });

  it('a missing key makes a positive operator false, a negated one true, ...IfExists true', () => {
    assert.equal(holds({ StringEquals: { 's3:prefix': 'x' } }, {}), false);
    assert.equal(holds({ StringNotEquals: { 's3:prefix': 'x' } }, {}), true);
    assert.equal(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {}), true);
    assert.equal(holds({ StringEqualsIfExists: { 's3:prefix': 'x' } }, {}), true);
    assert.equal(holds({ StringEqualsIfExists: { 's3:prefix': 'x' } }, { 's3:prefix': 'y' }), false);
    assert.equal(holds({ NumericLessThanIfExists: { 's3:max-keys': '10' } }, { 's3:max-keys': '5' }), true);
    assert.equal(holds({ StringEquals: { 's3:prefix': 'x' } }, { 's3:prefix': [] }), false);
  });

  it('Null tests presence: "true" means absent, "false" present', () => {
    assert.equal(holds({ Null: { 'aws:userid': 'true' } }, {}), true);
    assert.equal(holds({ Null: { 'aws:userid': 'true' } }, { 'aws:userid': 'AIDA1' }), false);
    assert.equal(holds({ Null: { 'aws:userid': 'false' } }, { 'aws:userid': 'AIDA1' }), true);
    assert.equal(holds({ Null: { 'aws:userid': 'false' } }, {}), false);
    assert.equal(holds({ Null: { 'aws:userid': 'true' } }, { 'aws:userid': [] }), true);
  });

  it('multi-valued request keys: any value may match; a negated operator needs none to match', () => {
    assert.equal(holds({ StringEquals: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': ['public-read', 'private'] }), true);
    assert.equal(holds({ StringEquals: { 's3:x-amz-acl': 'private' } }, { 's3:x-amz-acl': ['public-read'] }), false);
    assert.equal(holds({ StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': ['private', 'public-read'] }), false);
    assert.equal(holds({ StringNotEquals: { 's3:x-amz-acl': 'public-read' } }, { 's3:x-amz-acl': ['private', 'bucket-owner-read'] }), true);
  });

  it('an operator unknown to the evaluator never holds (defensive, for hand-built conditions)', () => {
    assert.equal(conditionHolds({ operator: 'ArnLike', ifExists: false, key: 'aws:principalarn', values: ['*'] }, { 'aws:principalarn': 'x' }), false);
  });
});
