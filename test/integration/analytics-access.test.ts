/**
 * Who may query what: a query reads only objects its caller may GET (and list, for a glob),
 * writes only where it may PUT, across accounts only through a bucket policy grant. Accounts
 * are onboarded through the admin API; queries are signed with each user's own key, or sent
 * with a bearer token.
 */
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminClient, AnalyticsClient } from '../../src/client/index.js';
import { analyticsClient, refused, rows } from './analytics-harness.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

describe('analytics: permissions', () => {
  let s: TestServer;
  const creds: Record<string, Creds> = {};
  const s3 = (who: string) => new S3Client({ endpoint: s.url, region: REGION, forcePathStyle: true, credentials: creds[who] as Creds, maxAttempts: 1 });
  const query = (who: string) => analyticsClient(s, creds[who]);
  const B1 = `an-c1-${Date.now()}`;
  const B2 = `an-c2-${Date.now()}`;

  async function newKey(by: AdminClient, account: string, user: string): Promise<Creds> {
    const k = await by.request<Creds>('POST', ['accounts', account, 'users', user, 'access-keys'], { json: {} });
    return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
  }

  before(async () => {
    s = await startTestServer();
    const operator = new AdminClient({ endpoint: s.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    await operator.request('POST', 'partners', { json: { name: 'an-telco', regions: ['eu-fra'] } });
    await operator.request('POST', ['accounts', 'an-telco', 'users'], { json: { name: 'admin', admin: true } });
    const partner = new AdminClient({ endpoint: s.url, ...(await newKey(operator, 'an-telco', 'admin')) });
    for (const c of ['c1', 'c2']) {
      await partner.request('POST', 'customers', { json: { name: `an-${c}`, regions: ['eu-fra'] } });
      await partner.request('POST', ['accounts', `an-${c}`, 'users'], { json: { name: 'admin', admin: true } });
      creds[c] = await newKey(partner, `an-${c}`, 'admin');
    }
    const c1admin = new AdminClient({ endpoint: s.url, ...(creds['c1'] as Creds) });
    // A reader of c1 who may GET objects but not list the bucket.
    await c1admin.request('POST', ['accounts', 'an-c1', 'users'], { json: { name: 'getter' } });
    await c1admin.request('PUT', ['accounts', 'an-c1', 'users', 'getter', 'policies', 'get-only'], {
      json: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${B1}/*` }] },
    });
    creds['getter'] = await newKey(c1admin, 'an-c1', 'getter');
    await s3('c1').send(new CreateBucketCommand({ Bucket: B1 }));
    await s3('c1').send(new PutObjectCommand({ Bucket: B1, Key: 'data/secret.csv', Body: 'id,secret\n1,c1-only\n' }));
    await s3('c2').send(new CreateBucketCommand({ Bucket: B2 }));
    await s3('c2').send(new PutObjectCommand({ Bucket: B2, Key: 'mine.csv', Body: 'id,v\n1,c2\n' }));
  });
  after(async () => {
    await s.stop();
  });

  it("lets an account query its own objects, and no other account's", async () => {
    assert.deepEqual(await rows(query('c1'), `SELECT secret FROM 's3://${B1}/data/secret.csv'`), [{ secret: 'c1-only' }]);
    for (const sql of [`SELECT * FROM 's3://${B1}/data/secret.csv'`, `SELECT * FROM read_csv('s3://${B1}/data/*.csv')`, `SELECT * FROM 's3://${B2}/mine.csv' JOIN 's3://${B1}/data/secret.csv' USING (id)`]) {
      const e = await refused(query('c2').query({ sql }));
      assert.equal(e.code, 'AccessDenied', sql);
      assert.equal(e.status, 403);
      assert.doesNotMatch(e.message, /c1-only/);
    }
    // Nor may it write a result into another account's bucket.
    const w = await refused(query('c2').query({ sql: `SELECT * FROM 's3://${B2}/mine.csv'`, format: 'csv', output: { bucket: B1, key: 'planted.csv' } }));
    assert.equal(w.code, 'AccessDenied');
  });

  it('needs s3:ListBucket for a glob and s3:GetObject for each object', async () => {
    assert.deepEqual(await rows(query('getter'), `SELECT secret FROM 's3://${B1}/data/secret.csv'`), [{ secret: 'c1-only' }]);
    assert.equal((await refused(query('getter').query({ sql: `SELECT * FROM read_csv('s3://${B1}/data/*.csv')` }))).code, 'AccessDenied');
    assert.equal((await refused(query('getter').query({ sql: `SELECT * FROM 's3://${B1}/data/secret.csv'`, format: 'csv', output: { bucket: B1, key: 'out.csv' } }))).code, 'AccessDenied');
  });

  it('lets another account query what a bucket policy grants it', async () => {
    const c2account = (await new AdminClient({ endpoint: s.url, ...(creds['c2'] as Creds) }).whoami()).account?.id ?? '';
    await s3('c1').send(new PutBucketPolicyCommand({
      Bucket: B1,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${c2account}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B1}/data/*` },
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${c2account}:root` }, Action: 's3:ListBucket', Resource: `arn:aws:s3:::${B1}` },
        ],
      }),
    }));
    assert.deepEqual(await rows(query('c2'), `SELECT m.v, s.secret FROM 's3://${B2}/mine.csv' m JOIN read_csv('s3://${B1}/data/*.csv') s USING (id)`), [{ v: 'c2', secret: 'c1-only' }]);
  });

  it('keeps each account to its own query ids', async () => {
    const r = await query('c1').query({ sql: 'SELECT 42 AS answer', id: 'c1-query-0001' });
    if (r.kind === 'stream') for await (const _ of r.body) void _;
    assert.equal((await query('c1').status('c1-query-0001')).state, 'succeeded');
    assert.equal((await refused(query('c2').status('c1-query-0001'))).code, 'NoSuchQuery');
    assert.equal((await refused(query('c2').cancel('c1-query-0001'))).code, 'NoSuchQuery');
  });

  it('accepts a bearer token and refuses unsigned or badly signed queries', async () => {
    const c1admin = new AdminClient({ endpoint: s.url, ...(creds['c1'] as Creds) });
    const { token } = await c1admin.request<{ token: string }>('POST', 'tokens', { json: { ttlSeconds: 600 } });
    const viaToken = new AnalyticsClient({ endpoint: s.url, token });
    assert.deepEqual(await rows(viaToken, `SELECT count(*) AS n FROM 's3://${B1}/data/secret.csv'`), [{ n: 1 }]);
    assert.equal((await refused(new AnalyticsClient({ endpoint: s.url, token: 'not-a-token' }).query({ sql: 'SELECT 1' }))).code, 'AccessDenied');
    const wrongSecret = new AnalyticsClient({ endpoint: s.url, accessKeyId: (creds['c1'] as Creds).accessKeyId, secretAccessKey: 'wrong', region: REGION });
    assert.equal((await refused(wrongSecret.query({ sql: 'SELECT 1' }))).code, 'SignatureDoesNotMatch');
    const anonymous = await fetch(`${s.url}/analytics/v1/query`, { method: 'POST', body: JSON.stringify({ sql: 'SELECT 1' }) });
    assert.equal(anonymous.status, 403);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'AccessDenied');
  });
});
