/**
 * SQL over stored objects through a real server: objects uploaded with the AWS SDK (CSV,
 * JSON lines, Parquet made by DuckDB), queries POSTed to /analytics/v1/query signed with
 * SigV4, results read back in every format, results written back to a bucket, the sandbox's
 * refusals, residency, bad SQL and malformed files.
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANALYTICS_ROUTES, analyticsOpenApi } from '../../src/analytics/index.js';
import { sha256Hex, SigV4Signer, type AnalyticsClient } from '../../src/client/index.js';
import { analyticsClient, collect, parquetOf, parquetRows, refused, rows, stored } from './analytics-harness.js';
import { readArrowStream } from './arrow-reader.js';
import { ACCESS_KEY, DEPLOYMENT, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';
import { rawRequest } from './raw-http.js';

const A_CSV = 'region,amount,note\nDE,10,"first, with comma"\nFR,5,plain\nDE,2,"quote ""inside"""\n';
const B_CSV = 'region,amount,note\nGB,7,\n';
const EVENTS = '{"id":1,"kind":"click","user":"u1"}\n{"id":2,"kind":"view","user":"u2"}\n{"id":3,"kind":"click","user":"u1"}\n';

describe('analytics: SQL over objects', () => {
  let s: TestServer;
  let q: AnalyticsClient;
  const sizes = { a: Buffer.byteLength(A_CSV), b: Buffer.byteLength(B_CSV) };
  let usersParquet: Buffer;

  async function put(bucket: string, key: string, body: string | Buffer) {
    await s.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  async function bucket(name: string, region?: string, zones?: string) {
    const cmd = new CreateBucketCommand({ Bucket: name, ...(region ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } } : {}) });
    if (zones !== undefined) {
      cmd.middlewareStack.add((next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-sovra-residency'] = zones;
        return next(args);
      }, { step: 'build' });
    }
    await s.client.send(cmd);
  }

  before(async () => {
    s = await startTestServer();
    q = analyticsClient(s);
    await bucket('an-sales');
    await put('an-sales', 'raw/2025/a.csv', A_CSV);
    await put('an-sales', 'raw/2025/b.csv', B_CSV);
    await put('an-sales', 'raw/2024/old.csv', 'region,amount,note\nXX,1000,\n');
    await put('an-sales', 'events/day1.jsonl', EVENTS);
    usersParquet = await parquetOf("SELECT * FROM (VALUES ('u1', 'Alice', DATE '2024-05-01'), ('u2', 'Bob', DATE '2025-01-31')) t(user_id, name, since)");
    await put('an-sales', 'dim/users.parquet', usersParquet);
    // Large enough (about 290 KB) to be stored as a file blob, which a query gets as a hard link.
    await put('an-sales', 'big/numbers.csv', 'n\n' + Array.from({ length: 50_000 }, (_, i) => String(i)).join('\n') + '\n');
    await put('an-sales', 'bad/truncated.parquet', usersParquet.subarray(0, Math.floor(usersParquet.length / 2)));
    await put('an-sales', 'bad/late.csv', 'n\n' + Array.from({ length: 400_000 }, (_, i) => (i === 390_000 ? 'x' : String(i))).join('\n') + '\n');
    await put('an-sales', 'bad/broken.csv', 'a,b\n1,"unterminated\n2,3\n');
    await put('an-sales', 'keys with spaces/o\'brien.csv', 'x\n1\n');
  });
  after(async () => {
    await s.stop();
  });

  it('refuses a body that is not the one signed, or larger than 1 MiB, before running anything', async () => {
    const signer = new SigV4Signer({ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, region: REGION });
    const post = (signedBody: string, sentBody: string) => {
      const host = new URL(s.url).host;
      const signed = signer.sign({ method: 'POST', host, path: '/analytics/v1/query', headers: { 'content-type': 'application/json' }, payloadHash: sha256Hex(signedBody) });
      return rawRequest(s.url, { method: 'POST', path: signed.path, headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(sentBody)) }, body: sentBody });
    };
    const swapped = await post('{"sql":"SELECT 1"}', '{"sql":"SELECT 2"}');
    assert.equal(swapped.status, 400);
    assert.equal(JSON.parse(swapped.text).code, 'XAmzContentSHA256Mismatch');
    const big = JSON.stringify({ sql: `SELECT '${'x'.repeat(1024 * 1024)}'` });
    const tooBig = await post(big, big);
    assert.equal(tooBig.status, 400);
    assert.equal(JSON.parse(tooBig.text).code, 'InvalidRequest');
    assert.match(JSON.parse(tooBig.text).message, /larger than 1048576 bytes/);
  });

  it('aggregates CSV objects named by a glob; columns, bytes scanned, time and rows are reported', async () => {
    const r = await collect(q, { sql: "SELECT region, sum(amount) AS total FROM read_csv('s3://an-sales/raw/2025/*.csv') GROUP BY region ORDER BY region", format: 'jsonl' });
    assert.equal(r.contentType, 'application/x-ndjson');
    assert.deepEqual(r.columns.map((c) => c.name), ['region', 'total']);
    assert.equal(r.columns[0]?.type, 'VARCHAR');
    assert.deepEqual(r.bytes.toString().trim().split('\n').map((l) => JSON.parse(l)), [{ region: 'DE', total: 12 }, { region: 'FR', total: 5 }, { region: 'GB', total: 7 }]);
    assert.equal(r.stats.rows, 3);
    assert.equal(r.stats.bytesScanned, sizes.a + sizes.b, 'the 2024 object is not part of the glob');
    assert.ok(r.stats.elapsedMs >= 0);
    const status = await q.status(r.id);
    assert.equal(status.state, 'succeeded');
    assert.equal(status.rows, 3);
    assert.equal(status.bytesScanned, sizes.a + sizes.b);
    assert.equal(status.progress, 1);
  });

  it('the same text over a replaced object reports the new object\'s columns (and a repeated one the same)', async () => {
    const sql = "SELECT * FROM 's3://an-sales/shape/t.csv'";
    for (const format of ['csv', 'jsonl', 'parquet'] as const) {
      await put('an-sales', 'shape/t.csv', 'a,b\n1,x\n');
      const first = await collect(q, { sql, format });
      assert.deepEqual(first.columns.map((c) => [c.name, c.type]), [['a', 'BIGINT'], ['b', 'VARCHAR']], format);
      assert.deepEqual((await collect(q, { sql, format })).columns, first.columns, `${format}: the same again`);
      await put('an-sales', 'shape/t.csv', 'p,q,r\n2.5,true,2025-01-31\n');
      const replaced = await collect(q, { sql, format });
      assert.deepEqual(replaced.columns.map((c) => [c.name, c.type]), [['p', 'DOUBLE'], ['q', 'BOOLEAN'], ['r', 'DATE']], `${format}: the new object's columns`);
    }
  });

  it('JSON lines stay JSON: non-finite floats come back as the strings "NaN", "Infinity", "-Infinity"', async () => {
    assert.deepEqual(await rows(q, "SELECT 'NaN'::DOUBLE AS a, 'inf'::DOUBLE AS b, ['-inf'::FLOAT, 1.5] AS l, 'NaN' AS s"), [{ a: 'NaN', b: 'Infinity', l: ['-Infinity', 1.5], s: 'NaN' }]);
  });

  it('** crosses folders; quoted table names and keys with quotes and spaces work', async () => {
    assert.deepEqual(await rows(q, "SELECT count(*) AS n FROM read_csv('s3://an-sales/raw/**/*.csv')"), [{ n: 5 }]);
    assert.deepEqual(await rows(q, "SELECT sum(amount) AS s FROM 's3://an-sales/raw/2025/a.csv'"), [{ s: 17 }]);
    assert.deepEqual(await rows(q, "SELECT x FROM 's3://an-sales/keys with spaces/o''brien.csv'"), [{ x: 1 }]);
    assert.deepEqual(await rows(q, "SELECT count(*) AS n, max(n) AS top FROM 's3://an-sales/big/numbers.csv'"), [{ n: 50000, top: 49999 }]);
  });

  it('joins JSON lines with Parquet', async () => {
    const r = await rows(q, "SELECT u.name, count(*) AS clicks FROM read_json('s3://an-sales/events/*.jsonl') e JOIN read_parquet('s3://an-sales/dim/users.parquet') u ON e.user = u.user_id WHERE e.kind = 'click' GROUP BY u.name");
    assert.deepEqual(r, [{ name: 'Alice', clicks: 2 }]);
  });

  it('returns CSV with quoting that round-trips', async () => {
    const r = await collect(q, { sql: "SELECT region, amount, note FROM 's3://an-sales/raw/2025/a.csv' ORDER BY amount", format: 'csv' });
    assert.equal(r.contentType, 'text/csv');
    assert.equal(r.bytes.toString(), 'region,amount,note\nDE,2,"quote ""inside"""\nFR,5,plain\nDE,10,"first, with comma"\n');
  });

  it('returns Parquet that DuckDB reads back', async () => {
    const r = await collect(q, { sql: "SELECT region, sum(amount)::BIGINT AS total FROM read_csv('s3://an-sales/raw/2025/*.csv') GROUP BY region ORDER BY region", format: 'parquet' });
    assert.equal(r.contentType, 'application/vnd.apache.parquet');
    assert.equal(r.bytes.subarray(0, 4).toString(), 'PAR1');
    assert.deepEqual(await parquetRows(r.bytes, 'SELECT region, total FROM t ORDER BY region'), [['DE', '12'], ['FR', '5'], ['GB', '7']]);
    assert.equal(r.stats.rows, 3);
  });

  it('returns an Arrow IPC stream', async () => {
    const r = await collect(q, { sql: "SELECT user_id, name, since, length(name) AS len, len > 3 AS long, 1.5::DOUBLE AS f, NULL::VARCHAR AS nothing FROM 's3://an-sales/dim/users.parquet' ORDER BY user_id", format: 'arrow' });
    assert.equal(r.contentType, 'application/vnd.apache.arrow.stream');
    const t = readArrowStream(r.bytes);
    assert.deepEqual(t.fields.map((f) => `${f.name}:${f.type}`), ['user_id:Utf8', 'name:Utf8', 'since:Date', 'len:Int64', 'long:Bool', 'f:Float64', 'nothing:Utf8']);
    assert.deepEqual(t.rows, [
      { user_id: 'u1', name: 'Alice', since: 19844, len: 5n, long: true, f: 1.5, nothing: null },
      { user_id: 'u2', name: 'Bob', since: 20119, len: 3n, long: false, f: 1.5, nothing: null },
    ]);
  });

  it('Arrow keeps decimals (Decimal128) and times (Time64) typed, negative and wide values included', async () => {
    const r = await collect(q, {
      sql: "SELECT d, w, t FROM (VALUES (12.34::DECIMAL(4,2), -98765432109876543210.5::DECIMAL(38,1), TIME '13:45:06.789'), (-0.05::DECIMAL(4,2), NULL, NULL)) AS v(d, w, t)",
      format: 'arrow',
    });
    const t = readArrowStream(r.bytes);
    assert.deepEqual(t.fields.map((f) => `${f.name}:${f.type}`), ['d:Decimal128(4,2)', 'w:Decimal128(38,1)', 't:Time64us']);
    assert.deepEqual(t.rows, [
      { d: '12.34', w: '-98765432109876543210.5', t: 49_506_789_000n },
      { d: '-0.05', w: null, t: null },
    ]);
  });

  it('writes a result back as an object (CREATE TABLE AS, the S3 way)', async () => {
    const out = await stored(q, { sql: "SELECT region, sum(amount)::BIGINT AS total FROM read_csv('s3://an-sales/raw/2025/*.csv') GROUP BY ALL ORDER BY region", format: 'parquet', output: { bucket: 'an-sales', key: 'reports/totals.parquet' } });
    assert.equal(out.rows, 3);
    assert.equal(out.bucket, 'an-sales');
    assert.equal(out.bytesScanned, sizes.a + sizes.b);
    const got = await s.client.send(new GetObjectCommand({ Bucket: 'an-sales', Key: 'reports/totals.parquet' }));
    const bytes = Buffer.from(await got.Body?.transformToByteArray() ?? []);
    assert.equal(got.ContentType, 'application/vnd.apache.parquet');
    assert.equal(got.ETag, out.etag);
    assert.equal(bytes.length, out.size);
    assert.deepEqual(await parquetRows(bytes, 'SELECT * FROM t ORDER BY region'), [['DE', '12'], ['FR', '5'], ['GB', '7']]);
    // ... and it can be queried in turn, as CSV output too.
    await stored(q, { sql: "SELECT * FROM 's3://an-sales/reports/totals.parquet' WHERE total > 6", format: 'csv', output: { bucket: 'an-sales', key: 'reports/big.csv' } });
    const csv = await s.client.send(new GetObjectCommand({ Bucket: 'an-sales', Key: 'reports/big.csv' }));
    assert.equal(await csv.Body?.transformToString(), 'region,total\nDE,12\nGB,7\n');
  });

  it('refuses statements other than one read-only query, through the API', async () => {
    for (const sql of [
      "ATTACH '/tmp/sovra-x.db' AS x", "COPY (SELECT 1) TO '/tmp/sovra-x.csv'", 'INSTALL httpfs', 'LOAD httpfs', 'SET enable_external_access = true',
      "SET memory_limit = '100GB'", 'PRAGMA threads = 64', "CREATE TABLE t AS SELECT * FROM 's3://an-sales/raw/2025/a.csv'", "EXPORT DATABASE '/tmp/sovra-db'",
      'SELECT 1; SELECT 2',
    ]) {
      const e = await refused(q.query({ sql }));
      assert.equal(e.code, 'QueryRefused', `${sql}: ${e.code} ${e.message}`);
      assert.equal(e.status, 403);
    }
  });

  it('never reaches host files or the network: the guard and the sandbox each refuse', async () => {
    // A literal path: refused by the sandbox with DuckDB's permission error.
    const lit = await refused(q.query({ sql: "SELECT * FROM read_csv('/etc/passwd')" }));
    assert.equal(lit.code, 'QueryRefused');
    assert.match(lit.message, /Permission Error/);
    // A path built at run time, invisible to any text check: the sandbox again.
    const built = await refused(q.query({ sql: "SELECT * FROM read_text('/etc/' || 'hostname')" }));
    assert.equal(built.code, 'QueryRefused');
    for (const sql of ["SELECT * FROM read_csv('https://example.com/x.csv')", `SELECT * FROM read_csv('${s.dataDir}/control/directory.db')`, "SELECT * FROM '/etc/passwd'"]) {
      assert.equal((await refused(q.query({ sql }))).code, 'QueryRefused', sql);
    }
    // Functions that would run SQL the guard never saw, or show the settings.
    for (const sql of ["SELECT * FROM query('ATTACH ''/tmp/x.db''')", "SELECT current_setting('allowed_directories')", 'SELECT * FROM duckdb_settings()', "SELECT * FROM glob('/*')"]) {
      const e = await refused(q.query({ sql }));
      assert.equal(e.code, 'QueryRefused', sql);
      assert.ok(e.position !== undefined, `${sql}: position`);
    }
  });

  it("gives DuckDB's message and the position in the caller's text; no scratch path leaks", async () => {
    const sql = "SELECT nocol FROM read_csv('s3://an-sales/raw/2025/*.csv')";
    const e = await refused(q.query({ sql }));
    assert.equal(e.code, 'InvalidQuery');
    assert.equal(e.status, 400);
    assert.equal(e.position, sql.indexOf('nocol'));
    assert.match(e.message, /Referenced column "nocol" not found/);
    assert.match(e.message, /LINE 1: SELECT nocol FROM read_csv\('s3:\/\/an-sales\/raw\/2025\/\*\.csv'\)/);
    assert.doesNotMatch(e.message, /analytics-scratch|\/in\/o\d/);
    const syntax = await refused(q.query({ sql: 'SELEC 1' }));
    assert.equal(syntax.code, 'InvalidQuery');
    assert.equal(syntax.position, 0);
  });

  it('answers unknown buckets and objects, and globs that match nothing, with 404s', async () => {
    assert.equal((await refused(q.query({ sql: "SELECT * FROM 's3://no-such-bucket-an/x.csv'" }))).code, 'NoSuchBucket');
    const key = await refused(q.query({ sql: "SELECT * FROM 's3://an-sales/raw/none.csv'" }));
    assert.equal(key.code, 'NoSuchKey');
    assert.equal(key.status, 404);
    const glob = await refused(q.query({ sql: "SELECT * FROM read_csv('s3://an-sales/raw/*/*.tsv')" }));
    assert.equal(glob.code, 'NoSuchKey');
    assert.match(glob.message, /No object matches s3:\/\/an-sales\/raw\/\*\/\*\.tsv/);
  });

  it('reports malformed files clearly and keeps serving', async () => {
    const parquet = await refused(q.query({ sql: "SELECT * FROM read_parquet('s3://an-sales/bad/truncated.parquet')" }));
    assert.equal(parquet.code, 'MalformedObject');
    assert.equal(parquet.status, 422);
    assert.match(parquet.message, /s3:\/\/an-sales\/bad\/truncated\.parquet/);
    assert.doesNotMatch(parquet.message, /analytics-scratch/);
    // A quote left open, where the query says the dialect ('"' quotes, ',' delimits).
    const csv = await refused(q.query({ sql: "SELECT * FROM read_csv('s3://an-sales/bad/broken.csv', quote = '\"', delim = ',', header = true)" }));
    assert.equal(csv.code, 'MalformedObject', csv.message);
    assert.match(csv.message, /s3:\/\/an-sales\/bad\/broken\.csv/);
    assert.deepEqual(await rows(q, "SELECT count(*) AS n FROM 's3://an-sales/raw/2025/b.csv'"), [{ n: 1 }]);
    assert.deepEqual(s.errors.filter((l) => /internal error/.test(l)), []);
  });

  it('answers an error, never a short result, when a query fails late, in every format', async () => {
    // DuckDB's streamed results end alike whether complete or failed midway; the whole result is made first.
    const late = "SELECT CAST(CASE WHEN i = 480000 THEN 'x' ELSE i::VARCHAR END AS INTEGER) AS n FROM range(500000) t(i)";
    for (const format of ['jsonl', 'csv', 'arrow', 'parquet'] as const) {
      const e = await refused(q.query({ sql: late, format, id: `late-cast-${format}` }));
      assert.equal(e.code, 'InvalidQuery', format);
      assert.equal(e.status, 400);
      assert.match(e.message, /Could not convert string 'x' to INT32/);
      // The position is the caller's, though the query ran inside a COPY (or CREATE TABLE AS).
      assert.equal(e.position, late.indexOf('CAST'), format);
      const status = await q.status(`late-cast-${format}`);
      assert.equal(status.state, 'failed');
      assert.equal(status.error?.code, 'InvalidQuery');
    }
    // A row deep in an object that does not fit the type detected from its start.
    for (const format of ['jsonl', 'csv', 'arrow', 'parquet'] as const) {
      const e = await refused(q.query({ sql: "SELECT n FROM read_csv('s3://an-sales/bad/late.csv')", format }));
      assert.equal(e.code, 'MalformedObject', `${format}: ${e.message}`);
      assert.match(e.message, /s3:\/\/an-sales\/bad\/late\.csv/);
      assert.doesNotMatch(e.message, /analytics-scratch/);
    }
    // A trailing comment and semicolon do not disturb the wrapping; the good rows are all there.
    for (const format of ['jsonl', 'csv', 'arrow', 'parquet'] as const) {
      const r = await collect(q, { sql: "SELECT n FROM read_csv('s3://an-sales/big/numbers.csv') WHERE n >= 1000; -- all but the first thousand", format });
      assert.equal(r.stats.rows, 49_000, format);
    }
    assert.deepEqual(await rows(q, "SELECT n FROM range(3) t(n) ORDER BY n DESC; -- a comment"), [{ n: 2 }, { n: 1 }, { n: 0 }]);
    // Statements DuckDB takes only as a subquery, and repeated names (distinct JSON keys, as DuckDB names them).
    assert.deepEqual(await rows(q, 'DESCRIBE SELECT 1 AS one'), [{ column_name: 'one', column_type: 'INTEGER', null: 'YES', key: null, default: null, extra: null }]);
    assert.deepEqual(await rows(q, 'SELECT 1 AS a, 2 AS a'), [{ a: 1, a_1: 2 }]);
    assert.equal((await collect(q, { sql: 'SELECT 1 AS a, 2 AS a', format: 'csv' })).bytes.toString(), 'a,a_1\n1,2\n');
  });

  it('validates the request body', async () => {
    for (const body of [{}, { sql: '' }, { sql: 'SELECT 1', format: 'xml' }, { sql: 'SELECT 1', output: { bucket: 'an-sales' } }, { sql: 'SELECT 1', id: 'x' }]) {
      const e = await refused(q.query(body as never));
      assert.equal(e.status, 400, JSON.stringify(body));
    }
  });

  it('documents exactly the routes it serves, and serves the document', async () => {
    const doc = analyticsOpenApi() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    assert.deepEqual(documented, ANALYTICS_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = (ref ?? '').split('/').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], doc);
      assert.ok(target !== undefined, `unresolved $ref #/${ref}`);
    }
    const served = await rawRequest(s.url, { method: 'GET', path: '/analytics/v1/openapi.json' });
    assert.deepEqual(JSON.parse(served.text), JSON.parse(JSON.stringify(doc)));
  });

  describe('residency', { skip: DEPLOYMENT === 'per-region' ? 'the per-region deployment serves one region' : false }, () => {
    before(async () => {
      await bucket('an-de', 'eu-fra');
      await bucket('an-gb', 'eu-lon');
      await bucket('an-eu-fra', 'eu-fra', 'EU');
      await bucket('an-eu-par', 'eu-par', 'EU');
      for (const b of ['an-de', 'an-gb', 'an-eu-fra', 'an-eu-par']) await put(b, 'k.csv', `id,src\n1,${b}\n`);
    });

    it('refuses a join of buckets whose residency policies do not share a region', async () => {
      const e = await refused(q.query({ sql: "SELECT * FROM 's3://an-de/k.csv' JOIN 's3://an-gb/k.csv' USING (id)" }));
      assert.equal(e.code, 'ResidencyConflict');
      assert.equal(e.status, 403);
      assert.match(e.message, /an-gb/);
      assert.match(e.message, /\[GB\]/);
    });

    it('joins buckets of two regions whose policies both allow the region the query runs in', async () => {
      assert.deepEqual(await rows(q, "SELECT a.src AS a, b.src AS b FROM 's3://an-eu-fra/k.csv' a JOIN 's3://an-eu-par/k.csv' b USING (id)"), [{ a: 'an-eu-fra', b: 'an-eu-par' }]);
    });

    it('writes a result only to a bucket whose policy lies within every input', async () => {
      const wider = await refused(q.query({ sql: "SELECT * FROM 's3://an-de/k.csv'", format: 'csv', output: { bucket: 'an-eu-fra', key: 'from-de.csv' } }));
      assert.equal(wider.code, 'ResidencyConflict');
      await stored(q, { sql: "SELECT * FROM 's3://an-eu-fra/k.csv'", format: 'csv', output: { bucket: 'an-de', key: 'from-eu.csv' } });
    });
  });
});
