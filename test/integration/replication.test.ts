/**
 * Bucket replication configuration through the AWS SDK against a real single-region server
 * (Put/Get/DeleteBucketReplication, their errors, x-amz-replication-status on the source).
 * Sending replicas needs the regional router and a running replicator, which the
 * single-region server does not start; the worker is tested at engine level
 * (src/replication/replicator.test.ts).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type ReplicationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { bodyText, errorStatus, failure, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { expectS3Error, md5Base64, signedRequest } from './raw-http.js';

const ROLE = 'arn:aws:iam::123456789012:role/replication-role';

describe('bucket replication configuration', () => {
  let server: TestServer;
  let s3: S3Client;
  let source: string;
  let dest: string;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
    source = uniqueBucket('repl-src');
    dest = uniqueBucket('repl-dst');
    await s3.send(new CreateBucketCommand({ Bucket: source }));
    await s3.send(new CreateBucketCommand({ Bucket: dest }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: dest, VersioningConfiguration: { Status: 'Enabled' } }));
  });
  after(async () => {
    assert.deepEqual(server?.errors ?? [], []);
    await server?.stop();
  });

  const config = (over: Partial<NonNullable<ReplicationConfiguration['Rules']>[number]> = {}): ReplicationConfiguration => ({
    Role: ROLE,
    Rules: [
      {
        ID: 'logs-to-dest',
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: 'logs/' },
        Destination: { Bucket: `arn:aws:s3:::${dest}` },
        DeleteMarkerReplication: { Status: 'Disabled' },
        ...over,
      },
    ],
  });

  it('GetBucketReplication without a configuration is ReplicationConfigurationNotFoundError 404', async () => {
    assert.deepEqual(await errorStatus(s3.send(new GetBucketReplicationCommand({ Bucket: source }))), {
      code: 'ReplicationConfigurationNotFoundError',
      status: 404,
    });
  });

  it('PutBucketReplication needs versioning Enabled on the source (InvalidRequest 400)', async () => {
    const f = await failure(s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: config() })));
    assert.deepEqual([f.code, f.status], ['InvalidRequest', 400]);
    const res = await signedRequest(server.url, { method: 'PUT', path: `/${source}`, query: { replication: '' }, body: '<ReplicationConfiguration/>' });
    expectS3Error(res, 400, 'MalformedXML');
  });

  it('Put / Get round-trips the configuration; DeleteBucketReplication removes it', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await s3.send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: ROLE,
          Rules: [
            ...(config().Rules ?? []),
            {
              ID: 'all-with-markers',
              Priority: 2,
              Status: 'Disabled',
              Filter: { And: { Prefix: 'data/' } },
              Destination: { Bucket: `arn:aws:s3:::${dest}`, StorageClass: 'STANDARD_IA' },
              DeleteMarkerReplication: { Status: 'Enabled' },
            },
          ],
        },
      }),
    );
    assert.equal(put.$metadata.httpStatusCode, 200);
    const got = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    assert.equal(got.ReplicationConfiguration?.Role, ROLE);
    assert.deepEqual(got.ReplicationConfiguration?.Rules, [
      {
        ID: 'logs-to-dest',
        Priority: 1,
        Filter: { Prefix: 'logs/' },
        Status: 'Enabled',
        Destination: { Bucket: `arn:aws:s3:::${dest}` },
        DeleteMarkerReplication: { Status: 'Disabled' },
      },
      {
        ID: 'all-with-markers',
        Priority: 2,
        Filter: { Prefix: 'data/' },
        Status: 'Disabled',
        Destination: { Bucket: `arn:aws:s3:::${dest}`, StorageClass: 'STANDARD_IA' },
        DeleteMarkerReplication: { Status: 'Enabled' },
      },
    ]);

    const del = await s3.send(new DeleteBucketReplicationCommand({ Bucket: source }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.equal((await errorStatus(s3.send(new GetBucketReplicationCommand({ Bucket: source })))).code, 'ReplicationConfigurationNotFoundError');
  });

  it('replicates objects matching an enabled rule: PENDING, then COMPLETED, and a REPLICA in the destination', async () => {
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: config() }));
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: 'logs/app.log', Body: 'line' }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'other/x', Body: 'not replicated' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: source, Key: 'logs/app.log' }));
    assert.ok(head.ReplicationStatus === 'PENDING' || head.ReplicationStatus === 'COMPLETED', head.ReplicationStatus);
    let status: string | undefined = head.ReplicationStatus;
    for (let i = 0; i < 200 && status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await s3.send(new HeadObjectCommand({ Bucket: source, Key: 'logs/app.log' }))).ReplicationStatus;
    }
    assert.equal(status, 'COMPLETED');
    const replica = await s3.send(new GetObjectCommand({ Bucket: dest, Key: 'logs/app.log' }));
    assert.equal(replica.ReplicationStatus, 'REPLICA');
    assert.equal(replica.VersionId, put.VersionId, 'replicas keep the source version id');
    assert.equal(await bodyText(replica.Body), 'line');
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: dest, Key: 'other/x' })))).status, 404);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: 'other/x' }))).ReplicationStatus, undefined);
    // Suspending versioning under a replication configuration is refused.
    const f = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: 'Suspended' } })));
    assert.deepEqual([f.code, f.status], ['InvalidRequest', 400]);
  });

  it('bad values: destination ARN, same bucket, duplicate ids; unsupported features are NotImplemented 501', async () => {
    const bad = async (c: ReplicationConfiguration, code: string, status: number) => {
      const f = await failure(s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: c })));
      assert.deepEqual([f.code, f.status], [code, status], JSON.stringify(c));
    };
    await bad(config({ Destination: { Bucket: dest } }), 'InvalidArgument', 400);
    await bad(config({ Destination: { Bucket: 'arn:aws:s3:::Not_A_Bucket' } }), 'InvalidArgument', 400);
    await bad(config({ Destination: { Bucket: `arn:aws:s3:::${source}` } }), 'InvalidRequest', 400);
    await bad({ Role: ROLE, Rules: [...(config().Rules ?? []), { ...(config().Rules ?? [])[0], Priority: 2 } as never] }, 'InvalidArgument', 400);
    await bad(config({ Filter: { Tag: { Key: 'k', Value: 'v' } } }), 'NotImplemented', 501);
    await bad(config({ ExistingObjectReplication: { Status: 'Enabled' } }), 'NotImplemented', 501);
    await bad(config({ Destination: { Bucket: `arn:aws:s3:::${dest}`, Account: '123456789012' } }), 'NotImplemented', 501);
    await bad(
      config({ Destination: { Bucket: `arn:aws:s3:::${dest}`, ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } } }),
      'NotImplemented',
      501,
    );
    await bad(config({ SourceSelectionCriteria: { ReplicaModifications: { Status: 'Enabled' } } }), 'NotImplemented', 501);
    // The stored configuration is unchanged by the refused ones.
    const got = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    assert.deepEqual(got.ReplicationConfiguration?.Rules?.map((r) => r.ID), ['logs-to-dest']);
  });

  it('malformed XML is MalformedXML 400; a missing bucket is NoSuchBucket 404', async () => {
    for (const body of ['<ReplicationConfiguration><Role>r</Role><Rule>', '<Replication><Role>r</Role></Replication>', 'not xml']) {
      const res = await signedRequest(server.url, { method: 'PUT', path: `/${source}`, query: { replication: '' }, body, headers: { 'content-md5': md5Base64(body) } });
      expectS3Error(res, 400, 'MalformedXML');
    }
    const missing = uniqueBucket('repl-missing');
    assert.deepEqual(await errorStatus(s3.send(new GetBucketReplicationCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
    const f = await failure(s3.send(new PutBucketReplicationCommand({ Bucket: missing, ReplicationConfiguration: config() })));
    assert.deepEqual([f.code, f.status], ['NoSuchBucket', 404]);
  });
});
