/**
 * `sovra query` as a real process against a real server: the README's walk-through (a CSV
 * uploaded with an S3 client, then queried), a table, CSV on stdout, Parquet to a file and
 * to an object, and a refusal with its exit code.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parquetRows } from './analytics-harness.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('sovra query (the command)', () => {
  let s: TestServer;
  let dir: string;
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

  function sovra(args: string[]): Promise<Run> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|SOVRA_)/.test(k)));
    const env = { ...base, SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: REGION };
    return new Promise((resolve) => {
      execFile(process.execPath, [main, 'query', ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
    });
  }

  before(async () => {
    s = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'sovra-query-cli-'));
    await s.client.send(new CreateBucketCommand({ Bucket: 'cli-sales' }));
    await s.client.send(new PutObjectCommand({ Bucket: 'cli-sales', Key: '2025/q1.csv', Body: 'region,amount\nDE,120.5\nFR,80\nDE,30\n', ContentType: 'text/csv' }));
  });
  after(async () => {
    await s.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a readable table and a summary', async () => {
    const r = await sovra(["SELECT region, sum(amount) AS total FROM read_csv('s3://cli-sales/2025/*.csv') GROUP BY region ORDER BY region"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'region  total\nDE      150.5\nFR      80\n');
    assert.match(r.stderr, /^2 rows, 35 B scanned, \d+\.\d\d s\n$/);
  });

  it('writes CSV to stdout, Parquet to a file and to an object', async () => {
    const csv = await sovra(["SELECT * FROM 's3://cli-sales/2025/q1.csv' ORDER BY amount", '--format', 'csv', '-q']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, 'region,amount\nDE,30.0\nFR,80.0\nDE,120.5\n');
    assert.equal(csv.stderr, '');

    const file = join(dir, 'out.parquet');
    const pq = await sovra(["SELECT region, count(*) AS n FROM 's3://cli-sales/2025/q1.csv' GROUP BY region ORDER BY region", '--format', 'parquet', '--out', file]);
    assert.equal(pq.code, 0, pq.stderr);
    assert.deepEqual(await parquetRows(await readFile(file)), [['DE', '2'], ['FR', '1']]);

    const obj = await sovra(["SELECT region, count(*) AS n FROM 's3://cli-sales/2025/q1.csv' GROUP BY region ORDER BY region", '--out', 's3://cli-sales/reports/counts.parquet']);
    assert.equal(obj.code, 0, obj.stderr);
    assert.match(obj.stdout, /^Stored s3:\/\/cli-sales\/reports\/counts\.parquet \(/);
    const got = await s.client.send(new GetObjectCommand({ Bucket: 'cli-sales', Key: 'reports/counts.parquet' }));
    assert.deepEqual(await parquetRows(Buffer.from(await got.Body?.transformToByteArray() ?? [])), [['DE', '2'], ['FR', '1']]);
  });

  it('reports refusals and bad usage with exit code 2', async () => {
    const bad = await sovra(["SELECT nope FROM 's3://cli-sales/2025/q1.csv'"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^sovra: InvalidQuery: Binder Error: Referenced column "nope" not found/);
    assert.match(bad.stderr, /LINE 1: SELECT nope FROM 's3:\/\/cli-sales\/2025\/q1\.csv'\n {15}\^/);
    const copy = await sovra(["COPY (SELECT 1) TO '/tmp/x.csv'"]);
    assert.equal(copy.code, 2);
    assert.match(copy.stderr, /^sovra: QueryRefused: /);
    assert.equal((await sovra([])).code, 2);
    assert.equal((await sovra(['SELECT 1', '--format', 'xml'])).code, 2);
    const help = await sovra(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: sovra query "SQL" \[options\]/);
  });
});
