import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, grantees, parsePolicy, withPrincipalKeys, type AuthzRequest, type PolicyDocument, type RequestPrincipal } from './index.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const arn = (account: string, user: string): string => `arn:aws:iam::${account}:user/${user}`;

const ownerAdmin: RequestPrincipal = { anonymous: false, accountId: OWNER, userArn: arn(OWNER, 'admin'), accountAdmin: true };
const alice: RequestPrincipal = { anonymous: false, accountId: OWNER, userArn: arn(OWNER, 'alice'), accountAdmin: false };
const otherAdmin: RequestPrincipal = { anonymous: false, accountId: OTHER, userArn: arn(OTHER, 'root'), accountAdmin: true };
const bob: RequestPrincipal = { anonymous: false, accountId: OTHER, userArn: arn(OTHER, 'bob'), accountAdmin: false };
const anonymous: RequestPrincipal = { anonymous: true, accountAdmin: false };

type Stmt = Record<string, unknown>;
const identity = (...Statement: Stmt[]): PolicyDocument => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }), 'identity');
const bucketPolicy = (...Statement: Stmt[]): PolicyDocument => parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }), 'bucket', { bucket: 'b' });

function decide(principal: RequestPrincipal, action: string, resource: string, more: Partial<AuthzRequest> = {}): ReturnType<typeof evaluate> {
  return evaluate({ principal, action, resource, resourceOwner: OWNER, identityPolicies: [], context: {}, ...more });
}

const ALLOW = (via: string): unknown => ({ effect: 'allow', via });
const IMPLICIT = { effect: 'deny', explicit: false };

describe('evaluate: actions on no account resource (ListAllMyBuckets, CreateBucket)', () => {
  const noOwner = { resourceOwner: undefined };
  it('allowed for account administrators and for users whose identity policy allows it', () => {
    assert.deepEqual(decide(ownerAdmin, 's3:ListAllMyBuckets', '*', noOwner), ALLOW('admin'));
    const p = identity({ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:CreateBucket'], Resource: '*' });
    assert.deepEqual(decide(alice, 's3:ListAllMyBuckets', '*', { ...noOwner, identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:CreateBucket', 'arn:aws:s3:::new', { ...noOwner, identityPolicies: [p] }), ALLOW('identity'));
    const onlyList = identity({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' });
    assert.deepEqual(decide(alice, 's3:CreateBucket', 'arn:aws:s3:::new', { ...noOwner, identityPolicies: [onlyList] }), IMPLICIT);
  });
  it('the request resource "*" is matched by Resource "*" and "arn:aws:s3:::*" (as AWS documents), nothing narrower', () => {
    const wide = identity({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' });
    assert.deepEqual(decide(alice, 's3:ListAllMyBuckets', '*', { ...noOwner, identityPolicies: [wide] }), ALLOW('identity'));
    const narrow = identity({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::b*' });
    assert.deepEqual(decide(alice, 's3:ListAllMyBuckets', '*', { ...noOwner, identityPolicies: [narrow] }), IMPLICIT);
    const except = identity({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' });
    assert.deepEqual(decide(alice, 's3:ListAllMyBuckets', '*', { ...noOwner, identityPolicies: [except] }), ALLOW('identity'));
  });

  it('denied to users without a policy and to anonymous callers', () => {
    assert.deepEqual(decide(alice, 's3:ListAllMyBuckets', '*', noOwner), IMPLICIT);
    assert.deepEqual(decide(anonymous, 's3:ListAllMyBuckets', '*', noOwner), IMPLICIT);
  });
});

describe('evaluate: within the owner account', () => {
  it('an administrator may do anything; a user only what a policy allows', () => {
    assert.deepEqual(decide(ownerAdmin, 's3:DeleteBucket', 'arn:aws:s3:::b'), ALLOW('admin'));
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k'), IMPLICIT);
  });

  it('an identity policy alone suffices', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/docs/a.txt', { identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:PutObject', 'arn:aws:s3:::b/docs/a.txt', { identityPolicies: [p] }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::c/docs/a.txt', { identityPolicies: [p] }), IMPLICIT);
  });

  it('a bucket policy naming the user alone suffices; naming only the account does not', () => {
    const byUser = bucketPolicy({ Effect: 'Allow', Principal: { AWS: arn(OWNER, 'alice') }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: byUser }), ALLOW('resource'));
    const byAccount = bucketPolicy({ Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: byAccount }), IMPLICIT);
  });

  it('actions compare case-insensitively, resources case-sensitively', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:getobject', Resource: 'arn:aws:s3:::b/Reports/*' });
    assert.deepEqual(decide(alice, 'S3:GetObject', 'arn:aws:s3:::b/Reports/q1', { identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/reports/q1', { identityPolicies: [p] }), IMPLICIT);
  });

  it('NotAction and NotResource allow everything except what they list', () => {
    const p = identity({ Effect: 'Allow', NotAction: 's3:Delete*', NotResource: 'arn:aws:s3:::b/private/*' });
    assert.deepEqual(decide(alice, 's3:PutObject', 'arn:aws:s3:::b/x', { identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:DeleteObject', 'arn:aws:s3:::b/x', { identityPolicies: [p] }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/private/x', { identityPolicies: [p] }), IMPLICIT);
  });
});

describe('evaluate: explicit Deny wins', () => {
  it('over an identity Allow, reporting the Sid', () => {
    const p = identity(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject*', Resource: 'arn:aws:s3:::b/*' },
    );
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:DeleteObject', 'arn:aws:s3:::b/k', { identityPolicies: [p] }), { effect: 'deny', explicit: true, sid: 'NoDeletes' });
  });

  it('a Deny in a second identity policy counts too, and one without a Sid has none', () => {
    const allow = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const deny = identity({ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' });
    assert.deepEqual(decide(alice, 's3:PutObject', 'arn:aws:s3:::b/k', { identityPolicies: [allow, deny] }), { effect: 'deny', explicit: true });
  });

  it('a bucket-policy Deny applies even to administrators: deny unless aws:SecureTransport (AWS example)', () => {
    const rp = bucketPolicy({
      Sid: 'AllowSSLRequestsOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const over = (secure: string): unknown => decide(ownerAdmin, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp, context: { 'aws:securetransport': secure } });
    assert.deepEqual(over('false'), { effect: 'deny', explicit: true, sid: 'AllowSSLRequestsOnly' });
    assert.deepEqual(over('true'), ALLOW('admin'));
  });

  it('IP-restricted bucket (AWS example): Deny outside 192.0.2.0/24 and 2001:db8::/32', () => {
    const rp = bucketPolicy({
      Sid: 'IPAllow',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '2001:db8::/32'] } },
    });
    const from = (ip: string): unknown => decide(ownerAdmin, 's3:ListBucket', 'arn:aws:s3:::b', { resourcePolicy: rp, context: { 'aws:sourceip': ip } });
    assert.deepEqual(from('192.0.2.10'), ALLOW('admin'));
    assert.deepEqual(from('::ffff:192.0.2.10'), ALLOW('admin'));
    assert.deepEqual(from('2001:db8::7'), ALLOW('admin'));
    assert.deepEqual(from('203.0.113.1'), { effect: 'deny', explicit: true, sid: 'IPAllow' });
  });

  it('a bucket-policy Deny applies only to the principals it names', () => {
    const rp = bucketPolicy({ Effect: 'Deny', Principal: { AWS: arn(OWNER, 'alice') }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' });
    const allowAll = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp, identityPolicies: [allowAll] }), { effect: 'deny', explicit: true });
    const carol: RequestPrincipal = { ...alice, userArn: arn(OWNER, 'carol') };
    assert.deepEqual(decide(carol, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp, identityPolicies: [allowAll] }), ALLOW('identity'));
    const denyOther = bucketPolicy({ Effect: 'Deny', Principal: { AWS: OTHER }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: denyOther, identityPolicies: [allowAll] }), ALLOW('identity'));
  });

  it('the owner administrator can always read, replace or delete a bucket policy that locks everyone out', () => {
    const lockout = bucketPolicy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] });
    for (const action of ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']) {
      assert.deepEqual(decide(ownerAdmin, action, 'arn:aws:s3:::b', { resourcePolicy: lockout }), ALLOW('admin'));
    }
    assert.deepEqual(decide(ownerAdmin, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: lockout }), { effect: 'deny', explicit: true });
    const allowAll = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.deepEqual(decide(alice, 's3:DeleteBucketPolicy', 'arn:aws:s3:::b', { resourcePolicy: lockout, identityPolicies: [allowAll] }), { effect: 'deny', explicit: true });
    assert.deepEqual(decide(otherAdmin, 's3:DeleteBucketPolicy', 'arn:aws:s3:::b', { resourcePolicy: lockout }), { effect: 'deny', explicit: true });
  });
});

describe('evaluate: other accounts need both sides', () => {
  // AWS example: "Bucket owner granting cross-account bucket permissions".
  const grantAccount = bucketPolicy({ Sid: 'CrossAccountRead', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
  const bobMayRead = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

  it('the owner grant plus the caller account permission allow', () => {
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: grantAccount, identityPolicies: [bobMayRead] }), ALLOW('identity+resource'));
    assert.deepEqual(decide(otherAdmin, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: grantAccount }), ALLOW('identity+resource'));
  });

  it('either side alone does not', () => {
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: grantAccount }), IMPLICIT);
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [bobMayRead] }), IMPLICIT);
    assert.deepEqual(decide(otherAdmin, 's3:GetObject', 'arn:aws:s3:::b/k'), IMPLICIT);
    assert.deepEqual(decide(otherAdmin, 's3:PutObject', 'arn:aws:s3:::b/k', { resourcePolicy: grantAccount }), IMPLICIT);
  });

  it('a grant naming the user directly, or "*", still needs the caller account permission', () => {
    const byUser = bucketPolicy({ Effect: 'Allow', Principal: { AWS: [arn(OTHER, 'bob')] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: byUser, identityPolicies: [bobMayRead] }), ALLOW('identity+resource'));
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: byUser }), IMPLICIT);
    const carol: RequestPrincipal = { ...bob, userArn: arn(OTHER, 'carol') };
    assert.deepEqual(decide(carol, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: byUser, identityPolicies: [bobMayRead] }), IMPLICIT);
    const pub = bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: pub }), IMPLICIT);
    assert.deepEqual(decide(bob, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: pub, identityPolicies: [bobMayRead] }), ALLOW('identity+resource'));
  });

  it('a grant to "*" limited by aws:PrincipalAccount (derived from the caller)', () => {
    const rp = bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'aws:PrincipalAccount': OTHER } } });
    assert.deepEqual(decide(otherAdmin, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp }), ALLOW('identity+resource'));
    assert.deepEqual(decide(anonymous, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp }), IMPLICIT);
  });
});

describe('evaluate: anonymous callers', () => {
  const publicRead = bucketPolicy({ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: 'arn:aws:s3:::b/*' });

  it('get exactly what a public-read bucket policy grants to "*"', () => {
    assert.deepEqual(decide(anonymous, 's3:GetObject', 'arn:aws:s3:::b/index.html', { resourcePolicy: publicRead }), ALLOW('resource'));
    assert.deepEqual(decide(anonymous, 's3:PutObject', 'arn:aws:s3:::b/index.html', { resourcePolicy: publicRead }), IMPLICIT);
    assert.deepEqual(decide(anonymous, 's3:ListBucket', 'arn:aws:s3:::b', { resourcePolicy: publicRead }), IMPLICIT);
    assert.deepEqual(decide(anonymous, 's3:GetObject', 'arn:aws:s3:::b/index.html'), IMPLICIT);
  });

  it('are not matched by account or user principals, and have no identity policies', () => {
    const rp = bucketPolicy({ Effect: 'Allow', Principal: { AWS: [OWNER, arn(OWNER, 'alice')] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(decide(anonymous, 's3:GetObject', 'arn:aws:s3:::b/k', { resourcePolicy: rp }), IMPLICIT);
    const allowAll = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    assert.deepEqual(decide(anonymous, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [allowAll] }), IMPLICIT);
  });
});

describe('evaluate: conditions and policy variables', () => {
  // AWS example: "Allows IAM users to access their own home directory in Amazon S3".
  const home = identity(
    { Sid: 'ListHome', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/*'] } } },
    { Sid: 'OwnFiles', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::b/home/${aws:username}/*' },
  );

  it('a user lists and uses only its own home folder (${aws:username} from the caller ARN)', () => {
    const list = (prefix: string): unknown => decide(alice, 's3:ListBucket', 'arn:aws:s3:::b', { identityPolicies: [home], context: { 's3:prefix': prefix } });
    assert.deepEqual(list(''), ALLOW('identity'));
    assert.deepEqual(list('home/'), ALLOW('identity'));
    assert.deepEqual(list('home/alice/'), ALLOW('identity'));
    assert.deepEqual(list('home/bob/'), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:PutObject', 'arn:aws:s3:::b/home/alice/cv.pdf', { identityPolicies: [home] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/home/bob/cv.pdf', { identityPolicies: [home] }), IMPLICIT);
  });

  it('a caller-supplied aws:username overrides the derived one; ${aws:userid} resolves from the context', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:userid}/${aws:PrincipalAccount}/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', `arn:aws:s3:::b/AIDA7/${OWNER}/x`, { identityPolicies: [p], context: { 'aws:userid': 'AIDA7' } }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:GetObject', `arn:aws:s3:::b/AIDA7/${OWNER}/x`, { identityPolicies: [p] }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/home/zed/x', { identityPolicies: [home], context: { 'aws:username': 'zed' } }), ALLOW('identity'));
  });

  it('variables are literal text in a 2008-10-17 policy', () => {
    const old = parsePolicy(JSON.stringify({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/home/${aws:username}/*' } }), 'identity');
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/home/alice/x', { identityPolicies: [old] }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/home/${aws:username}/x', { identityPolicies: [old] }), ALLOW('identity'));
  });

  it('an unresolvable variable in a Deny resource makes that Deny not apply (as in AWS)', () => {
    const p = identity({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:userid}/*' });
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/AIDA7/x', { identityPolicies: [p] }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/AIDA7/x', { identityPolicies: [p], context: { 'aws:userid': 'AIDA7' } }), { effect: 'deny', explicit: true });
  });

  it('DateLessThan on aws:CurrentTime: access that expires (context time, or the clock when absent)', () => {
    const until = (date: string): PolicyDocument =>
      identity({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { DateLessThan: { 'aws:CurrentTime': date } } });
    const p = until('2026-12-31T23:59:59Z');
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [p], context: { 'aws:currenttime': '2026-12-31T00:00:00Z' } }), ALLOW('identity'));
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [p], context: { 'aws:currenttime': '2027-01-01T00:00:00Z' } }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [until('2000-01-01T00:00:00Z')] }), IMPLICIT);
    assert.deepEqual(decide(alice, 's3:GetObject', 'arn:aws:s3:::b/k', { identityPolicies: [until('2999-01-01T00:00:00Z')] }), ALLOW('identity'));
  });
});

describe('withPrincipalKeys', () => {
  it('derives principal and time keys, lower-cases supplied keys, and lets the caller override', () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    assert.deepEqual(withPrincipalKeys({ 'S3:Prefix': 'a/', 'aws:username': 'override' }, { ...alice, userArn: arn(OWNER, 'team/alice') }, now), {
      'aws:currenttime': '2026-01-02T03:04:05.678Z',
      'aws:epochtime': '1767323045',
      'aws:principaltype': 'User',
      'aws:principalaccount': OWNER,
      'aws:principalarn': arn(OWNER, 'team/alice'),
      'aws:username': 'override',
      's3:prefix': 'a/',
    });
    const anon = withPrincipalKeys({}, anonymous, now);
    assert.equal(anon['aws:principaltype'], 'Anonymous');
    assert.equal(anon['aws:principalaccount'], undefined);
    assert.equal(anon['aws:username'], undefined);
  });
});

describe('grantees', () => {
  it('lists who the Allow statements of a bucket policy name (Deny statements grant nothing)', () => {
    const rp = bucketPolicy(
      { Effect: 'Allow', Principal: { AWS: [OTHER, arn(OWNER, 'alice')] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${OTHER}:root`, '999988887777'] }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' },
      { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::b/*' },
    );
    assert.deepEqual(grantees(rp), { any: false, accounts: [OTHER, '999988887777'], users: [arn(OWNER, 'alice')] });
    const pub = bucketPolicy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });
    assert.deepEqual(grantees(pub), { any: true, accounts: [], users: [] });
  });
});
