/**
 * Queries in a per-region deployment: a region node runs queries over the buckets it holds;
 * a query naming a bucket held by another region is answered PermanentRedirect with that
 * region's endpoint, and no bytes move between the regions.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { AnalyticsClient } from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { Region, Topology } from '../../src/topology/types.js';
import { refused, rows } from './analytics-harness.js';
import { ACCESS_KEY, SECRET_KEY } from './harness.js';

describe('analytics in a per-region deployment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-an-regions-'));
  const env = { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_CLUSTER_SECRET: 'test-cluster-secret-0123456789abcdef0123' };
  const base = ['--host', '127.0.0.1', '--port', '0', '--workers', '1', '--no-fsync'];
  const fra: Region = { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/eu-fra' };
  const lon: Region = { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], storage: 'regions/eu-lon' };
  const log = () => {};
  let cp: RunningApp;
  let lonNode: RunningApp;
  let fraNode: RunningApp;

  before(async () => {
    const topology: Topology = { regions: [fra, lon], defaultRegion: 'eu-fra', latencyMs: new Map(), source: 'test' };
    cp = await startApp(loadConfig([...base, '--data-dir', join(dir, 'cp'), '--control-plane'], env), { log, topology });
    const withCp = { ...topology, controlPlane: { endpoint: cp.url } };
    lonNode = await startApp(loadConfig([...base, '--data-dir', join(dir, 'lon'), '--region', 'eu-lon'], env), { log, topology: withCp });
    const withLon = { ...withCp, regions: [fra, { ...lon, endpoint: lonNode.url }] };
    fraNode = await startApp(loadConfig([...base, '--data-dir', join(dir, 'fra'), '--region', 'eu-fra'], env), { log, topology: withLon });
    const s3 = new S3Client({ endpoint: lonNode.url, region: 'eu-lon', forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'an-london', CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } }));
    await s3.send(new PutObjectCommand({ Bucket: 'an-london', Key: 'gb.csv', Body: 'city,n\nLondon,3\n' }));
    s3.destroy();
  });
  after(async () => {
    await fraNode?.close();
    await lonNode?.close();
    await cp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a query in the bucket's region, and points elsewhere to that region's endpoint", async () => {
    const creds = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };
    const inLondon = new AnalyticsClient({ endpoint: lonNode.url, ...creds, region: 'eu-lon' });
    assert.deepEqual(await rows(inLondon, "SELECT city, n FROM 's3://an-london/gb.csv'"), [{ city: 'London', n: 3 }]);
    const inFrankfurt = new AnalyticsClient({ endpoint: fraNode.url, ...creds, region: 'eu-fra' });
    const e = await refused(inFrankfurt.query({ sql: "SELECT city, n FROM 's3://an-london/gb.csv'" }));
    assert.equal(e.code, 'PermanentRedirect');
    assert.equal(e.status, 301);
    assert.match(e.message, /region eu-lon/);
    assert.ok(e.message.includes(new URL(lonNode.url).host), e.message);
    assert.equal(e.details?.['Region'], 'eu-lon');
  });
});
