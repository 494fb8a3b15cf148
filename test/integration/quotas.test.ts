/**
 * Customer quotas on the S3 API (buckets, bytes stored, requests per second) and the
 * account's placement terms (licensed regions, default residency), set by the partner
 * through the admin API and enforced with S3's errors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
  S3Client, UploadPartCommand, AbortMultipartUploadCommand, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { AdminApiError, AdminClient } from '../../src/client/index.js';
import { DEPLOYMENT, ACCESS_KEY, REGION, SECRET_KEY, failure, startTestServer, type TestServer } from './harness.js';

/** The per-region test deployment has only eu-fra; the embedded one the whole demo topology. */
const PARTNER_REGIONS = DEPLOYMENT === 'per-region' ? ['eu-fra'] : ['eu-fra', 'eu-lon'];

describe('customer quotas and placement terms', () => {
  let server: TestServer;
  let partner: AdminClient;
  let customer: S3Client;
  let customerAdmin: AdminClient;
  const suffix = Date.now().toString(36);

  before(async () => {
    server = await startTestServer();
    const operator = new AdminClient({ endpoint: server.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    await operator.request('POST', 'partners', {
      json: { name: 'quota-telco', regions: PARTNER_REGIONS, brand: { displayName: 'Quota Telco Cloud', supportContact: 'help@quota.example' } },
    });
    await operator.request('POST', ['accounts', 'quota-telco', 'users'], { json: { name: 'admin', admin: true } });
    const pk = await operator.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', 'quota-telco', 'users', 'admin', 'access-keys'], { json: {} });
    partner = new AdminClient({ endpoint: server.url, accessKeyId: pk.accessKeyId, secretAccessKey: pk.secretAccessKey });
    await partner.request('POST', 'customers', {
      json: { name: 'small-co', regions: ['eu-fra'], quotas: { maxBuckets: 1, maxBytes: 1000, maxRequestsPerSecond: null }, defaultResidency: ['EU'] },
    });
    await partner.request('POST', ['accounts', 'small-co', 'users'], { json: { name: 'admin', admin: true } });
    const ck = await partner.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', 'small-co', 'users', 'admin', 'access-keys'], { json: {} });
    customer = new S3Client({ endpoint: server.url, region: REGION, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: ck.accessKeyId, secretAccessKey: ck.secretAccessKey } });
    customerAdmin = new AdminClient({ endpoint: server.url, accessKeyId: ck.accessKeyId, secretAccessKey: ck.secretAccessKey });
  });

  after(async () => {
    customer?.destroy();
    await server?.stop();
  });

  it('places buckets only in the customer\'s regions, with its default residency', async () => {
    const refused = await failure(customer.send(new CreateBucketCommand({ Bucket: `far-${suffix}`, CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } })));
    assert.deepEqual([refused.code, refused.status], ['AccessDenied', 403]);
    await customer.send(new CreateBucketCommand({ Bucket: `data-${suffix}` }));
    const view = await customerAdmin.request<{ region: string; zones: string[] }>('GET', ['buckets', `data-${suffix}`, 'residency']);
    assert.equal(view.region, 'eu-fra');
    assert.deepEqual(view.zones, ['EU']);
  });

  it('refuses a bucket over the bucket quota with QuotaExceeded', async () => {
    const refused = await customer.send(new CreateBucketCommand({ Bucket: `second-${suffix}` })).then(() => undefined, (e: Error & { Code?: string; $metadata?: { httpStatusCode?: number } }) => e);
    assert.deepEqual([refused?.Code, refused?.$metadata?.httpStatusCode], ['QuotaExceeded', 403]);
    // The customer sees its partner's brand, not Sovra's, in what to do next.
    assert.match(refused?.message ?? '', /ask Quota Telco Cloud \(help@quota\.example\) to raise the quota/);
  });

  it('refuses bytes over the storage quota, stores nothing of the refused write, and frees space on delete', async () => {
    const Bucket = `data-${suffix}`;
    await customer.send(new PutObjectCommand({ Bucket, Key: 'a', Body: Buffer.alloc(600) }));
    const r = await failure(customer.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(600) })));
    assert.deepEqual([r.code, r.status], ['QuotaExceeded', 403]);
    assert.equal((await failure(customer.send(new HeadObjectCommand({ Bucket, Key: 'b' })))).status, 404);
    // Parts of an upload in progress count too.
    const up = await customer.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp' }));
    await customer.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, Body: Buffer.alloc(300) }));
    const over = await failure(customer.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId: up.UploadId, PartNumber: 2, Body: Buffer.alloc(300) })));
    assert.equal(over.code, 'QuotaExceeded');
    await customer.send(new AbortMultipartUploadCommand({ Bucket, Key: 'mp', UploadId: up.UploadId }));
    await customer.send(new DeleteObjectCommand({ Bucket, Key: 'a' }));
    await customer.send(new PutObjectCommand({ Bucket, Key: 'b', Body: Buffer.alloc(900) }));
  });

  it('the customer cannot raise its own quota; its partner can, and it takes effect', async () => {
    const denied: unknown = await customerAdmin.request('PATCH', ['customers', 'small-co'], { json: { quotas: { maxBuckets: 5 } } }).then(() => 'accepted', (e: unknown) => e);
    assert.ok(denied instanceof AdminApiError && denied.code === 'AccessDenied', String(denied));
    await partner.request('PATCH', ['customers', 'small-co'], { json: { quotas: { maxBuckets: 2 } } });
    await new Promise((r) => setTimeout(r, 1100)); // account terms are cached for a second
    await customer.send(new CreateBucketCommand({ Bucket: `second-${suffix}` }));
  });

  it('slows down requests over the rate quota with 503 SlowDown, then lets them through again', async () => {
    await partner.request('PATCH', ['customers', 'small-co'], { json: { quotas: { maxRequestsPerSecond: 5 } } });
    await new Promise((r) => setTimeout(r, 1100));
    const results = await Promise.all(
      Array.from({ length: 30 }, () => failure(customer.send(new ListObjectsV2Command({ Bucket: `data-${suffix}` }))).then(
        (f) => `${f.code} ${f.status} retry-after=${f.headers['retry-after']}`,
        () => 'ok',
      )),
    );
    const slowed = results.filter((r) => r === 'SlowDown 503 retry-after=1').length;
    assert.ok(slowed >= 20, `expected most of 30 instant requests to be slowed down at 5/s, got ${JSON.stringify(results)}`);
    assert.ok(results.every((r) => r === 'ok' || r === 'SlowDown 503 retry-after=1'), JSON.stringify(results));
    await new Promise((r) => setTimeout(r, 1100));
    await customer.send(new ListObjectsV2Command({ Bucket: `data-${suffix}` }));
    await partner.request('PATCH', ['customers', 'small-co'], { json: { quotas: { maxRequestsPerSecond: null } } });
  });
});
