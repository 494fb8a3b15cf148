/**
 * Metering end to end: a known workload from @aws-sdk/client-s3 (PUTs of known sizes,
 * full and ranged GETs, HEAD, LIST, COPY, multipart with a part left in progress, a
 * versioned overwrite, DELETE, refused and anonymous requests), then the usage read back
 * through the UsageSource must be exactly what was done: requests by class, bytes in and
 * out as the client saw them on the wire, objects and bytes stored now. A graceful restart
 * loses nothing.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand,
  HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3Client, UploadPartCommand,
  CreateBucketCommand, PutBucketReplicationCommand, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { OPERATOR_ACCOUNT_ID } from '../../src/app/index.js';
import type { UsageRow } from '../../src/metering/index.js';
import { SigV4Signer, UNSIGNED_PAYLOAD } from '../../src/client/index.js';
import { ACCESS_KEY, bodyBytes, DEPLOYMENT, failure, REGION, SECRET_KEY, startTestServer, uniqueBucket, type TestServer } from './harness.js';

const HOUR = 3_600_000;

/** Body bytes each way as the client saw them on the wire (Content-Length of requests and of non-HEAD responses). */
function measure(client: S3Client): { in: number; out: number } {
  const seen = { in: 0, out: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { method: string; headers: Record<string, string> };
      const result = await next(args);
      const res = result.response as { statusCode: number; headers: Record<string, string> };
      seen.in += Number(req.headers['content-length'] ?? 0);
      if (req.method !== 'HEAD') seen.out += Number(res.headers['content-length'] ?? 0);
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'meteringProbe' },
  );
  return seen;
}

function totals(rows: UsageRow[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const r of rows) out[r.meter] = (out[r.meter] ?? 0n) + r.quantity;
  return out;
}

describe('metering: a known workload is metered exactly', () => {
  let server: TestServer;
  let client: S3Client;
  let wire: { in: number; out: number };
  const bucket = uniqueBucket('meter');
  const expected = { write: 0, read: 0 };
  const window = { from: '', to: '' };
  let started = 0;

  before(async () => {
    server = await startTestServer({ minPartSize: 1024 });
    client = server.makeClient();
    wire = measure(client);
    started = Date.now();
    window.from = new Date(Math.floor(started / HOUR) * HOUR).toISOString().replace('.000Z', 'Z');
    window.to = new Date((Math.floor(started / HOUR) + 2) * HOUR).toISOString().replace('.000Z', 'Z');
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  const query = (granularity: 'total' | 'hour' = 'total') =>
    server.app.usage.query({ accountIds: [OPERATOR_ACCOUNT_ID], bucket, from: window.from, to: window.to, granularity });

  it('runs the workload', async () => {
    const w = () => expected.write++;
    const r = () => expected.read++;
    await client.send(new CreateBucketCommand({ Bucket: bucket })), w();
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })), w();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: Buffer.alloc(100, 1) })), w();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: Buffer.alloc(2000, 2) })), w();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: Buffer.alloc(300, 3) })), w(); // a v1 becomes non-current
    assert.equal((await bodyBytes((await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a' }))).Body)).length, 300), r();
    assert.equal((await bodyBytes((await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'b', Range: 'bytes=0-99' }))).Body)).length, 100), r();
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'b' })), r();
    await client.send(new ListObjectsV2Command({ Bucket: bucket })), w();
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c', CopySource: `${bucket}/b` })), w();
    const done = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' })), _w1 = w();
    const p1 = await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: done.UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 4) })), _w2 = w();
    const p2 = await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: done.UploadId, PartNumber: 2, Body: Buffer.alloc(500, 5) })), _w3 = w();
    await client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'mp', UploadId: done.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
    })), w();
    const open = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'open' })), _w4 = w();
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'open', UploadId: open.UploadId, PartNumber: 1, Body: Buffer.alloc(1500, 6) })), w();
    // DELETE is free; in a versioned bucket it leaves b as a non-current version.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'b' }));
    // A refused read is billed to the bucket owner, as on S3 (its error body is bytes out).
    assert.equal((await failure(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).code, 'NoSuchKey'), r();
    // Not billable: no bucket (ListBuckets), or a bucket that does not exist.
    await client.send(new ListBuckets());
    await failure(client.send(new GetObjectCommand({ Bucket: `${bucket}-none`, Key: 'x' })));
    void [_w1, _w2, _w3, _w4];
  });

  it('anonymous requests to the bucket are billed to its owner', async () => {
    const res = await fetch(`${server.url}/${bucket}/a`);
    assert.equal(res.status, 403);
    const body = Buffer.from(await res.arrayBuffer());
    expected.read++;
    wire.out += body.length;
  });

  it('reads back exactly the requests and bytes the clients exchanged', async () => {
    await server.app.recorder.flush();
    const t = totals(await query());
    const notBilled = await notBillableBytes();
    assert.equal(t['requests.write'], BigInt(expected.write));
    assert.equal(t['requests.read'], BigInt(expected.read));
    assert.equal(t['bytes.in'], BigInt(wire.in - notBilled.in));
    assert.equal(t['bytes.out'], BigInt(wire.out - notBilled.out));
    // Stored now: a v1 100 + a v2 300 + b 2000 (non-current) + c 2000 + mp 1524, and the part in progress 1500.
    const now = await server.app.usage.storedNow(OPERATOR_ACCOUNT_ID);
    assert.equal(now.bytes, 100 + 300 + 2000 + 2000 + 1524 + 1500);
    assert.equal(now.objects, 5);
    // Storage accrues bytes x time: never more than the most ever stored for the time elapsed.
    const elapsedHours = (Date.now() - started) / HOUR;
    assert.ok(Number(t['storage.byte_hours'] ?? 0n) <= now.bytes * elapsedHours + 1);
  });

  it('hourly rows carry account, bucket, region, meter and time only', async () => {
    const rows = await query('hour');
    for (const row of rows) {
      assert.deepEqual(Object.keys(row).sort(), ['accountId', 'bucket', 'meter', 'quantity', 'region', 'start']);
      assert.equal(row.region, 'eu-fra');
    }
  });

  it('a request body sent chunked, with no Content-Length, counts as bytes in', async () => {
    await server.app.recorder.flush();
    const before = totals(await query());
    const xml = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>';
    const signer = new SigV4Signer({ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, region: REGION });
    const url = new URL(server.url);
    const signed = signer.sign({ method: 'PUT', host: url.host, path: `/${bucket}`, query: { versioning: '' }, headers: {}, payloadHash: UNSIGNED_PAYLOAD });
    const status = await new Promise<number>((resolve, reject) => {
      // No content-length header: node sends the body with Transfer-Encoding: chunked, in two pieces.
      const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: signed.path, headers: signed.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      assert.equal(req.getHeader('content-length'), undefined);
      req.write(xml.slice(0, 40));
      req.end(xml.slice(40));
    });
    assert.equal(status, 200);
    await server.app.recorder.flush();
    const after = totals(await query());
    assert.equal(after['requests.write'], (before['requests.write'] ?? 0n) + 1n);
    assert.equal(after['bytes.in'], (before['bytes.in'] ?? 0n) + BigInt(Buffer.byteLength(xml)));
  });

  it('a graceful restart loses nothing', async () => {
    const before = totals(await query());
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a' }));
    // No flush by hand: closing the server must flush what it counted.
    const dataDir = server.dataDir;
    client.destroy();
    await server.app.close();
    server = await startTestServer({ dataDir, minPartSize: 1024 });
    client = server.makeClient();
    const afterRestart = totals(await query());
    assert.equal(afterRestart['requests.read'], (before['requests.read'] ?? 0n) + 1n);
    assert.equal(afterRestart['requests.write'], before['requests.write']);
    assert.equal(afterRestart['bytes.out'], before['bytes.out']);
  });

  /** The wire bytes of the two requests that are not billable (ListBuckets, the unknown bucket). */
  async function notBillableBytes(): Promise<{ in: number; out: number }> {
    const probe = server.makeClient();
    const seen = measure(probe);
    await probe.send(new ListBucketsCommand({}));
    await failure(probe.send(new GetObjectCommand({ Bucket: `${bucket}-none`, Key: 'x' })));
    probe.destroy();
    return seen;
  }
});

// The per-region test deployment serves one region: replication between regions needs the embedded demo topology.
describe('metering: bytes replicated between regions', { skip: DEPLOYMENT === 'per-region' }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  async function create(region: string): Promise<string> {
    const name = uniqueBucket(`rep-${region}`);
    const cmd = new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } });
    // Both buckets may hold the data anywhere in the EU, so Frankfurt may replicate to Paris.
    cmd.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-sovra-residency'] = 'EU';
      return next(args);
    }, { step: 'build' });
    await server.client.send(cmd);
    await server.client.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
    return name;
  }

  it('counts each version shipped to the other region, for the source bucket in the source region', async () => {
    const s3 = server.client;
    const source = await create('eu-fra');
    const dest = await create('eu-par');
    await s3.send(new PutBucketReplicationCommand({
      Bucket: source,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [{ ID: 'all', Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${dest}` } }],
      },
    }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'one', Body: Buffer.alloc(1234, 1) }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: 'two', Body: Buffer.alloc(4321, 2) }));
    for (const key of ['one', 'two']) {
      let status: string | undefined;
      for (let i = 0; i < 400 && status !== 'COMPLETED'; i++) {
        status = (await s3.send(new HeadObjectCommand({ Bucket: source, Key: key }))).ReplicationStatus;
        if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(status, 'COMPLETED', `replication of ${key}`);
    }
    await server.app.recorder.flush();
    const hour = Math.floor(Date.now() / HOUR);
    const iso = (h: number) => new Date(h * HOUR).toISOString().replace('.000Z', 'Z');
    const rows = await server.app.usage.query({ meters: ['bytes.replicated'], from: iso(hour - 1), to: iso(hour + 1), granularity: 'total' });
    assert.deepEqual(rows.map((r) => [r.accountId, r.bucket, r.region, r.quantity]), [[OPERATOR_ACCOUNT_ID, source, 'eu-fra', 1234n + 4321n]]);
    // The replicas are stored (and metered as storage) in the destination's region.
    assert.equal((await server.app.usage.storedNow(OPERATOR_ACCOUNT_ID)).bytes, 2 * (1234 + 4321));
  });
});

/** ListBuckets without arguments. */
class ListBuckets extends ListBucketsCommand {
  constructor() {
    super({});
  }
}
