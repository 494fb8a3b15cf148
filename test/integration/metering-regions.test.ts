/**
 * Metering in a per-region deployment (a control plane and two region processes, every
 * node-to-node link through a recording proxy): requests sent to one region's endpoint for a
 * bucket held by the other are passed on and counted once, in the bucket's region's store;
 * the usage read fans out over the internal API; a recorder batch sent to a peer region is
 * applied once; and no usage payload between nodes carries an object key or content.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { OPERATOR_ACCOUNT_ID, startApp, type RunningApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { RemoteRegion } from '../../src/internal/index.js';
import type { UsageRow } from '../../src/metering/index.js';
import type { Region, Topology } from '../../src/topology/types.js';
import { freePort } from '../clients/sovra-server.js';
import { containsAny, startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { ACCESS_KEY, bodyBytes, SECRET_KEY } from './harness.js';

const CLUSTER = 'metering-cluster-secret-0123456789abcdef';
const HOUR = 3_600_000;
const REGIONS: Region[] = [
  { id: 'de-fra', name: 'Frankfurt', city: 'Frankfurt', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/de-fra' },
  { id: 'de-ber', name: 'Berlin', city: 'Berlin', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/de-ber' },
];

function totals(rows: UsageRow[]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const r of rows) out[r.meter] = (out[r.meter] ?? 0n) + r.quantity;
  return out;
}

describe('metering across regions (per-region deployment)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-metering-regions-'));
  const proxies = new Map<string, RecordingProxy>();
  const nodes = new Map<string, RunningApp>();
  const clients: S3Client[] = [];
  const bucket = `mr-${randomBytes(3).toString('hex')}`;
  const key = `private/payroll-${randomBytes(6).toString('hex')}.csv`;
  const content = `CONTENT-${randomBytes(8).toString('hex')} `.repeat(40);
  const hour = Math.floor(Date.now() / HOUR);
  const iso = (h: number) => new Date(h * HOUR).toISOString().replace('.000Z', 'Z');
  const window = { from: iso(hour), to: iso(hour + 2) };
  const node = (id: string) => nodes.get(id) as RunningApp;
  const client = (id: string) => {
    const c = new S3Client({ endpoint: node(id).url, region: id, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    const ports = new Map<string, number>();
    for (const id of ['control-plane', ...REGIONS.map((r) => r.id)]) {
      const port = await freePort();
      ports.set(id, port);
      proxies.set(id, await startRecordingProxy({ host: '127.0.0.1', port }, id));
    }
    const topology: Topology = {
      regions: REGIONS.map((r) => ({ ...r, endpoint: proxies.get(r.id)?.url as string })),
      defaultRegion: 'de-fra',
      latencyMs: new Map(),
      controlPlane: { endpoint: proxies.get('control-plane')?.url as string },
      source: 'metering test topology',
    };
    const env = { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_CLUSTER_SECRET: CLUSTER };
    const base = (id: string) => ['--host', '127.0.0.1', '--port', String(ports.get(id)), '--workers', '1', '--no-fsync', '--data-dir', join(dir, id)];
    const log = () => {};
    nodes.set('control-plane', await startApp(loadConfig([...base('control-plane'), '--control-plane'], env), { log, topology }));
    for (const r of REGIONS) nodes.set(r.id, await startApp(loadConfig([...base(r.id), '--region', r.id], env), { log, topology }));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const id of [...REGIONS.map((r) => r.id), 'control-plane']) await nodes.get(id)?.close();
    for (const p of proxies.values()) await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts requests sent to another region once, in the bucket\'s region', async () => {
    const ber = client('de-ber');
    const fra = client('de-fra');
    await ber.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'de-ber' as BucketLocationConstraint } }));
    // Sent to Frankfurt, passed on whole to Berlin.
    await fra.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: content }));
    assert.equal((await bodyBytes((await fra.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body)).toString(), content);
    await fra.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    await fra.send(new ListObjectsV2Command({ Bucket: bucket }));
    await bodyBytes((await ber.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-9' }))).Body);
    await node('de-fra').recorder.flush();
    await node('de-ber').recorder.flush();

    const mark = new Map([...proxies].map(([id, p]) => [id, p.recorded().length]));
    // Read from Frankfurt: Berlin's figures come over the internal API.
    const rows = await node('de-fra').usage.query({ accountIds: [OPERATOR_ACCOUNT_ID], bucket, from: window.from, to: window.to, granularity: 'total' });
    assert.ok(rows.length > 0 && rows.every((r) => r.region === 'de-ber'), JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    const t = totals(rows);
    assert.equal(t['requests.write'], 3n, 'CreateBucket, PutObject, ListObjectsV2');
    assert.equal(t['requests.read'], 3n, 'two GETs and a HEAD');
    assert.equal(t['bytes.out'] !== undefined && t['bytes.out'] >= BigInt(content.length + 10), true);
    assert.deepEqual(await node('de-fra').usage.query({ bucket, region: 'de-fra', from: window.from, to: window.to, granularity: 'total' }), []);

    // A recorder batch for Berlin sent from Frankfurt is applied once, whatever the retries.
    const remote = new RemoteRegion({ regionId: 'de-ber', endpoint: proxies.get('de-ber')?.url as string, nodeId: 'de-fra', clusterSecret: CLUSTER });
    const batch = { id: `test-${randomBytes(4).toString('hex')}`, rows: [{ accountId: OPERATOR_ACCOUNT_ID, bucket, region: 'de-ber', meter: 'requests.read', hour, quantity: 5n }] };
    await remote.recordUsage(batch);
    await remote.recordUsage(batch);
    remote.close();
    const again = totals(await node('de-fra').usage.query({ bucket, from: window.from, to: window.to, granularity: 'total' }));
    assert.equal(again['requests.read'], 8n);

    // What crossed the links since: usage traffic only, and no key or content in it.
    let usageTraffic = 0;
    for (const [id, p] of proxies) {
      const since = p.recorded().subarray(mark.get(id) ?? 0);
      if (since.includes('usage-')) usageTraffic++;
      assert.deepEqual(containsAny(since, [key, 'payroll', content.slice(0, 24)]), [], `usage traffic into ${id} carries no object key or content`);
    }
    assert.ok(usageTraffic > 0, 'the usage read and the batch did cross a recorded link');
    // The recorder does see keys on the S3 traffic passed on earlier (the check is not vacuous).
    assert.ok(containsAny(proxies.get('de-ber')?.recorded() ?? Buffer.alloc(0), ['payroll']).length > 0);
  });
});
