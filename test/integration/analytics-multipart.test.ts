/**
 * Queries over multipart-uploaded objects (one blob per part): the first query assembles
 * each object into the region's object file cache, later ones link it. Every answer must be
 * the same and right; an overwrite is seen at once, and a delete removes the cached copy.
 */
import { CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AnalyticsClient } from '../../src/client/index.js';
import { analyticsClient, collect, parquetOf, refused } from './analytics-harness.js';
import { startTestServer, type TestServer } from './harness.js';

const PART = 128 * 1024;
const BUCKET = 'an-multipart';
const ROWS = 30_000;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** What the queries below must answer for rows i in [0, n): per g = i % 7, count, sum of i, smallest md5. */
function expected(n: number, shift = 0): Record<string, unknown>[] {
  const out = Array.from({ length: 7 }, (_, g) => ({ g, n: 0, total: 0, first: 'g' }));
  for (let i = 0; i < n; i++) {
    const row = out[i % 7]!;
    row.n++;
    row.total += i + shift;
    const h = md5(String(i + shift));
    if (h < row.first) row.first = h;
  }
  return out;
}

function csvOf(n: number, shift = 0): Buffer {
  const lines = ['i,g,h'];
  for (let i = 0; i < n; i++) lines.push(`${i + shift},${i % 7},${md5(String(i + shift))}`);
  return Buffer.from(lines.join('\n') + '\n');
}

describe('analytics: multipart objects, queried again and again', () => {
  let s: TestServer;
  let q: AnalyticsClient;
  let parquet: Buffer;
  const csv = csvOf(ROWS);

  async function putMultipart(key: string, data: Buffer): Promise<void> {
    const { UploadId } = await s.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const parts = [];
    for (let n = 1, at = 0; at < data.length; n++, at += PART) {
      const { ETag } = await s.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: n, Body: data.subarray(at, at + PART) }));
      parts.push({ PartNumber: n, ETag });
    }
    await s.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  }

  /** Files of the object file cache, wherever the deployment keeps the region's data. */
  async function cached(): Promise<string[]> {
    const all = await readdir(s.dataDir, { recursive: true, withFileTypes: true });
    return all.filter((e) => e.isFile() && e.parentPath.split('/').includes('object-files')).map((e) => join(e.parentPath, e.name));
  }

  async function answer(sql: string): Promise<{ rows: Record<string, unknown>[]; bytesScanned: number }> {
    const r = await collect(q, { sql, format: 'jsonl' });
    return { rows: r.bytes.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>), bytesScanned: r.stats.bytesScanned };
  }

  before(async () => {
    s = await startTestServer({ minPartSize: 64 * 1024 });
    q = analyticsClient(s);
    await s.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    parquet = await parquetOf(`SELECT i, i % 7 AS g, md5(i::VARCHAR) AS h FROM range(${ROWS}) t(i)`);
    assert.ok(parquet.length > 2 * PART, `the Parquet file (${parquet.length} bytes) spans several parts`);
    await putMultipart('mp/data.parquet', parquet);
    await putMultipart('mp/data.csv', csv);
  });
  after(async () => {
    await s.stop();
  });

  it('answers the same, right, every time; the second time from the cache', async () => {
    const want = expected(ROWS);
    const queries = [
      ['parquet', `SELECT g, count(*) AS n, sum(i) AS total, min(h) AS first FROM 's3://${BUCKET}/mp/data.parquet' GROUP BY g ORDER BY g`, parquet.length],
      ['csv', `SELECT g, count(*) AS n, sum(i) AS total, min(h) AS first FROM read_csv('s3://${BUCKET}/mp/data.csv') GROUP BY g ORDER BY g`, csv.length],
    ] as const;
    for (const [name, sql, size] of queries) {
      for (let run = 1; run <= 3; run++) {
        const got = await answer(sql);
        assert.deepEqual(got.rows, want, `${name}, run ${run}`);
        assert.equal(got.bytesScanned, size);
      }
    }
    assert.equal((await cached()).length, 2, 'one cached file per multipart object');
    const join = await answer(`SELECT count(*) AS n FROM 's3://${BUCKET}/mp/data.parquet' p JOIN read_csv('s3://${BUCKET}/mp/data.csv') c ON p.i = c.i AND p.h = c.h`);
    assert.deepEqual(join.rows, [{ n: ROWS }]);
  });

  it('sees an overwrite at once, and a delete removes the cached copy', async () => {
    const sql = `SELECT g, count(*) AS n, sum(i) AS total, min(h) AS first FROM read_csv('s3://${BUCKET}/mp/data.csv') GROUP BY g ORDER BY g`;
    assert.deepEqual((await answer(sql)).rows, expected(ROWS));
    const before = await cached();
    await putMultipart('mp/data.csv', csvOf(ROWS, 1000));
    for (let run = 1; run <= 2; run++) assert.deepEqual((await answer(sql)).rows, expected(ROWS, 1000), `run ${run} after the overwrite`);
    const now = await cached();
    assert.equal(now.length, 2);
    assert.equal(now.filter((f) => !before.includes(f)).length, 1, "the old version's file was replaced by the new one's");

    await s.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'mp/data.csv' }));
    assert.equal((await refused(q.query({ sql }))).code, 'NoSuchKey');
    // Removal follows the delete in the background: wait for it (at most 10 s).
    for (let i = 0; i < 1000 && (await cached()).length !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await cached()).length, 1, "only the Parquet object's file is left");
    assert.deepEqual(s.errors, []);
  });
});
