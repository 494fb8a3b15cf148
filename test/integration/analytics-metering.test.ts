/**
 * Metering of queries: the bytes scanned in each bucket (billed to its owner) and the query
 * time reach the usage recorder the server was started with.
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
import type { AnalyticsUsage, ReplicationUsage, RequestUsage, UsageRecorder } from '../../src/metering/model.js';
import { collect, refused } from './analytics-harness.js';
import { ACCESS_KEY, REGION, SECRET_KEY } from './harness.js';

/** Keeps what it is told, as the metering store would. */
class KeptUsage implements UsageRecorder {
  readonly analyticsUsage: AnalyticsUsage[] = [];
  request(_u: RequestUsage): void {}
  replicated(_u: ReplicationUsage): void {}
  analytics(u: AnalyticsUsage): void {
    this.analyticsUsage.push(u);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('analytics: metering', () => {
  let app: RunningApp;
  let dir: string;
  const usage = new KeptUsage();
  const A = 'id,v\n1,a\n2,b\n';
  const B = 'id,w\n1,x\n';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-an-meter-'));
    const config = loadConfig(['--data-dir', dir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY });
    app = await startApp(config, { usage, log: () => undefined });
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
    const mine = usage.analyticsUsage.slice(-2);
    assert.deepEqual(mine.map((u) => [u.bucket, u.bytesScanned, u.region]), [['meter-a', A.length, 'eu-fra'], ['meter-b', B.length, 'eu-fra']]);
    assert.equal(mine.filter((u) => u.elapsedMs > 0).length <= 1, true, 'query time is counted once');
    assert.equal(mine[0]?.elapsedMs, r.stats.elapsedMs);
    assert.ok(mine.every((u) => u.accountId === mine[0]?.accountId && u.accountId !== ''));
    // A query refused before it read anything costs nothing.
    const before = usage.analyticsUsage.length;
    await refused(q.query({ sql: 'COPY (SELECT 1) TO \'/tmp/x\'' }));
    assert.equal(usage.analyticsUsage.length, before);
  });
});
