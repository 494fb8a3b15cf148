/**
 * Metering of queries: the bytes scanned in each bucket (billed to its owner) and the query
 * time go through the server's own usage recorder into the metered usage store.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { AnalyticsClient } from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import { collect, refused } from './analytics-harness.js';
import { ACCESS_KEY, REGION, SECRET_KEY } from './harness.js';

describe('analytics: metering', () => {
  let app: RunningApp;
  let dir: string;
  const A = 'id,v\n1,a\n2,b\n';
  const B = 'id,w\n1,x\n';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-an-meter-'));
    const config = loadConfig(['--data-dir', dir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY });
    app = await startApp(config, { log: () => undefined });
    const s3 = new S3Client({ endpoint: app.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1 });
    for (const [b, body] of [['meter-a', A], ['meter-b', B]] as const) {
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k.csv', Body: body }));
    }
    s3.destroy();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the bytes scanned per bucket and the query time once per query', async () => {
    const q = new AnalyticsClient({ endpoint: app.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY, region: REGION });
    const r = await collect(q, { sql: "SELECT * FROM 's3://meter-a/k.csv' JOIN 's3://meter-b/k.csv' USING (id)", format: 'csv' });
    await app.recorder.flush();
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const window = { from: new Date(hour.getTime() - 3_600_000).toISOString(), to: new Date(hour.getTime() + 7_200_000).toISOString() };
    const read = async () => app.usage.query({ ...window, meters: ['analytics.bytes_scanned', 'analytics.query_seconds'], granularity: 'total' });
    const rows = await read();
    const scanned = rows.filter((u) => u.meter === 'analytics.bytes_scanned');
    assert.deepEqual(scanned.map((u) => [u.bucket, u.quantity, u.region]), [['meter-a', BigInt(A.length), 'eu-fra'], ['meter-b', BigInt(B.length), 'eu-fra']]);
    assert.ok(scanned.every((u) => u.accountId === '000000000000'), 'billed to the buckets\' owner');
    // Query time: once per query (on its first bucket), rounded up to whole seconds.
    const seconds = rows.filter((u) => u.meter === 'analytics.query_seconds');
    assert.deepEqual(seconds.map((u) => [u.bucket, u.quantity]), [['meter-a', BigInt(Math.max(1, Math.ceil(r.stats.elapsedMs / 1000)))]]);
    // A query refused before it read anything costs nothing.
    await refused(q.query({ sql: 'COPY (SELECT 1) TO \'/tmp/x\'' }));
    await app.recorder.flush();
    assert.deepEqual(await read(), rows);
  });
});
