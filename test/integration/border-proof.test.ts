/**
 * Border proof: three region processes (two in Germany, one in France) and a control plane
 * run on loopback, every link between them through a recording proxy. A DE-only bucket is
 * written, replicated, copied and listed, and every attempt to move its data to France is
 * made (replication rule, CopyObject, UploadPartCopy, requests sent to the French
 * endpoint). The recordings must show none of its object keys or contents on any link into
 * France or into the control plane, while the link into the other German region carries
 * them (so the recorder demonstrably sees object data).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  ListBucketsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { freePort, startSovra, type SovraServer } from '../clients/sovra-server.js';
import { containsAny, startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { bodyText, failure } from './harness.js';

const ACCESS = 'SOVRABORDERTEST0001';
const SECRET = 'border-proof-secret-key-0123456789abcd';
const CLUSTER = 'border-proof-cluster-secret-0123456789abcdef';
const REGIONS = [
  { id: 'de-fra', name: 'Frankfurt', country: 'DE', zones: ['DE', 'EU', 'EEA'] },
  { id: 'de-ber', name: 'Berlin', country: 'DE', zones: ['DE', 'EU', 'EEA'] },
  { id: 'fr-par', name: 'Paris', country: 'FR', zones: ['FR', 'EU', 'EEA'] },
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('border proof: a DE-only bucket never reaches France', () => {
  const base = mkdtempSync(join(tmpdir(), 'sovra-border-'));
  const proxies = new Map<string, RecordingProxy>();
  const nodes = new Map<string, SovraServer>();
  const clients = new Map<string, S3Client>();
  const marker = `CONFIDENTIAL-${randomBytes(8).toString('hex')}`;
  const keys = [`plans/secret-${randomBytes(4).toString('hex')}.txt`, `hr/salaries-${randomBytes(4).toString('hex')}.csv`];
  const content = (k: string) => `${marker} ${k} `.repeat(50);

  const client = (id: string) => clients.get(id) as S3Client;

  before(async () => {
    // Real ports first, then a recording proxy in front of each: the topology names the proxies,
    // so every node-to-node byte passes one; clients talk to the nodes directly.
    const ids = ['control-plane', ...REGIONS.map((r) => r.id)];
    const ports = new Map<string, number>();
    for (const id of ids) {
      const port = await freePort();
      ports.set(id, port);
      proxies.set(id, await startRecordingProxy({ host: '127.0.0.1', port }, id));
    }
    const topology = {
      defaultRegion: 'de-fra',
      controlPlane: { endpoint: proxies.get('control-plane')?.url },
      regions: REGIONS.map((r) => ({ id: r.id, name: r.name, city: r.name, country: r.country, zones: r.zones, endpoint: proxies.get(r.id)?.url })),
    };
    const topologyFile = join(base, 'topology.json');
    writeFileSync(topologyFile, JSON.stringify(topology, null, 2));
    const env = (extra: Record<string, string>) => ({ SOVRA_TOPOLOGY: topologyFile, SOVRA_CLUSTER_SECRET: CLUSTER, SOVRA_WORKERS: '1', SOVRA_FSYNC: 'false', ...extra });
    nodes.set('control-plane', await startSovra({ dataDir: join(base, 'cp', 'data'), port: ports.get('control-plane') ?? 0, accessKey: ACCESS, secretKey: SECRET, env: env({ SOVRA_CONTROL_PLANE: 'true' }) }));
    for (const r of REGIONS) {
      const node = await startSovra({ dataDir: join(base, r.id, 'data'), port: ports.get(r.id) ?? 0, accessKey: ACCESS, secretKey: SECRET, env: env({ SOVRA_REGION: r.id }) });
      nodes.set(r.id, node);
      clients.set(r.id, new S3Client({ endpoint: node.url, region: r.id, forcePathStyle: true, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, maxAttempts: 1 }));
    }
  });

  after(async () => {
    for (const c of clients.values()) c.destroy();
    for (const n of [...nodes.values()].reverse()) await n.stop();
    for (const p of proxies.values()) await p.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('runs the workload: writes, replication inside Germany, copies, listings, deletes', async () => {
    const create = async (id: string, bucket: string, versioned = true) => {
      await client(id).send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: id as BucketLocationConstraint } }));
      if (versioned) await client(id).send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    };
    await create('de-fra', 'de-src');
    await create('de-ber', 'de-replica');
    await create('de-ber', 'de-copies');
    await create('fr-par', 'fr-dst');

    // Replication inside Germany is accepted; to France it is refused.
    const rule = (dest: string) => ({
      Bucket: 'de-src',
      ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/replication', Rules: [{ ID: 'r1', Priority: 1, Status: 'Enabled' as const, Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' as const }, Destination: { Bucket: `arn:aws:s3:::${dest}` } }] },
    });
    const toFrance = await failure(client('de-fra').send(new PutBucketReplicationCommand(rule('fr-dst'))));
    assert.equal(toFrance.code, 'AccessDenied');
    await client('de-fra').send(new PutBucketReplicationCommand(rule('de-replica')));

    for (const k of keys) await client('de-fra').send(new PutObjectCommand({ Bucket: 'de-src', Key: k, Body: content(k) }));

    // Replication completes into Berlin.
    for (const k of keys) {
      let status: string | undefined;
      for (let i = 0; i < 200 && status !== 'COMPLETED'; i++) {
        status = (await client('de-fra').send(new HeadObjectCommand({ Bucket: 'de-src', Key: k }))).ReplicationStatus;
        if (status !== 'COMPLETED') await sleep(50);
      }
      assert.equal(status, 'COMPLETED', `replication of ${k}`);
      const replica = await client('de-ber').send(new GetObjectCommand({ Bucket: 'de-replica', Key: k }));
      assert.equal(replica.ReplicationStatus, 'REPLICA');
      assert.equal(await bodyText(replica.Body), content(k));
    }

    // A copy into the other German region is allowed (Berlin pulls the bytes from Frankfurt).
    const [k0, k1] = keys as [string, string];
    await client('de-ber').send(new CopyObjectCommand({ Bucket: 'de-copies', Key: 'copy-of-0', CopySource: `de-src/${k0}` }));
    assert.equal(await bodyText((await client('de-ber').send(new GetObjectCommand({ Bucket: 'de-copies', Key: 'copy-of-0' }))).Body), content(k0));

    // Every way into France is refused.
    const copy = await failure(client('fr-par').send(new CopyObjectCommand({ Bucket: 'fr-dst', Key: 'stolen', CopySource: `de-src/${k0}` })));
    assert.equal(copy.code, 'AccessDenied');
    const up = await client('fr-par').send(new CreateMultipartUploadCommand({ Bucket: 'fr-dst', Key: 'stolen-mp' }));
    const partCopy = await failure(client('fr-par').send(new UploadPartCopyCommand({ Bucket: 'fr-dst', Key: 'stolen-mp', UploadId: up.UploadId, PartNumber: 1, CopySource: `de-src/${k1}` })));
    assert.equal(partCopy.code, 'AccessDenied');
    // Requests for the DE bucket sent to the French endpoint are redirected, never served there.
    const misrouted = await failure(client('fr-par').send(new GetObjectCommand({ Bucket: 'de-src', Key: k0 })));
    assert.equal(misrouted.status, 301);
    assert.equal(misrouted.headers['x-amz-bucket-region'], 'de-fra');
    const listThere = await failure(client('fr-par').send(new ListObjectsV2Command({ Bucket: 'de-src' })));
    assert.equal(listThere.status, 301);
    // The control plane's endpoint lists buckets and redirects; it never carries object data.
    const cp = new S3Client({ endpoint: nodes.get('control-plane')?.url ?? '', region: 'de-fra', forcePathStyle: true, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, maxAttempts: 1 });
    try {
      const names = ((await cp.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => `${b.Name}@${b.BucketRegion}`).sort();
      assert.deepEqual(names, ['de-copies@de-ber', 'de-replica@de-ber', 'de-src@de-fra', 'fr-dst@fr-par']);
      const viaCp = await failure(cp.send(new GetObjectCommand({ Bucket: 'de-src', Key: k0 })));
      assert.equal(viaCp.status, 301);
      assert.equal(viaCp.headers['x-amz-bucket-region'], 'de-fra');
    } finally {
      cp.destroy();
    }
    // Any endpoint tells where a bucket lives, as S3 does.
    assert.equal((await client('fr-par').send(new GetBucketLocationCommand({ Bucket: 'de-src' }))).LocationConstraint, 'de-fra');

    // Sent to the other German region, requests are passed on (Berlin may carry DE data).
    const viaBerlin = await client('de-ber').send(new GetObjectCommand({ Bucket: 'de-src', Key: k0 }));
    assert.equal(await bodyText(viaBerlin.Body), content(k0));
    await client('de-ber').send(new PutObjectCommand({ Bucket: 'de-src', Key: 'via-berlin.txt', Body: content('via-berlin') }));
    assert.equal(await bodyText((await client('de-fra').send(new GetObjectCommand({ Bucket: 'de-src', Key: 'via-berlin.txt' }))).Body), content('via-berlin'));
    keys.push('via-berlin.txt');

    // Listings in the right place work; a delete marker replicates into Berlin too.
    const listed = await client('de-fra').send(new ListObjectsV2Command({ Bucket: 'de-src' }));
    assert.deepEqual((listed.Contents ?? []).map((o) => o.Key).sort(), [...keys].sort());
    await client('de-fra').send(new DeleteObjectCommand({ Bucket: 'de-src', Key: k1 }));
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      gone = (await failure(client('de-ber').send(new HeadObjectCommand({ Bucket: 'de-replica', Key: k1 })).then(() => { throw Object.assign(new Error('present'), { Code: 'present' }); }))).code !== 'present';
      if (!gone) await sleep(50);
    }
    assert.ok(gone, 'the delete marker reached the Berlin replica');
  });

  it('shows no key or byte of the DE bucket on any link into France or the control plane', () => {
    const needles = [marker, ...keys];
    for (const id of ['fr-par', 'control-plane']) {
      const seen = containsAny(proxies.get(id)?.recorded() ?? Buffer.alloc(0), needles);
      assert.deepEqual(seen, [], `link into ${id} carried ${seen.join(', ')}`);
    }
    // The French node did talk to the control plane (bucket names cross; keys do not).
    assert.ok((proxies.get('control-plane')?.recorded().length ?? 0) > 0, 'the control plane link was used');
  });

  it('shows the recorder sees object data where it may go: the link into Berlin', () => {
    const seen = containsAny(proxies.get('de-ber')?.recorded() ?? Buffer.alloc(0), [marker, ...keys]);
    assert.deepEqual(seen.sort(), [marker, ...keys].sort());
    // Berlin pulled the copy from Frankfurt over Frankfurt's link.
    assert.ok(containsAny(proxies.get('de-fra')?.recorded() ?? Buffer.alloc(0), [marker]).length > 0);
  });

  it('answers the redirect when the holding region cannot be reached to pass a request on', async () => {
    await nodes.get('de-fra')?.stop();
    const f = await failure(client('de-ber').send(new GetObjectCommand({ Bucket: 'de-src', Key: keys[0] })));
    assert.equal(f.status, 301);
    assert.equal(f.headers['x-amz-bucket-region'], 'de-fra');
  });
});
