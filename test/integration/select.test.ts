/**
 * SelectObjectContent through the AWS SDK's own SelectObjectContentCommand (its event-stream
 * decoder checks every prelude and message CRC) against a real server: CSV with and without a
 * header, JSON lines and documents, Parquet written by DuckDB, filters, aggregates, LIMIT, CSV
 * and JSON output, ScanRange, GZIP, errors before and during the stream, and authorization.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand, PutObjectCommand, S3Client, SelectObjectContentCommand, type S3ClientConfig, type SelectObjectContentCommandInput,
} from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { AdminClient } from '../../src/client/index.js';
import { ACCESS_KEY, DEPLOYMENT, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

const PARTNER_REGIONS = DEPLOYMENT === 'per-region' ? ['eu-fra'] : ['eu-fra', 'eu-lon'];
const BUCKET = `select-${Date.now()}`;

interface Outcome {
  records: string;
  stats?: { BytesScanned?: number; BytesProcessed?: number; BytesReturned?: number };
  progress: number;
  ended: boolean;
}

async function select(c: S3Client, key: string, expression: string, input: SelectObjectContentCommandInput['InputSerialization'], output: SelectObjectContentCommandInput['OutputSerialization'] = { CSV: {} }, extra: Partial<SelectObjectContentCommandInput> = {}): Promise<Outcome> {
  const r = await c.send(new SelectObjectContentCommand({ Bucket: BUCKET, Key: key, Expression: expression, ExpressionType: 'SQL', InputSerialization: input, OutputSerialization: output, ...extra }));
  const out: Outcome = { records: '', progress: 0, ended: false };
  for await (const ev of r.Payload ?? []) {
    if (ev.Records?.Payload) out.records += Buffer.from(ev.Records.Payload).toString('utf8');
    if (ev.Stats?.Details) out.stats = ev.Stats.Details;
    if (ev.Progress) out.progress++;
    if (ev.End) out.ended = true;
  }
  return out;
}

/** The S3 error code a call failed with (before or during the stream). */
async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { Code?: string; name?: string };
    return err.Code ?? err.name ?? 'Unknown';
  }
  return 'no error';
}

const CSV_USE = { CSV: { FileHeaderInfo: 'USE' as const } };
const PEOPLE = 'name,age,city\nalice,30,"Paris, FR"\nbob,25,Berlin\ncarol,41,Oslo\ndave,19,Rome\n';

describe('SelectObjectContent', () => {
  let server: TestServer;
  let dir: string;
  const clients: S3Client[] = [];
  let owner: S3Client;
  let reader: S3Client;
  let nobody: S3Client;
  let anonymous: S3Client;

  const client = (creds?: { accessKeyId: string; secretAccessKey: string }): S3Client => {
    const cfg: S3ClientConfig = { endpoint: server.url, region: REGION, forcePathStyle: true, maxAttempts: 1 };
    const c = creds ? new S3Client({ ...cfg, credentials: creds }) : new S3Client({ ...cfg, credentials: { accessKeyId: '', secretAccessKey: '' }, signer: { sign: async (r) => r } });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'sovra-select-it-'));
    // A customer whose administrator owns the data, a reader with s3:GetObject only, and a user with no policy.
    const operator = new AdminClient({ endpoint: server.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    const key = async (by: AdminClient, account: string, user: string) => {
      const k = await by.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', account, 'users', user, 'access-keys'], { json: {} });
      return { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
    };
    await operator.request('POST', 'partners', { json: { name: 'sel-telco', displayName: 'Sel Telco', regions: PARTNER_REGIONS } });
    await operator.request('POST', ['accounts', 'sel-telco', 'users'], { json: { name: 'admin', admin: true } });
    const partner = new AdminClient({ endpoint: server.url, ...(await key(operator, 'sel-telco', 'admin')) });
    await partner.request('POST', 'customers', { json: { name: 'sel-corp', regions: ['eu-fra'] } });
    await partner.request('POST', ['accounts', 'sel-corp', 'users'], { json: { name: 'admin', admin: true } });
    const adminCreds = await key(partner, 'sel-corp', 'admin');
    const customer = new AdminClient({ endpoint: server.url, ...adminCreds });
    await customer.request('POST', ['accounts', 'sel-corp', 'users'], { json: { name: 'reader' } });
    await customer.request('PUT', ['accounts', 'sel-corp', 'users', 'reader', 'policies', 'read'], {
      json: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${BUCKET}/*` }] },
    });
    await customer.request('POST', ['accounts', 'sel-corp', 'users'], { json: { name: 'nobody' } });
    owner = client(adminCreds);
    reader = client(await key(customer, 'sel-corp', 'reader'));
    nobody = client(await key(customer, 'sel-corp', 'nobody'));
    anonymous = client();

    await owner.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (Key: string, Body: string | Uint8Array) => owner.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    await put('people.csv', PEOPLE);
    await put('people.csv.gz', gzipSync(PEOPLE));
    await put('raw.csv', 'alpha|1\nbeta|2\ngamma|3\n');
    await put('bad-cast.csv', 'n\n1\n2\n' + '3\n'.repeat(500_000) + 'x\n');
    await put('events.jsonl', '{"id":1,"kind":"click","user":{"name":"ann"}}\n{"id":2,"kind":"view","user":{"name":"bo"}}\n{"id":3,"kind":"click","user":{"name":"cy"}}\n');
    await put('doc.json', JSON.stringify({ orders: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 7 }, { sku: 'C', qty: 4 }] }));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const pq = join(dir, 'sales.parquet');
    await conn.run(`COPY (SELECT range AS id, 'item-' || range AS item, CAST(range * 2.5 AS DOUBLE) AS price FROM range(1000)) TO '${pq}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();
    await put('sales.parquet', readFileSync(pq));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CSV with a header: named columns, WHERE, CSV output, Stats and End', async () => {
    const r = await select(owner, 'people.csv', "SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 24 AND s.name <> 'carol'", CSV_USE);
    assert.equal(r.records, 'alice,"Paris, FR"\nbob,Berlin\n');
    assert.equal(r.ended, true);
    assert.equal(r.stats?.BytesScanned, Buffer.byteLength(PEOPLE));
    assert.equal(r.stats?.BytesReturned, Buffer.byteLength(r.records));
  });

  it('CSV without a header: positional _N columns, custom delimiter, LIMIT', async () => {
    const r = await select(owner, 'raw.csv', 'SELECT s._2, s._1 FROM S3Object s LIMIT 2', { CSV: { FileHeaderInfo: 'NONE', FieldDelimiter: '|' } });
    assert.equal(r.records, '1,alpha\n2,beta\n');
  });

  it('aggregates, JSON output, Progress when requested', async () => {
    const r = await select(owner, 'people.csv', 'SELECT COUNT(*) AS n, MIN(s.name) AS first, SUM(CAST(s.age AS INT)) AS years FROM S3Object s', CSV_USE, { JSON: {} }, { RequestProgress: { Enabled: true } });
    assert.equal(r.records, '{"n":4,"first":"alice","years":115}\n');
    assert.ok(r.progress >= 1);
  });

  it('JSON output stays JSON when a float is not finite', async () => {
    const r = await select(owner, 'people.csv', "SELECT CAST('NaN' AS FLOAT) AS x, CAST(s.age AS FLOAT) / 0 AS y FROM S3Object s LIMIT 1", CSV_USE, { JSON: {} });
    assert.deepEqual(JSON.parse(r.records), { x: 'NaN', y: 'Infinity' });
  });

  it('GZIP-compressed CSV', async () => {
    const r = await select(owner, 'people.csv.gz', "SELECT s.name FROM S3Object s WHERE s.city LIKE 'O%'", { CSV: { FileHeaderInfo: 'USE' }, CompressionType: 'GZIP' });
    assert.equal(r.records, 'carol\n');
  });

  it('JSON LINES with nested paths', async () => {
    const r = await select(owner, 'events.jsonl', "SELECT e.id, e.user.name FROM S3Object[*] e WHERE e.kind = 'click'", { JSON: { Type: 'LINES' } }, { JSON: {} });
    assert.equal(r.records, '{"id":1,"name":"ann"}\n{"id":3,"name":"cy"}\n');
  });

  it('a JSON DOCUMENT with a FROM path into an array', async () => {
    const r = await select(owner, 'doc.json', 'SELECT o.sku FROM S3Object[*].orders[*] o WHERE o.qty > 3', { JSON: { Type: 'DOCUMENT' } });
    assert.equal(r.records, 'B\nC\n');
  });

  it('Parquet written by DuckDB, typed columns', async () => {
    const r = await select(owner, 'sales.parquet', 'SELECT s.item, s.price FROM S3Object s WHERE s.id BETWEEN 10 AND 12', { Parquet: {} }, { CSV: { QuoteFields: 'ALWAYS' } });
    assert.equal(r.records, '"item-10","25.0"\n"item-11","27.5"\n"item-12","30.0"\n');
    const agg = await select(owner, 'sales.parquet', 'SELECT AVG(s.price), MAX(s.id) FROM S3Object s', { Parquet: {} });
    assert.equal(agg.records, '1248.75,999\n');
  });

  it('ScanRange: the records that start in the range', async () => {
    // people.csv: the header is 14 bytes; bob's record starts at 35.
    const r = await select(owner, 'people.csv', 'SELECT s.name FROM S3Object s', CSV_USE, { CSV: {} }, { ScanRange: { Start: 20, End: 40 } });
    assert.equal(r.records, 'bob\n');
  });

  it('errors before the stream are S3 errors with the S3 Select codes', async () => {
    assert.equal(await errorCode(select(owner, 'people.csv', 'SELECT s.name FROM S3Object s ORDER BY s.name', CSV_USE)), 'UnsupportedSqlOperation');
    assert.equal(await errorCode(select(owner, 'people.csv', 'SELEKT * FROM S3Object', CSV_USE)), 'ParseUnexpectedToken');
    assert.equal(await errorCode(select(owner, 'people.csv', 'SELECT s.salary FROM S3Object s', CSV_USE)), 'EvaluatorBindingDoesNotExist');
    assert.equal(await errorCode(select(owner, 'people.csv', 'SELECT * FROM S3Object', CSV_USE, { CSV: {} }, { ExpressionType: 'XPATH' as 'SQL' })), 'InvalidExpressionType');
    assert.equal(await errorCode(select(owner, 'people.csv', 'SELECT * FROM S3Object', { CSV: { FileHeaderInfo: 'MAYBE' as 'USE' } })), 'InvalidFileHeaderInfo');
    assert.equal(await errorCode(select(owner, 'nope.csv', 'SELECT * FROM S3Object', CSV_USE)), 'NoSuchKey');
  });

  it('a failure on the data while scanning is an error event in the 200 stream, never a short result', async () => {
    let got = '';
    let status: number | undefined;
    let code = 'no error';
    try {
      const r = await owner.send(new SelectObjectContentCommand({
        Bucket: BUCKET, Key: 'bad-cast.csv', Expression: 'SELECT CAST(s.n AS INT) FROM S3Object s', ExpressionType: 'SQL',
        InputSerialization: CSV_USE, OutputSerialization: { CSV: {} },
      }));
      status = r.$metadata.httpStatusCode;
      for await (const ev of r.Payload ?? []) if (ev.Records?.Payload) got += Buffer.from(ev.Records.Payload).toString('utf8');
    } catch (e) {
      const err = e as { Code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
      code = err.Code ?? err.name ?? 'Unknown';
      status ??= err.$metadata?.httpStatusCode;
    }
    assert.equal(code, 'CastFailed');
    assert.equal(status ?? 200, 200, 'an event in the stream, not an HTTP error');
    // Only the last row fails: no part of a failed scan may pass for a complete result.
    assert.equal(got, '');
  });

  it('needs s3:GetObject on the object', async () => {
    const r = await select(reader, 'people.csv', 'SELECT COUNT(*) FROM S3Object', CSV_USE);
    assert.equal(r.records, '4\n');
    assert.equal(await errorCode(select(nobody, 'people.csv', 'SELECT COUNT(*) FROM S3Object', CSV_USE)), 'AccessDenied');
    assert.equal(await errorCode(select(anonymous, 'people.csv', 'SELECT COUNT(*) FROM S3Object', CSV_USE)), 'AccessDenied');
  });

  it('logs no internal errors', () => {
    assert.deepEqual(server.errors.filter((l) => /internal error/i.test(l)), []);
  });
});

describe('S3 Select: a result larger than the query memory', () => {
  // Small, but room for S3 Select's CSV reader buffers (2 x 4 MiB) and the result table's column buffers.
  const MEMORY_MB = 32;
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startTestServer({ env: { SOVRA_QUERY_MEMORY_MB: String(MEMORY_MB), SOVRA_QUERY_THREADS: '1' } });
    s3 = server.makeClient();
  });
  after(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('spills to the scratch directory and streams every record', async () => {
    const rows = 60_000;
    const pad = (i: number) => `${String(i).padStart(8, '0')}-${'x'.repeat(52)}`;
    const csv = 'id,pad\n' + Array.from({ length: rows }, (_, i) => `${i},${pad(i)}\n`).join('');
    await s3.send(new CreateBucketCommand({ Bucket: 'select-big' }));
    await s3.send(new PutObjectCommand({ Bucket: 'select-big', Key: 'big.csv', Body: csv }));
    // Each record comes back ten times wider than it went in: about 38 MB of records from a 4 MB object.
    const r = await s3.send(new SelectObjectContentCommand({
      Bucket: 'select-big', Key: 'big.csv', Expression: `SELECT s.id, ${Array(10).fill('s.pad').join(', ')} FROM S3Object s`, ExpressionType: 'SQL',
      InputSerialization: { CSV: { FileHeaderInfo: 'USE' } }, OutputSerialization: { CSV: {} },
    }));
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const ev of r.Payload ?? []) {
      if (!ev.Records?.Payload) continue;
      hash.update(ev.Records.Payload);
      bytes += ev.Records.Payload.length;
    }
    const expected = createHash('sha256');
    let expectedBytes = 0;
    for (let i = 0; i < rows; i++) {
      const line = `${i},${Array(10).fill(pad(i)).join(',')}\n`;
      expected.update(line);
      expectedBytes += line.length;
    }
    assert.ok(bytes > MEMORY_MB * 1024 * 1024, `${bytes} bytes of records: more than the ${MEMORY_MB} MiB a query may hold in memory`);
    assert.equal(bytes, expectedBytes);
    assert.equal(hash.digest('hex'), expected.digest('hex'));
  });
});
