import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { PolicyError, parsePolicy, type PolicyKind } from './index.js';

/** Lines joined with '\n', so a test reads its expected line number off the array index + 1. */
const lines = (...l: string[]): string => l.join('\n');

function refused(text: string, kind: PolicyKind, line: number, reason: RegExp, opts?: { maxBytes?: number; bucket?: string }): PolicyError {
  let caught: unknown;
  try {
    parsePolicy(text, kind, opts);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PolicyError, `expected a PolicyError, got ${String(caught)}`);
  assert.ok(isAppError(caught));
  assert.equal(caught.code, 'MalformedPolicy');
  assert.match(caught.message, new RegExp(`^line ${line}, column ${caught.column}: `));
  assert.equal(caught.line, line, `line of: ${caught.message}`);
  assert.deepEqual(caught.details, { Line: String(line), Column: String(caught.column) });
  assert.match(caught.reason, reason);
  return caught;
}

describe('parsePolicy: accepted documents', () => {
  it('a bucket policy granting another account s3:GetObject (AWS example)', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'CrossAccountRead',
        Statement: [
          {
            Sid: 'Example permissions',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::111122223333:root' },
            Action: ['s3:GetObject'],
            Resource: ['arn:aws:s3:::amzn-s3-demo-bucket/*'],
          },
        ],
      }),
      'bucket',
    );
    assert.deepEqual(doc, {
      version: '2012-10-17',
      id: 'CrossAccountRead',
      statements: [
        {
          sid: 'Example permissions',
          effect: 'Allow',
          principal: { any: false, accounts: ['111122223333'], users: [] },
          actions: ['s3:getobject'],
          resources: ['arn:aws:s3:::amzn-s3-demo-bucket/*'],
          conditions: [],
        },
      ],
    });
  });

  it('a single Statement object, string Action/Resource, "*" principal (public read)', () => {
    const doc = parsePolicy(
      '{"Version":"2012-10-17","Statement":{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}}',
      'bucket',
    );
    assert.equal(doc.statements.length, 1);
    assert.deepEqual(doc.statements[0]!.principal, { any: true, accounts: [], users: [] });
    assert.deepEqual(doc.statements[0]!.actions, ['s3:getobject']);
  });

  it('principal forms: {"AWS":"*"}, account ids, root and user ARNs, arrays, the sovra partition', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' },
          {
            Effect: 'Allow',
            Principal: {
              AWS: [
                '111122223333',
                'arn:aws:iam::444455556666:root',
                'arn:aws:iam::111122223333:user/alice',
                'arn:sovra:iam::111122223333:user/team/bob',
                '111122223333',
              ],
            },
            Action: 's3:*',
            Resource: 'arn:sovra:s3:::b/*',
          },
        ],
      }),
      'bucket',
    );
    assert.deepEqual(doc.statements[0]!.principal, { any: true, accounts: [], users: [] });
    assert.deepEqual(doc.statements[1]!.principal, {
      any: false,
      accounts: ['111122223333', '444455556666'],
      users: ['arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/team/bob'],
    });
    assert.deepEqual(doc.statements[1]!.resources, ['arn:aws:s3:::b/*']);
  });

  it('an identity policy with NotAction, NotResource, wildcards and conditions', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2008-10-17',
        Statement: [
          { Sid: 'NoDeletes', Effect: 'Deny', Action: ['s3:Delete*', 's3:PutBucket?olicy'], Resource: '*' },
          {
            Effect: 'Allow',
            NotAction: 's3:PutObject*',
            NotResource: ['arn:aws:s3:::secret', 'arn:aws:s3:::secret/*'],
            Condition: {
              IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
              BoolIfExists: { 'AWS:SecureTransport': true },
              NumericLessThanEquals: { 's3:max-keys': 100 },
              DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' },
              Null: { 'aws:userid': 'false' },
            },
          },
        ],
      }),
      'identity',
    );
    assert.equal(doc.version, '2008-10-17');
    assert.deepEqual(doc.statements[0]!.actions, ['s3:delete*', 's3:putbucket?olicy']);
    const s = doc.statements[1]!;
    assert.deepEqual(s.notActions, ['s3:putobject*']);
    assert.deepEqual(s.notResources, ['arn:aws:s3:::secret', 'arn:aws:s3:::secret/*']);
    assert.equal(s.principal, undefined);
    assert.deepEqual(s.conditions, [
      { operator: 'IpAddress', ifExists: false, key: 'aws:sourceip', values: ['203.0.113.0/24', '2001:db8::/32'] },
      { operator: 'Bool', ifExists: true, key: 'aws:securetransport', values: ['true'] },
      { operator: 'NumericLessThanEquals', ifExists: false, key: 's3:max-keys', values: ['100'] },
      { operator: 'DateLessThan', ifExists: false, key: 'aws:currenttime', values: ['2030-01-01T00:00:00Z'] },
      { operator: 'Null', ifExists: false, key: 'aws:userid', values: ['false'] },
    ]);
  });

  it('accepts a byte-order mark, CRLF line ends and every supported operator and key', () => {
    const ops: Record<string, Record<string, string>> = {
      StringEquals: { 's3:prefix': 'home/' },
      StringNotEquals: { 's3:delimiter': '/' },
      StringEqualsIgnoreCase: { 'aws:UserAgent': 'curl*' },
      StringNotEqualsIgnoreCase: { 'aws:Referer': 'x' },
      StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' },
      StringNotLike: { 'aws:PrincipalType': 'Anon*' },
      NumericEquals: { 'aws:EpochTime': '1700000000' },
      NumericNotEquals: { 's3:max-keys': '1.5' },
      NumericLessThan: { 's3:max-keys': '-3' },
      NumericGreaterThan: { 's3:max-keys': '0' },
      NumericGreaterThanEquals: { 's3:max-keys': '0' },
      DateEquals: { 'aws:EpochTime': '1700000000' },
      DateNotEquals: { 'aws:CurrentTime': '2024-02-29' },
      DateLessThanEquals: { 'aws:CurrentTime': '2024-02-29T10:00+02:00' },
      DateGreaterThan: { 'aws:CurrentTime': '2024-02-29T10:00:00.123Z' },
      DateGreaterThanEquals: { 'aws:CurrentTime': '2024-02-29T10:00:00-0500' },
      NotIpAddress: { 'aws:SourceIp': '::1' },
      StringEqualsIfExists: {
        's3:x-amz-acl': 'private',
        's3:VersionId': 'v1',
        's3:signatureversion': 'AWS4-HMAC-SHA256',
        's3:authType': 'REST-HEADER',
        's3:x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'aws:username': 'alice',
        'aws:PrincipalAccount': '111122223333',
      },
    };
    const text = '\uFEFF' + JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: ops } }, null, 2).replace(/\n/g, '\r\n');
    const doc = parsePolicy(text, 'identity');
    assert.equal(doc.statements[0]!.conditions.length, 24);
  });

  it('checks resources against the bucket the policy is attached to', () => {
    const policy = (resource: unknown): string =>
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: resource } });
    for (const ok of ['arn:aws:s3:::site', 'arn:aws:s3:::site/*', 'arn:aws:s3:::s*', 'arn:aws:s3:::*', '*', 'arn:aws:s3:::site/${aws:username}/*']) {
      parsePolicy(policy(ok), 'bucket', { bucket: 'site' });
    }
    refused(policy(['arn:aws:s3:::site/*', 'arn:aws:s3:::other/*']), 'bucket', 1, /"arn:aws:s3:::other\/\*" is outside bucket "site"/, { bucket: 'site' });
    refused(policy('arn:aws:s3:::sitemap/*'), 'bucket', 1, /outside bucket "site"/, { bucket: 'site' });
  });
});

describe('parsePolicy: refused documents point at the line and say why', () => {
  const statement = (...body: string[]): string =>
    lines('{', '  "Version": "2012-10-17",', '  "Statement": [', '    {', ...body, '    }', '  ]', '}');
  // Lines 1-4 are the wrapper above: the first body line is line 5.

  it('JSON syntax: a missing comma', () => {
    refused(statement('      "Effect": "Allow"', '      "Action": "s3:GetObject",', '      "Resource": "*"'), 'identity', 6, /expected "," between elements/);
  });

  it('JSON syntax: a trailing comma is reported on the comma', () => {
    refused(statement('      "Effect": "Allow",', '      "Action": ["s3:GetObject",', '      ],', '      "Resource": "*"'), 'identity', 6, /trailing comma before "\]"/);
  });

  it('JSON syntax: comments, unquoted names, unterminated strings, early ends, trailing text', () => {
    refused(lines('{', '  // a comment', '  "Version": "2012-10-17"', '}'), 'identity', 2, /comments are not allowed/);
    refused(lines('{', '  Version: "2012-10-17"', '}'), 'identity', 2, /unexpected character|field name/);
    refused(lines('{', '  "Version": "2012-10-17', '}'), 'identity', 2, /unterminated string/);
    refused(lines('{', '  "Version": "2012-10-17",', '  "Statement": ['), 'identity', 3, /ends early/);
    refused(lines('{"Version": "2012-10-17", "Statement": []}', 'x'), 'identity', 2, /after the end of the policy/);
    refused('', 'identity', 1, /ends early|empty/);
  });

  it('duplicate keys (JSON.parse would keep the last one silently)', () => {
    refused(statement('      "Effect": "Allow",', '      "Action": "s3:GetObject",', '      "Effect": "Deny",', '      "Resource": "*"'), 'identity', 7, /duplicate field "Effect" in Statement\[0\]/);
  });

  it('a policy that is not an object, or lacks Version or Statement', () => {
    refused('[1]', 'identity', 1, /must be a JSON object, got an array/);
    refused(lines('{', '  "Statement": []', '}'), 'identity', 1, /no "Version"/);
    refused(lines('{', '  "Version": "2012-10-17"', '}'), 'identity', 1, /no "Statement"/);
    refused(lines('{', '  "Version": "2012-10-17",', '  "Statement": []', '}'), 'identity', 3, /must not be an empty array/);
  });

  it('a wrong Version', () => {
    refused(lines('{', '  "Version": "2012-10-18",', '  "Statement": []', '}'), 'identity', 2, /Version must be "2012-10-17" or "2008-10-17", got "2012-10-18"/);
  });

  it('unknown top-level and statement fields are named (with a case hint)', () => {
    refused(lines('{', '  "Version": "2012-10-17",', '  "Comment": "x",', '  "Statement": []', '}'), 'identity', 3, /unknown field "Comment" in the policy; allowed fields: Version, Id, Statement/);
    refused(statement('      "Effect": "Allow",', '      "action": "s3:GetObject",', '      "Resource": "*"'), 'identity', 6, /unknown field "action".*write "Action"/);
  });

  it('a bad Effect, a missing Effect', () => {
    refused(statement('      "Effect": "allow",', '      "Action": "s3:GetObject",', '      "Resource": "*"'), 'identity', 5, /Effect must be "Allow" or "Deny", got "allow"/);
    refused(statement('      "Action": "s3:GetObject",', '      "Resource": "*"'), 'identity', 4, /Statement\[0\] has no "Effect"/);
  });

  it('Action and NotAction together, or neither', () => {
    refused(statement('      "Effect": "Allow",', '      "Action": "s3:GetObject",', '      "NotAction": "s3:PutObject",', '      "Resource": "*"'), 'identity', 7, /both "Action" and "NotAction"/);
    refused(statement('      "Effect": "Allow",', '      "Resource": "*"'), 'identity', 4, /no "Action" \(or "NotAction"\)/);
    refused(statement('      "Effect": "Allow",', '      "Action": "s3:GetObject"'), 'identity', 4, /no "Resource" \(or "NotResource"\)/);
  });

  it('actions of other services, misspelt actions, malformed and empty action lists', () => {
    refused(statement('      "Effect": "Allow",', '      "Action": ["s3:GetObject",', '                 "iam:CreateUser"],', '      "Resource": "*"'), 'identity', 7, /only s3 actions are supported, got "iam:CreateUser"/);
    refused(statement('      "Effect": "Allow",', '      "Action": "s3:GetObjects",', '      "Resource": "*"'), 'identity', 6, /unknown S3 action "s3:GetObjects"; did you mean "s3:GetObject"\?/);
    refused(statement('      "Effect": "Allow",', '      "Action": "s3:Frobnicate*",', '      "Resource": "*"'), 'identity', 6, /matches no S3 action/);
    refused(statement('      "Effect": "Allow",', '      "Action": "GetObject",', '      "Resource": "*"'), 'identity', 6, /must be written "s3:ActionName"/);
    refused(statement('      "Effect": "Allow",', '      "Action": [],', '      "Resource": "*"'), 'identity', 6, /must not be an empty array/);
    refused(statement('      "Effect": "Allow",', '      "Action": 42,', '      "Resource": "*"'), 'identity', 6, /must be a string or an array of strings, got a number \(42\)/);
  });

  it('resources that are not S3 ARNs', () => {
    const r = (res: string, why: RegExp): void => {
      refused(statement('      "Effect": "Allow",', '      "Action": "s3:GetObject",', `      "Resource": "${res}"`), 'identity', 7, why);
    };
    r('mybucket/*', /must be "\*" or an ARN such as "arn:aws:s3:::bucket\/key"/);
    r('arn:aws:iam::111122223333:user/alice', /only s3 resources are supported/);
    r('arn:aws:s3:eu-west-1:111122223333:b/*', /no region or account/);
    r('arn:gcp:s3:::b/*', /partition "gcp"/);
    r('arn:aws:s3:::', /names no bucket/);
  });

  it('Principal: required in bucket policies, refused in identity policies, supported forms only', () => {
    const body = ['      "Effect": "Allow",', '      "Action": "s3:GetObject",', '      "Resource": "arn:aws:s3:::b/*"'];
    refused(statement(...body), 'bucket', 4, /has no "Principal"; a bucket policy statement must name who it applies to/);
    refused(statement('      "Principal": "*",', ...body), 'identity', 5, /Principal is not allowed in an identity policy/);
    refused(statement('      "NotPrincipal": {"AWS": "111122223333"},', ...body), 'bucket', 5, /NotPrincipal is not supported/);
    refused(statement('      "Principal": {"Service": "cloudtrail.amazonaws.com"},', ...body), 'bucket', 5, /principal type "Service" is not supported/);
    refused(statement('      "Principal": {"CanonicalUser": "79a59df9"},', ...body), 'bucket', 5, /principal type "CanonicalUser" is not supported/);
    refused(statement('      "Principal": {"AWS": ["111122223333",', '                     "12345"]},', ...body), 'bucket', 6, /account id "12345" must be 12 digits/);
    refused(statement('      "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin"},', ...body), 'bucket', 5, /unsupported principal .*role\/admin/);
    refused(statement('      "Principal": {"AWS": "arn:aws:iam::111122223333:user/*"},', ...body), 'bucket', 5, /wildcards are only allowed as "\*" alone/);
    refused(statement('      "Principal": "111122223333",', ...body), 'bucket', 5, /Principal must be "\*" or an object/);
    refused(statement('      "Principal": {"AWS": 111122223333},', ...body), 'bucket', 5, /must be a string or an array of strings, got a number/);
  });

  it('conditions: unknown operators and keys, set qualifiers, mismatched types, bad values', () => {
    const cond = (...c: string[]): string =>
      statement('      "Effect": "Allow",', '      "Action": "s3:ListBucket",', '      "Resource": "arn:aws:s3:::b",', '      "Condition": {', ...c, '      }');
    // The first condition line is line 9.
    refused(cond('        "StringEqual": {"s3:prefix": "home/"}'), 'identity', 9, /unknown condition operator "StringEqual"; supported: StringEquals/);
    refused(cond('        "StringLike": {"s3:prefix": "home/"},', '        "StringEquals": {"aws:SourceVpc": "vpc-1"}'), 'identity', 10, /unsupported condition key "aws:SourceVpc"; supported keys: aws:SourceIp/);
    refused(cond('        "ForAnyValue:StringLike": {"s3:prefix": "home/"}'), 'identity', 9, /set qualifiers \(ForAnyValue:\) are not supported/);
    refused(cond('        "IpAddress": {"aws:username": "alice"}'), 'identity', 9, /IpAddress cannot test aws:username/);
    refused(cond('        "IpAddress": {"aws:SourceIp": ["10.0.0.0/8",', '                                        "10.0.0.0/33"]}'), 'identity', 10, /needs an IP address or CIDR block.*"10\.0\.0\.0\/33"/);
    refused(cond('        "DateLessThan": {"aws:CurrentTime": "2024-02-30T00:00:00Z"}'), 'identity', 9, /needs an ISO 8601 date .* got "2024-02-30T00:00:00Z"/);
    refused(cond('        "DateLessThan": {"aws:CurrentTime": "next tuesday"}'), 'identity', 9, /needs an ISO 8601 date/);
    refused(cond('        "NumericLessThan": {"s3:max-keys": "ten"}'), 'identity', 9, /NumericLessThan needs a number, got "ten"/);
    refused(cond('        "Bool": {"aws:SecureTransport": "yes"}'), 'identity', 9, /Bool needs "true" or "false", got "yes"/);
    refused(cond('        "NullIfExists": {"aws:userid": "true"}'), 'identity', 9, /Null takes no IfExists/);
    refused(cond('        "StringEquals": {"s3:prefix": []}'), 'identity', 9, /must list at least one value/);
    refused(cond('        "StringEquals": {"s3:prefix": null}'), 'identity', 9, /must be a string, number or boolean, got null/);
    refused(cond('        "StringEquals": {}'), 'identity', 9, /tests no condition key/);
    refused(cond('        "StringEquals": {"s3:prefix": "a",', '                         "s3:prefix": "b"}'), 'identity', 10, /duplicate field "s3:prefix"/);
  });

  it('duplicate Sids, and identity-policy Sids that are not alphanumeric', () => {
    const text = lines(
      '{"Version": "2012-10-17", "Statement": [',
      '  {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},',
      '  {"Sid": "A", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}',
      ']}',
    );
    refused(text, 'identity', 3, /duplicate Sid "A"/);
    refused(statement('      "Sid": "read only",', '      "Effect": "Allow",', '      "Action": "s3:GetObject",', '      "Resource": "*"'), 'identity', 5, /only letters and digits/);
  });

  it('documents over the size limit (20 KB bucket, 10 KB identity, or maxBytes)', () => {
    const big = (n: number): string =>
      JSON.stringify({ Version: '2012-10-17', Statement: { Sid: 'x'.repeat(n), Effect: 'Allow', Action: '*', Resource: '*' } });
    parsePolicy(big(10000), 'identity');
    refused(big(10300), 'identity', 1, /too large: \d+ bytes, the limit for an identity policy is 10240 bytes/);
    refused(big(20500), 'bucket', 1, /the limit for a bucket policy is 20480 bytes/);
    refused(big(100), 'bucket', 1, /limit for a bucket policy is 50 bytes/, { maxBytes: 50 });
  });

  it('deeply nested input is refused without overflowing the parser stack', () => {
    refused('['.repeat(5000) + ']'.repeat(5000), 'bucket', 1, /nested too deeply/);
  });

  it('reports columns too', () => {
    const e = refused(lines('{', '  "Version": "2012-10-17",', '  "Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"}', '}'), 'identity', 3, /got "Permit"/);
    assert.equal(e.column, 27);
  });

  it('counts CRLF and CR line ends as one line each', () => {
    const crlf = ['{', '  "Version": "2012-10-17",', '  "Statement": {"Effect": "Permit", "Action": "*", "Resource": "*"}', '}'];
    assert.equal(refused(crlf.join('\r\n'), 'identity', 3, /got "Permit"/).column, 27);
    assert.equal(refused(crlf.join('\r'), 'identity', 3, /got "Permit"/).column, 27);
  });
});
