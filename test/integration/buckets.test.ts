/**
 * Bucket-level S3 operations through the real AWS SDK against a real in-process
 * Sovra server: create/head/list/location/delete, name validation, virtual-host
 * addressing, and the "not configured" answers of sub-resources Sovra does not
 * implement yet.
 *
 * Expected behaviour follows the Amazon S3 API reference (CreateBucket,
 * HeadBucket, ListBuckets, GetBucketLocation, DeleteBucket, GetBucketAcl, ...).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  S3Client,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { ACCESS_KEY, REGION, SECRET_KEY, bodyText, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';

interface RawExchange {
  request?: { method: string; hostname: string; path: string; headers: Record<string, string> };
  response?: { statusCode: number; headers: Record<string, string> };
}

/** Records the raw HTTP request and response of every call made with `client` (latest wins). */
function recordTraffic(client: S3Client): RawExchange {
  const last: RawExchange = {};
  client.middlewareStack.add(
    (next) => async (args) => {
      last.request = args.request as RawExchange['request'];
      const out = await next(args);
      last.response = out.response as RawExchange['response'];
      return out;
    },
    // Innermost deserialize middleware: sees the raw response before the SDK parses it.
    { step: 'deserialize', name: 'recordRawTraffic', priority: 'low' },
  );
  return last;
}

/**
 * `<bucket>.localhost` does not resolve on every Linux (glibc without
 * nss-myhostname), so the virtual-host client resolves every name to loopback
 * itself. The Host header (and so the signature) still carries `<bucket>.localhost`.
 */
const loopbackLookup = ((_hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...a: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
  if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}) as LookupFunction;

describe('buckets', () => {
  let server: TestServer;
  let s3: S3Client;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
  });

  after(async () => {
    await server?.stop();
  });

  describe('CreateBucket', () => {
    it('creates a bucket without a LocationConstraint in the server region', async () => {
      const bucket = uniqueBucket('create');
      const out = await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      // AWS answers with a Location header naming the bucket (`/<bucket>` or a URL to it).
      assert.ok(out.Location?.includes(bucket), `Location header should name the bucket, got ${out.Location}`);
      const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.$metadata.httpStatusCode, 200);
      assert.equal(head.BucketRegion, REGION);
      const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      assert.equal(loc.LocationConstraint, REGION);
    });

    it("creates a bucket with LocationConstraint 'eu-fra'", async () => {
      const bucket = uniqueBucket('create-loc');
      const out = await s3.send(
        new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-fra' as BucketLocationConstraint } }),
      );
      assert.equal(out.$metadata.httpStatusCode, 200);
      const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      assert.equal(loc.LocationConstraint, 'eu-fra');
      const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.BucketRegion, 'eu-fra');
    });

    it('rejects an unknown LocationConstraint with 400 InvalidLocationConstraint and creates nothing', async () => {
      const bucket = uniqueBucket('create-badloc');
      const err = await errorStatus(
        s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'mars-north-1' as BucketLocationConstraint } })),
      );
      assert.deepEqual(err, { code: 'InvalidLocationConstraint', status: 400 });
      assert.deepEqual(await errorStatus(s3.send(new HeadBucketCommand({ Bucket: bucket }))), { code: 'NotFound', status: 404 });
    });

    const invalidNames: Array<[string, string]> = [
      ['too short (2 chars)', 'ab'],
      ['too long (64 chars)', 'a'.repeat(64)],
      ['uppercase letters', 'MyBucket-sovra'],
      ['underscores', 'my_bucket_sovra'],
      ['formatted like an IP address', '192.168.5.4'],
      ['two adjacent periods', 'my..bucket'],
      ['starting with a hyphen', '-leading-hyphen'],
      ['ending with a hyphen', 'trailing-hyphen-'],
      ["the reserved prefix 'xn--'", 'xn--sovra-bucket'],
      ["the reserved suffix '-s3alias'", 'sovra-bucket-s3alias'],
      // Path-style /admin/v1/... and /analytics/v1/... are Sovra's own APIs on the S3 endpoint.
      ['the name of the admin API', 'admin'],
      ['the name of the analytics API', 'analytics'],
    ];
    for (const [why, name] of invalidNames) {
      it(`rejects a name with ${why} (${JSON.stringify(name)}) with 400 InvalidBucketName`, async () => {
        const err = await errorStatus(s3.send(new CreateBucketCommand({ Bucket: name })));
        assert.deepEqual(err, { code: 'InvalidBucketName', status: 400 });
      });
    }

    it('accepts names at the edges of the rules (3 and 63 chars, digits, dots, hyphens)', async () => {
      const names = [
        ('a' + Math.random().toString(36).slice(2) + 'zz').slice(0, 3),
        ('edge-' + Math.random().toString(36).slice(2) + 'x'.repeat(63)).slice(0, 63),
        `1.sovra-${Math.random().toString(36).slice(2, 8)}.9`,
      ];
      for (const name of names) {
        const out = await s3.send(new CreateBucketCommand({ Bucket: name }));
        assert.equal(out.$metadata.httpStatusCode, 200, name);
        assert.equal((await s3.send(new HeadBucketCommand({ Bucket: name }))).$metadata.httpStatusCode, 200, name);
        await s3.send(new DeleteBucketCommand({ Bucket: name }));
      }
    });

    it('rejects creating the same bucket twice with 409 BucketAlreadyOwnedByYou', async () => {
      const bucket = uniqueBucket('twice');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'keep', Body: 'still here' }));
      const err = await errorStatus(s3.send(new CreateBucketCommand({ Bucket: bucket })));
      assert.deepEqual(err, { code: 'BucketAlreadyOwnedByYou', status: 409 });
      // The existing bucket and its contents are untouched.
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'keep' }));
      assert.equal(await bodyText(obj.Body), 'still here');
    });
  });

  describe('HeadBucket', () => {
    it('answers 200 with the x-amz-bucket-region header for an existing bucket', async () => {
      const bucket = uniqueBucket('head');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const spy = server.makeClient();
      const traffic = recordTraffic(spy);
      try {
        const out = await spy.send(new HeadBucketCommand({ Bucket: bucket }));
        assert.equal(out.$metadata.httpStatusCode, 200);
        assert.equal(out.BucketRegion, REGION);
        assert.equal(traffic.response?.statusCode, 200);
        assert.equal(traffic.response?.headers['x-amz-bucket-region'], REGION);
      } finally {
        spy.destroy();
      }
    });

    it('answers 404 NotFound for a missing bucket', async () => {
      const err = await errorStatus(s3.send(new HeadBucketCommand({ Bucket: uniqueBucket('nohead') })));
      assert.deepEqual(err, { code: 'NotFound', status: 404 });
    });
  });

  describe('ListBuckets', () => {
    it('lists created buckets, sorted by name, with creation dates and the owner', async () => {
      const stem = uniqueBucket('lb');
      const names = [`${stem}-c`, `${stem}-a`, `${stem}-b`];
      const before = Date.now();
      for (const name of names) await s3.send(new CreateBucketCommand({ Bucket: name }));
      const out = await s3.send(new ListBucketsCommand({}));
      assert.equal(out.$metadata.httpStatusCode, 200);
      const listed = (out.Buckets ?? []).map((b) => b.Name ?? '');
      for (const name of names) assert.ok(listed.includes(name), `${name} missing from ListBuckets`);
      const sorted = [...listed].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(listed, sorted, 'ListBuckets must be sorted by name');
      const ours = listed.filter((n) => n.startsWith(stem));
      assert.deepEqual(ours, [`${stem}-a`, `${stem}-b`, `${stem}-c`]);
      for (const b of out.Buckets ?? []) {
        if (!names.includes(b.Name ?? '')) continue;
        assert.ok(b.CreationDate instanceof Date, 'CreationDate is a date');
        // Second precision on the wire; allow a little clock slack.
        assert.ok(b.CreationDate.getTime() >= before - 2000 && b.CreationDate.getTime() <= Date.now() + 2000, `CreationDate ${b.CreationDate.toISOString()} is not now`);
      }
      assert.ok(out.Owner?.ID, 'Owner.ID is present');
    });

    it('no longer lists a deleted bucket', async () => {
      const bucket = uniqueBucket('lbdel');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      const out = await s3.send(new ListBucketsCommand({}));
      assert.ok(!(out.Buckets ?? []).some((b) => b.Name === bucket));
    });
  });

  describe('GetBucketLocation', () => {
    it('returns the region of the bucket', async () => {
      const bucket = uniqueBucket('loc');
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION as BucketLocationConstraint } }));
      const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.LocationConstraint, REGION);
    });

    it('answers 404 NoSuchBucket for a missing bucket', async () => {
      const err = await errorStatus(s3.send(new GetBucketLocationCommand({ Bucket: uniqueBucket('noloc') })));
      assert.deepEqual(err, { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('DeleteBucket', () => {
    it('refuses a non-empty bucket with 409 BucketNotEmpty and keeps its contents', async () => {
      const bucket = uniqueBucket('delfull');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'x/y', Body: 'data' }));
      const err = await errorStatus(s3.send(new DeleteBucketCommand({ Bucket: bucket })));
      assert.deepEqual(err, { code: 'BucketNotEmpty', status: 409 });
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'x/y' }));
      assert.equal(await bodyText(obj.Body), 'data');
    });

    it('answers 404 NoSuchBucket for a missing bucket', async () => {
      const err = await errorStatus(s3.send(new DeleteBucketCommand({ Bucket: uniqueBucket('delmissing') })));
      assert.deepEqual(err, { code: 'NoSuchBucket', status: 404 });
    });

    it('deletes an empty bucket (204), after which it is gone and its name reusable', async () => {
      const bucket = uniqueBucket('delempty');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tmp', Body: 'x' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'tmp' }));
      const out = await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      assert.deepEqual(await errorStatus(s3.send(new HeadBucketCommand({ Bucket: bucket }))), { code: 'NotFound', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: bucket }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }))), { code: 'NoSuchBucket', status: 404 });
      // Re-creating the name gives a fresh, empty bucket.
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.equal(list.KeyCount, 0);
      assert.equal(list.Contents, undefined);
    });
  });

  describe('virtual-host-style addressing', () => {
    let vhost: S3Client;
    let traffic: RawExchange;

    before(() => {
      vhost = new S3Client({
        endpoint: `http://localhost:${server.app.port}`,
        region: REGION,
        forcePathStyle: false,
        credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
        maxAttempts: 1,
        requestHandler: { httpAgent: new http.Agent({ keepAlive: true, lookup: loopbackLookup }) },
      });
      traffic = recordTraffic(vhost);
    });

    after(() => {
      vhost?.destroy();
    });

    it('creates, writes, reads, lists and deletes through <bucket>.localhost', async () => {
      const bucket = uniqueBucket('vhost');
      await vhost.send(new CreateBucketCommand({ Bucket: bucket }));
      assert.equal(traffic.request?.hostname, `${bucket}.localhost`, 'the SDK really used virtual-host style');
      assert.equal(traffic.request?.path, '/');

      const key = 'dir/some file+ü.txt';
      await vhost.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'hello vhost', ContentType: 'text/plain' }));
      assert.equal(traffic.request?.hostname, `${bucket}.localhost`);
      assert.ok(!traffic.request?.path.startsWith(`/${bucket}`), `path must not carry the bucket, got ${traffic.request?.path}`);

      const got = await vhost.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'hello vhost');
      assert.equal(got.ContentType, 'text/plain');

      // The same object is visible path-style: both addressing styles name one bucket.
      const viaPath = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(viaPath.Body), 'hello vhost');

      const head = await vhost.send(new HeadBucketCommand({ Bucket: bucket }));
      assert.equal(head.$metadata.httpStatusCode, 200);
      const list = await vhost.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual((list.Contents ?? []).map((c) => c.Key), [key]);
      assert.equal(list.Name, bucket);

      const headObj = await vhost.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(headObj.ContentLength, 'hello vhost'.length);

      await vhost.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      await vhost.send(new DeleteBucketCommand({ Bucket: bucket }));
      assert.deepEqual(await errorStatus(s3.send(new HeadBucketCommand({ Bucket: bucket }))), { code: 'NotFound', status: 404 });
    });

    it('serves ListBuckets on the bare base domain', async () => {
      const bucket = uniqueBucket('vhostlb');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const out = await vhost.send(new ListBucketsCommand({}));
      assert.equal(traffic.request?.hostname, 'localhost');
      assert.ok((out.Buckets ?? []).some((b) => b.Name === bucket));
    });

    it('answers NoSuchBucket for a virtual-host request to a missing bucket', async () => {
      const err = await errorStatus(vhost.send(new GetObjectCommand({ Bucket: uniqueBucket('vhostmissing'), Key: 'k' })));
      assert.deepEqual(err, { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('GetBucketAcl', () => {
    it('returns the owner with a single FULL_CONTROL grant to the owner', async () => {
      const bucket = uniqueBucket('acl');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const out = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      const ownerId = out.Owner?.ID;
      assert.ok(ownerId, 'Owner.ID is present');
      assert.equal(out.Grants?.length, 1);
      const grant = out.Grants?.[0];
      assert.equal(grant?.Permission, 'FULL_CONTROL');
      assert.equal(grant?.Grantee?.Type, 'CanonicalUser');
      assert.equal(grant?.Grantee?.ID, ownerId);
      // Same owner as ListBuckets reports.
      const lb = await s3.send(new ListBucketsCommand({}));
      assert.equal(lb.Owner?.ID, ownerId);
    });

    it('answers 404 NoSuchBucket for a missing bucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetBucketAclCommand({ Bucket: uniqueBucket('noacl') }))), { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('unconfigured bucket sub-resources', () => {
    let bucket: string;
    before(async () => {
      bucket = uniqueBucket('subres');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it('GetBucketPolicy → 404 NoSuchBucketPolicy', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))), { code: 'NoSuchBucketPolicy', status: 404 });
    });

    it('GetBucketLifecycleConfiguration → 404 NoSuchLifecycleConfiguration', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))), {
        code: 'NoSuchLifecycleConfiguration',
        status: 404,
      });
    });

    it('GetBucketEncryption → 404 ServerSideEncryptionConfigurationNotFoundError', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }))), {
        code: 'ServerSideEncryptionConfigurationNotFoundError',
        status: 404,
      });
    });

    it('PutBucketLifecycleConfiguration → 501 NotImplemented', async () => {
      const err = await errorStatus(
        s3.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            LifecycleConfiguration: { Rules: [{ ID: 'expire', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }] },
          }),
        ),
      );
      assert.deepEqual(err, { code: 'NotImplemented', status: 501 });
      // And nothing was stored.
      assert.deepEqual(await errorStatus(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))), {
        code: 'NoSuchLifecycleConfiguration',
        status: 404,
      });
    });

    it('the same reads on a missing bucket answer 404 NoSuchBucket', async () => {
      const missing = uniqueBucket('subresmissing');
      assert.deepEqual(await errorStatus(s3.send(new GetBucketPolicyCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new GetBucketEncryptionCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
    });
  });
});
