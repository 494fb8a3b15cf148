/**
 * The access matrix of issue 4: principals (operator, two partners, a customer of each,
 * users with and without policies, anonymous) × actions (S3 reads, writes, lists, copy,
 * multipart, presigned URLs, admin calls). Exactly the allowed cells succeed; every other
 * gets AccessDenied. Accounts are onboarded through the admin API, as an operator would.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand,
  HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectAclCommand,
  PutObjectCommand, S3Client, type S3ClientConfig, UploadPartCommand, ListPartsCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand,
  GetBucketAclCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AdminApiError, AdminClient } from '../../src/client/index.js';
import { DEPLOYMENT, ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

/** The per-region test deployment has only eu-fra; the embedded one the whole demo topology. */
const PARTNER_REGIONS = DEPLOYMENT === 'per-region' ? ['eu-fra'] : ['eu-fra', 'eu-lon'];

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}
interface Who {
  name: string;
  creds?: Creds;
}

/** 'ok', or the error code the call failed with. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AdminApiError) return e.code;
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    // HEAD answers carry no body: the SDK only knows the status.
    if (err.Code === undefined && err.$metadata?.httpStatusCode === 403) return 'AccessDenied';
    return err.Code ?? err.name ?? 'Unknown';
  }
}

describe('access matrix: who may do what', () => {
  let server: TestServer;
  let operator: AdminClient;
  const who: Record<string, Who> = {};
  const clients = new Map<string, S3Client>();
  const admins = new Map<string, AdminClient>();
  const bucketOf = { c1: '', c2: '' };
  let c1Upload = '';

  function s3(name: string): S3Client {
    let c = clients.get(name);
    if (!c) {
      const creds = who[name]?.creds;
      const cfg: S3ClientConfig = { endpoint: server.url, region: REGION, forcePathStyle: true, maxAttempts: 1 };
      // Anonymous: the SDK sends unsigned requests when given empty credentials and no signer.
      c = creds
        ? new S3Client({ ...cfg, credentials: creds })
        : new S3Client({ ...cfg, credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (r) => r } });
      clients.set(name, c);
    }
    return c;
  }
  function admin(name: string): AdminClient {
    let a = admins.get(name);
    if (!a) {
      const creds = who[name]?.creds;
      if (!creds) throw new Error(`${name} has no credentials`);
      a = new AdminClient({ endpoint: server.url, ...creds });
      admins.set(name, a);
    }
    return a;
  }

  async function newKey(by: AdminClient, account: string, user: string): Promise<Creds> {
    const k = await by.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', account, 'users', user, 'access-keys'], { json: {} });
    return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
  }

  before(async () => {
    server = await startTestServer();
    operator = new AdminClient({ endpoint: server.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    who['operator'] = { name: 'operator', creds: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } };
    who['anonymous'] = { name: 'anonymous' };
    // The operator onboards two partners and their first administrators.
    for (const p of ['p1', 'p2']) {
      await operator.request('POST', 'partners', { json: { name: `${p}-telco`, displayName: `${p} Telco`, regions: PARTNER_REGIONS } });
      await operator.request('POST', ['accounts', `${p}-telco`, 'users'], { json: { name: 'admin', admin: true } });
      who[p] = { name: p, creds: await newKey(operator, `${p}-telco`, 'admin') };
    }
    // Each partner onboards a customer and its first administrator.
    for (const [c, p] of [['c1', 'p1'], ['c2', 'p2']] as const) {
      await admin(p).request('POST', 'customers', { json: { name: `${c}-corp`, regions: ['eu-fra'] } });
      await admin(p).request('POST', ['accounts', `${c}-corp`, 'users'], { json: { name: 'admin', admin: true } });
      who[c] = { name: c, creds: await newKey(admin(p), `${c}-corp`, 'admin') };
    }
    // c1's administrator creates a reader (read-only on its bucket) and a user with no policy.
    bucketOf.c1 = `c1-data-${Date.now()}`;
    bucketOf.c2 = `c2-data-${Date.now()}`;
    await admin('c1').request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'reader' } });
    await admin('c1').request('PUT', ['accounts', 'c1-corp', 'users', 'reader', 'policies', 'read-data'], {
      json: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${bucketOf.c1}` },
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucketOf.c1}/*` },
        ],
      },
    });
    who['reader'] = { name: 'reader', creds: await newKey(admin('c1'), 'c1-corp', 'reader') };
    await admin('c1').request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'nobody' } });
    who['nobody'] = { name: 'nobody', creds: await newKey(admin('c1'), 'c1-corp', 'nobody') };

    await s3('c1').send(new CreateBucketCommand({ Bucket: bucketOf.c1 }));
    await s3('c1').send(new PutObjectCommand({ Bucket: bucketOf.c1, Key: 'doc.txt', Body: 'c1 secret' }));
    c1Upload = (await s3('c1').send(new CreateMultipartUploadCommand({ Bucket: bucketOf.c1, Key: 'big.bin' }))).UploadId ?? '';
    await s3('c2').send(new CreateBucketCommand({ Bucket: bucketOf.c2 }));
    await s3('c2').send(new PutObjectCommand({ Bucket: bucketOf.c2, Key: 'doc.txt', Body: 'c2 secret' }));
  });

  after(async () => {
    for (const c of clients.values()) c.destroy();
    await server?.stop();
  });

  const PRINCIPALS = ['operator', 'p1', 'p2', 'c1', 'reader', 'nobody', 'c2', 'anonymous'] as const;
  type P = (typeof PRINCIPALS)[number];

  /** Actions on c1's bucket, with who may do them. */
  const S3_ACTIONS: { action: string; allowed: readonly P[]; run(c: S3Client, b: string, i: number): Promise<unknown> }[] = [
    { action: 'HeadBucket', allowed: ['c1', 'reader'], run: (c, b) => c.send(new HeadBucketCommand({ Bucket: b })) },
    { action: 'ListObjectsV2', allowed: ['c1', 'reader'], run: (c, b) => c.send(new ListObjectsV2Command({ Bucket: b })) },
    { action: 'GetObject', allowed: ['c1', 'reader'], run: (c, b) => c.send(new GetObjectCommand({ Bucket: b, Key: 'doc.txt' })).then((r) => r.Body?.transformToString()) },
    { action: 'HeadObject', allowed: ['c1', 'reader'], run: (c, b) => c.send(new HeadObjectCommand({ Bucket: b, Key: 'doc.txt' })) },
    { action: 'PutObject', allowed: ['c1'], run: (c, b, i) => c.send(new PutObjectCommand({ Bucket: b, Key: `new-${i}.txt`, Body: 'x' })) },
    { action: 'DeleteObject', allowed: ['c1'], run: (c, b, i) => c.send(new DeleteObjectCommand({ Bucket: b, Key: `gone-${i}.txt` })) },
    {
      action: 'DeleteObjects',
      allowed: ['c1'],
      run: async (c, b, i) => {
        const r = await c.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: `gone-${i}.txt` }] } }));
        if (r.Errors?.length) throw Object.assign(new Error(r.Errors[0]?.Message), { Code: r.Errors[0]?.Code });
      },
    },
    { action: 'CreateMultipartUpload', allowed: ['c1'], run: (c, b, i) => c.send(new CreateMultipartUploadCommand({ Bucket: b, Key: `mp-${i}` })) },
    { action: 'UploadPart into its upload', allowed: ['c1'], run: (c, b, i) => c.send(new UploadPartCommand({ Bucket: b, Key: 'big.bin', UploadId: c1Upload, PartNumber: i + 1, Body: 'part' })) },
    { action: 'ListParts of its upload', allowed: ['c1'], run: (c, b) => c.send(new ListPartsCommand({ Bucket: b, Key: 'big.bin', UploadId: c1Upload })) },
    { action: 'ListMultipartUploads', allowed: ['c1'], run: (c, b) => c.send(new ListMultipartUploadsCommand({ Bucket: b })) },
    { action: 'ListObjectVersions', allowed: ['c1'], run: (c, b) => c.send(new ListObjectVersionsCommand({ Bucket: b })) },
    { action: 'GetBucketAcl', allowed: ['c1'], run: (c, b) => c.send(new GetBucketAclCommand({ Bucket: b })) },
    {
      action: 'CopyObject into it',
      allowed: ['c1'],
      run: (c, b, i) => c.send(new CopyObjectCommand({ Bucket: b, Key: `copy-${i}.txt`, CopySource: `${b}/doc.txt` })),
    },
  ];

  for (const a of S3_ACTIONS) {
    it(`S3 ${a.action} on a customer's bucket: only ${a.allowed.join(', ')}`, async () => {
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const [i, p] of PRINCIPALS.entries()) {
        got[p] = await outcome(a.run(s3(p), bucketOf.c1, i));
        want[p] = a.allowed.includes(p) ? 'ok' : 'AccessDenied';
      }
      assert.deepEqual(got, want);
    });
  }

  it('ListBuckets shows each account only its own buckets; anonymous is refused', async () => {
    const names = async (p: P) => ((await s3(p).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    assert.deepEqual(await names('c1'), [bucketOf.c1]);
    assert.deepEqual(await names('c2'), [bucketOf.c2]);
    // Listing all buckets is an action of its own (s3:ListAllMyBuckets) the reader was not given.
    assert.equal(await outcome(s3('reader').send(new ListBucketsCommand({}))), 'AccessDenied');
    assert.ok(!(await names('operator')).includes(bucketOf.c1));
    assert.ok(!(await names('p1')).includes(bucketOf.c1));
    assert.equal(await outcome(s3('nobody').send(new ListBucketsCommand({}))), 'AccessDenied');
    assert.equal(await outcome(s3('anonymous').send(new ListBucketsCommand({}))), 'AccessDenied');
  });

  it('copy across customers is refused in both directions, even by administrators', async () => {
    assert.equal(await outcome(s3('c1').send(new CopyObjectCommand({ Bucket: bucketOf.c1, Key: 'stolen', CopySource: `${bucketOf.c2}/doc.txt` }))), 'AccessDenied');
    assert.equal(await outcome(s3('c2').send(new CopyObjectCommand({ Bucket: bucketOf.c2, Key: 'stolen', CopySource: `${bucketOf.c1}/doc.txt` }))), 'AccessDenied');
    assert.equal(await outcome(s3('c2').send(new CopyObjectCommand({ Bucket: bucketOf.c1, Key: 'planted', CopySource: `${bucketOf.c2}/doc.txt` }))), 'AccessDenied');
  });

  it('presigned URLs carry exactly their signer\'s rights', async () => {
    const status = async (p: P) => {
      const url = await getSignedUrl(s3(p), new GetObjectCommand({ Bucket: bucketOf.c1, Key: 'doc.txt' }), { expiresIn: 60 });
      return (await fetch(url)).status;
    };
    assert.equal(await status('c1'), 200);
    assert.equal(await status('reader'), 200);
    for (const p of ['operator', 'p1', 'p2', 'nobody', 'c2'] as const) assert.equal(await status(p), 403, p);
  });

  it('admin calls: each level manages only what is below it', async () => {
    const cells: [P, string, () => Promise<unknown>, string][] = [
      ['p1', 'create a partner', () => admin('p1').request('POST', 'partners', { json: { name: 'rogue-partner', regions: ['eu-fra'] } }), 'AccessDenied'],
      ['c1', 'create a customer', () => admin('c1').request('POST', 'customers', { json: { name: 'rogue-customer' } }), 'AccessDenied'],
      ['p2', "see p1's customer", () => admin('p2').request('GET', ['customers', 'c1-corp']), 'NoSuchAccount'],
      ['p1', 'raise its customer\'s quota', () => admin('p1').request('PATCH', ['customers', 'c1-corp'], { json: { quotas: { maxBuckets: 50 } } }), 'ok'],
      ['c1', 'raise its own quota', () => admin('c1').request('PATCH', ['customers', 'c1-corp'], { json: { quotas: { maxBuckets: 500 } } }), 'AccessDenied'],
      ['c1', 'create a user', () => admin('c1').request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'carol' } }), 'ok'],
      ['p1', 'create a user in its onboarded customer', () => admin('p1').request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'mallory', admin: true } }), 'AccessDenied'],
      ['operator', 'create a user in a customer', () => operator.request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'eve', admin: true } }), 'AccessDenied'],
      ['reader', 'create a user', () => admin('reader').request('POST', ['accounts', 'c1-corp', 'users'], { json: { name: 'dave' } }), 'AccessDenied'],
      ['p1', 'place a customer in an unlicensed region', () => admin('p1').request('POST', 'customers', { json: { name: 'far-customer', regions: ['ap-bom'] } }), 'InvalidRegion'],
    ];
    const got = [];
    const want = [];
    for (const [p, what, run, expected] of cells) {
      got.push(`${p} ${what}: ${await outcome(run())}`);
      want.push(`${p} ${what}: ${expected}`);
    }
    assert.deepEqual(got, want);
    const listed = await admin('p1').request<{ items: { name: string }[] }>('GET', 'customers');
    assert.deepEqual(listed.items.map((a) => a.name), ['c1-corp']);
  });

  it('a grant in the customer\'s bucket policy lets its partner read, and the grant and each use are recorded', async () => {
    const accounts = await operator.request<{ items: { id: string; name: string }[] }>('GET', 'partners');
    const p1 = accounts.items.find((a) => a.name === 'p1-telco');
    assert.ok(p1);
    const bucket = bucketOf.c1;
    await s3('c1').send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'support', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${p1.id}:root` }, Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${bucket}/*` }],
      }),
    }));
    const body = await s3('p1').send(new GetObjectCommand({ Bucket: bucket, Key: 'doc.txt' })).then((r) => r.Body?.transformToString());
    assert.equal(body, 'c1 secret');
    // Only what was granted: no listing, no writes, and nothing for the other partner.
    assert.equal(await outcome(s3('p1').send(new ListObjectsV2Command({ Bucket: bucket }))), 'AccessDenied');
    assert.equal(await outcome(s3('p1').send(new PutObjectCommand({ Bucket: bucket, Key: 'p1.txt', Body: 'x' }))), 'AccessDenied');
    assert.equal(await outcome(s3('p2').send(new GetObjectCommand({ Bucket: bucket, Key: 'doc.txt' }))), 'AccessDenied');
    const events = await admin('c1').request<{ items: { kind: string; principalAccountId: string; bucket?: string; action?: string }[] }>('GET', ['accounts', 'c1-corp', 'access-events']);
    const mine = events.items.filter((e) => e.bucket === bucket && e.principalAccountId === p1.id);
    assert.deepEqual(mine.map((e) => `${e.kind} ${e.action ?? ''}`.trim()), ['grant', 'use s3:GetObject']);
    // The other partner cannot read c1's log.
    assert.equal(await outcome(admin('p2').request('GET', ['accounts', 'c1-corp', 'access-events'])), 'NoSuchAccount');
  });

  it('an explicit Deny in the bucket policy wins over an administrator\'s rights', async () => {
    const bucket = `c1-locked-${Date.now()}`;
    await s3('c1').send(new CreateBucketCommand({ Bucket: bucket }));
    await s3('c1').send(new PutObjectCommand({ Bucket: bucket, Key: 'frozen.txt', Body: 'x' }));
    await s3('c1').send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/*` }] }),
    }));
    assert.equal(await outcome(s3('c1').send(new DeleteObjectCommand({ Bucket: bucket, Key: 'frozen.txt' }))), 'AccessDenied');
    assert.equal(await outcome(s3('c1').send(new GetObjectCommand({ Bucket: bucket, Key: 'frozen.txt' }))), 'ok');
  });

  it('a public-read object is readable by anyone; its neighbours are not', async () => {
    const bucket = bucketOf.c1;
    await s3('c1').send(new PutObjectCommand({ Bucket: bucket, Key: 'public.txt', Body: 'hello world' }));
    await s3('c1').send(new PutObjectAclCommand({ Bucket: bucket, Key: 'public.txt', ACL: 'public-read' }));
    const res = await fetch(`${server.url}/${bucket}/public.txt`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello world');
    assert.equal((await fetch(`${server.url}/${bucket}/doc.txt`)).status, 403);
    assert.equal((await fetch(`${server.url}/${bucket}?list-type=2`)).status, 403);
  });

  it('a disabled key is refused on S3 and the admin API', async () => {
    const creds = await newKey(admin('c1'), 'c1-corp', 'nobody');
    await admin('c1').request('PATCH', ['access-keys', creds.accessKeyId], { json: { status: 'disabled' } });
    const c = new S3Client({ endpoint: server.url, region: REGION, forcePathStyle: true, maxAttempts: 1, credentials: creds });
    try {
      assert.equal(await outcome(c.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
    } finally {
      c.destroy();
    }
    assert.equal(await outcome(new AdminClient({ endpoint: server.url, ...creds }).request('GET', 'whoami')), 'InvalidAccessKeyId');
  });
});
