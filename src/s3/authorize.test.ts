import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ACTIONS, actionFor, conditionContext, decide, effectiveResourcePolicy, objectAclGrants, resourceFor } from './authorize.js';
import type { Principal } from '../tenancy/model.js';
import { parsePolicy } from '../policy/index.js';
import type { S3Context } from './context.js';

const alice: Principal = {
  accountId: '111111111111', accountKind: 'customer', parentAccountId: '222222222222', userId: 'UALICE', userName: 'alice',
  userArn: 'arn:aws:iam::111111111111:user/alice', displayName: 'alice', admin: false, accessKeyId: 'SVALICE', policies: [],
};

function ctxOf(query: string, headers: Record<string, string> = {}, extra: Partial<S3Context['req']> = {}): Pick<S3Context, 'req' | 'query' | 'auth'> {
  return {
    req: { method: 'GET', rawPath: '/b', rawQuery: query, headers, headersDistinct: headers, body: undefined as never, secure: false, remoteAddress: '192.0.2.7', requestId: 'r', signal: new AbortController().signal, ...extra },
    query: new URLSearchParams(query),
    auth: { anonymous: false, accessKeyId: 'SVALICE', presigned: true, payload: { kind: 'unsigned' }, signing: undefined as never, region: 'eu-fra' },
  };
}

describe('S3 authorization', () => {
  it('names the IAM action and resource of each operation, version-specific ones with a versionId', () => {
    assert.equal(actionFor({ name: 'GetObject', bucket: 'b', key: 'k' }, new URLSearchParams('')), 's3:GetObject');
    assert.equal(actionFor({ name: 'GetObject', bucket: 'b', key: 'k' }, new URLSearchParams('versionId=v1')), 's3:GetObjectVersion');
    assert.equal(actionFor({ name: 'ListObjectsV2', bucket: 'b' }, new URLSearchParams('list-type=2')), 's3:ListBucket');
    assert.equal(actionFor({ name: 'GetBucketUnsetConfig', bucket: 'b', subresource: 'lifecycle' }, new URLSearchParams('')), 's3:GetLifecycleConfiguration');
    assert.equal(resourceFor({ name: 'GetObject', bucket: 'b', key: 'a/b c' }), 'arn:aws:s3:::b/a/b c');
    assert.equal(resourceFor({ name: 'ListObjects', bucket: 'b' }), 'arn:aws:s3:::b');
    assert.equal(resourceFor({ name: 'ListBuckets' }), '*');
  });

  it('documents every operation with its action in docs/access.md', () => {
    const doc = readFileSync(new URL('../../../docs/access.md', import.meta.url), 'utf8');
    for (const [op, rule] of Object.entries(ACTIONS)) {
      const row = new RegExp(`\\| ${op} \\| \`${rule.action}\` \\| ${rule.versioned ? `\`${rule.versioned}\`` : ''} \\|`);
      assert.match(doc, row, `docs/access.md lacks the row of ${op}`);
    }
  });

  it('fills the condition keys of the request, with s3:prefix on listings only', () => {
    const listing = conditionContext(ctxOf('list-type=2&prefix=home%2Falice%2F&max-keys=10', { 'user-agent': 'aws-cli/2' }), alice, new Date('2026-11-23T10:00:00Z'), { name: 'ListObjectsV2', bucket: 'b' });
    assert.equal(listing['s3:prefix'], 'home/alice/');
    assert.equal(listing['s3:max-keys'], '10');
    assert.equal(listing['aws:sourceip'], '192.0.2.7');
    assert.equal(listing['aws:securetransport'], 'false');
    assert.equal(listing['aws:currenttime'], '2026-11-23T10:00:00.000Z');
    assert.equal(listing['aws:useragent'], 'aws-cli/2');
    assert.equal(listing['s3:authtype'], 'REST-QUERY-STRING');
    assert.equal(listing['aws:username'], 'alice');
    const get = conditionContext(ctxOf(''), alice, new Date(), { name: 'GetObject', bucket: 'b', key: 'k' });
    assert.equal(get['s3:prefix'], undefined);
  });

  it('folds a public-read bucket ACL into the resource policy as listing for everyone, nothing more', () => {
    const bucket = { name: 'pub', owner: '111111111111', acl: 'public-read' as const };
    assert.equal(effectiveResourcePolicy({ name: 'priv', acl: 'private' }), undefined);
    const anon = (action: string, resource: string) => decide({ principal: undefined, action, resource, bucket, context: {} }).effect;
    assert.equal(anon('s3:ListBucket', 'arn:aws:s3:::pub'), 'allow');
    assert.equal(anon('s3:GetObject', 'arn:aws:s3:::pub/k'), 'deny');
    assert.equal(anon('s3:PutObject', 'arn:aws:s3:::pub/k'), 'deny');
    assert.equal(objectAclGrants('s3:GetObject', 'public-read'), true);
    assert.equal(objectAclGrants('s3:PutObjectAcl', 'public-read'), false);
    assert.equal(objectAclGrants('s3:GetObject', 'private'), false);
  });

  it('lets a user act on its account\'s bucket only as its policies say, and another account only with a grant', () => {
    const bucket = { name: 'data', owner: '111111111111', acl: 'private' as const };
    const reader: Principal = {
      ...alice,
      policies: [parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] }), 'identity')],
    };
    const get = { action: 's3:GetObject', resource: 'arn:aws:s3:::data/k', bucket, context: {} };
    assert.equal(decide({ ...get, principal: reader }).effect, 'allow');
    assert.equal(decide({ ...get, principal: alice }).effect, 'deny');
    const partnerAdmin: Principal = { ...alice, accountId: '222222222222', accountKind: 'partner', userArn: 'arn:aws:iam::222222222222:user/admin', admin: true };
    assert.equal(decide({ ...get, principal: partnerAdmin }).effect, 'deny');
    const granted = { ...bucket, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] }) };
    assert.equal(decide({ ...get, bucket: granted, principal: partnerAdmin }).effect, 'allow');
    assert.equal(decide({ ...get, action: 's3:PutObject', bucket: granted, principal: partnerAdmin }).effect, 'deny');
  });
});
