/**
 * Per-customer analytics quotas through a real server: a partner sets a customer's limits
 * with the admin API, and the engine runs that customer's queries (and S3 Select) under the
 * smaller of its quota and the server's limit. Each customer is created with its quotas, so
 * no test waits for the quota cache. No assertion here is about time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
import { AdminApiError, AdminClient, type AnalyticsClient, type Quotas } from '../../src/client/index.js';
import { analyticsClient, collect, ENDLESS, refused, rows, until } from './analytics-harness.js';
import { ACCESS_KEY, failure, REGION, SECRET_KEY, startTestServer, type TestServer } from './harness.js';

const MiB = 1024 * 1024;
/** The server's limits in this suite. */
const SERVER = { timeoutMs: 300_000, memoryBytes: 256 * MiB, threads: 2, maxResultBytes: 1 * MiB };
/** A list aggregate cannot spill: it needs more than 64 MiB, well within 256 MiB. */
const HUNGRY = "SELECT length(list(range::VARCHAR || '-padding-padding-padding')) AS n FROM range(1000000)";
/** About 165 kB of CSV (or Parquet: hex digests do not compress): over a 100 kB quota, within the server's 1 MiB. */
const BIG_FOR_QUOTA = 'SELECT md5(range::VARCHAR) AS h FROM range(5000)';

interface Customer {
  name: string;
  query: AnalyticsClient;
  admin: AdminClient;
  s3: S3Client;
}

async function adminError(p: Promise<unknown>): Promise<AdminApiError> {
  const e: unknown = await p.then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof AdminApiError, `expected the admin API to refuse, got ${String(e)}`);
  return e;
}

describe('analytics: per-customer quotas', () => {
  let s: TestServer;
  let partner: AdminClient;
  const customers: Customer[] = [];

  async function customer(name: string, quotas: Partial<Quotas>): Promise<Customer> {
    await partner.request('POST', 'customers', { json: { name, regions: ['eu-fra'], quotas } });
    await partner.request('POST', ['accounts', name, 'users'], { json: { name: 'admin', admin: true } });
    const key = await partner.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', name, 'users', 'admin', 'access-keys'], { json: {} });
    const c: Customer = {
      name,
      query: analyticsClient(s, key),
      admin: new AdminClient({ endpoint: s.url, ...key }),
      s3: new S3Client({ endpoint: s.url, region: REGION, forcePathStyle: true, maxAttempts: 1, credentials: key }),
    };
    customers.push(c);
    return c;
  }

  before(async () => {
    s = await startTestServer({
      env: { SOVRA_QUERY_CONCURRENCY: '2', SOVRA_QUERY_MEMORY_MB: '256', SOVRA_QUERY_THREADS: '2', SOVRA_QUERY_MAX_RESULT_MB: '1', SOVRA_QUERY_TIMEOUT_MS: String(SERVER.timeoutMs) },
    });
    const operator = new AdminClient({ endpoint: s.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    await operator.request('POST', 'partners', { json: { name: 'qtelco', regions: ['eu-fra'], brand: { displayName: 'Q Telco', supportContact: 'help@q.example' } } });
    await operator.request('POST', ['accounts', 'qtelco', 'users'], { json: { name: 'admin', admin: true } });
    const pk = await operator.request<{ accessKeyId: string; secretAccessKey: string }>('POST', ['accounts', 'qtelco', 'users', 'admin', 'access-keys'], { json: {} });
    partner = new AdminClient({ endpoint: s.url, ...pk });
  });
  after(async () => {
    for (const c of customers) c.s3.destroy();
    await s.stop();
  });

  it("runs one query at a time for a customer allowed one; another customer is unaffected", async () => {
    const solo = await customer('solo', { maxConcurrentQueries: 1 });
    const other = await customer('other', {});
    const running = refused(solo.query.query({ sql: ENDLESS, id: 'solo-endless-1' }));
    await until(solo.query, 'solo-endless-1', (x) => x.state === 'running');
    const busy = await refused(solo.query.query({ sql: 'SELECT 1 AS one' }));
    assert.deepEqual([busy.code, busy.status], ['TooManyQueries', 429]);
    // Another customer, with the server's figure (2), runs two at once meanwhile.
    const second = refused(other.query.query({ sql: ENDLESS, id: 'other-endless-1' }));
    await until(other.query, 'other-endless-1', (x) => x.state === 'running');
    assert.deepEqual(await rows(other.query, 'SELECT 2 AS two'), [{ two: 2 }]);
    await other.query.cancel('other-endless-1');
    await solo.query.cancel('solo-endless-1');
    assert.equal((await running).code, 'QueryCancelled');
    assert.equal((await second).code, 'QueryCancelled');
    assert.deepEqual(await rows(solo.query, 'SELECT 3 AS three'), [{ three: 3 }], 'the slot is free again');
  });

  it('stops a query at the customer\'s time quota with QueryTimeout', async () => {
    const quick = await customer('quick', { maxQuerySeconds: 1 });
    const e = await refused(quick.query.query({ sql: ENDLESS, id: 'quick-endless-1' }));
    assert.deepEqual([e.code, e.status], ['QueryTimeout', 408]);
    assert.match(e.message, /longer than 1 s/);
    const st = await quick.query.status('quick-endless-1');
    assert.deepEqual([st.state, st.error?.code, st.limits.timeoutMs], ['failed', 'QueryTimeout', 1000]);
  });

  it('refuses a result over the customer\'s result quota that another customer gets whole', async () => {
    const tiny = await customer('tiny', { maxQueryResultBytes: 100_000 });
    const other = customers.find((c) => c.name === 'other') ?? assert.fail('other');
    for (const format of ['csv', 'parquet'] as const) {
      const e = await refused(tiny.query.query({ sql: BIG_FOR_QUOTA, format }));
      assert.deepEqual([e.code, e.status], ['ResultTooLarge', 413], format);
      assert.match(e.message, /larger than 100000 bytes/);
    }
    const whole = await collect(other.query, { sql: BIG_FOR_QUOTA, format: 'csv' });
    assert.equal(whole.stats.rows, 5000);
    assert.ok(whole.bytes.length > 100_000 && whole.bytes.length < SERVER.maxResultBytes, String(whole.bytes.length));
  });

  it("runs a customer's queries in a DuckDB with its memory and threads", async () => {
    const lean = await customer('lean', { maxQueryMemoryBytes: 64 * MiB, maxQueryThreads: 1 });
    const other = customers.find((c) => c.name === 'other') ?? assert.fail('other');
    const e = await refused(lean.query.query({ sql: HUNGRY, id: 'lean-hungry-1' }));
    assert.deepEqual([e.code, e.status], ['QueryMemoryExceeded', 413]);
    assert.match(e.message, /64\.0 MiB/, 'DuckDB ran out of the 64 MiB, not of the server\'s 256');
    assert.deepEqual((await lean.query.status('lean-hungry-1')).limits, { ...SERVER, memoryBytes: 64 * MiB, threads: 1 });
    assert.deepEqual(await rows(other.query, HUNGRY), [{ n: 1000000 }]);
    // A query that fits runs, and twice in a row (the second in the spare opened with the same
    // limits); reading a CSV file takes DuckDB some 32 MiB of buffer, which 64 MiB allows.
    await lean.s3.send(new CreateBucketCommand({ Bucket: 'lean-data' }));
    await lean.s3.send(new PutObjectCommand({ Bucket: 'lean-data', Key: 'a.csv', Body: 'x\n1\n2\n' }));
    for (const id of ['lean-small-1', 'lean-small-2']) {
      assert.deepEqual(await rows(lean.query, "SELECT sum(x) AS s FROM read_csv('s3://lean-data/a.csv')"), [{ s: 3 }]);
      const r = await collect(lean.query, { sql: "SELECT x FROM 's3://lean-data/a.csv' ORDER BY x", id, format: 'csv' });
      assert.equal(r.bytes.toString(), 'x\n1\n2\n');
      assert.deepEqual((await lean.query.status(id)).limits, { ...SERVER, memoryBytes: 64 * MiB, threads: 1 });
    }
  });

  it("does not widen the server's limits with a larger quota", async () => {
    const greedy = await customer('greedy', {
      maxConcurrentQueries: 100, maxQuerySeconds: 1_000_000, maxQueryMemoryBytes: 64 * 1024 * MiB, maxQueryThreads: 64, maxQueryResultBytes: 10 * 1024 * MiB,
    });
    await collect(greedy.query, { sql: 'SELECT 1 AS one', id: 'greedy-one-1' });
    assert.deepEqual((await greedy.query.status('greedy-one-1')).limits, SERVER);
    const big = await refused(greedy.query.query({ sql: 'SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS h FROM range(200000)', format: 'csv' }));
    assert.equal(big.code, 'ResultTooLarge', 'the server\'s 1 MiB still holds');
    const first = refused(greedy.query.query({ sql: ENDLESS, id: 'greedy-endless-1' }));
    const second = refused(greedy.query.query({ sql: ENDLESS, id: 'greedy-endless-2' }));
    await until(greedy.query, 'greedy-endless-1', (x) => x.state === 'running');
    await until(greedy.query, 'greedy-endless-2', (x) => x.state === 'running');
    const third = await refused(greedy.query.query({ sql: 'SELECT 1' }));
    assert.equal(third.code, 'TooManyQueries', 'the server allows an account 2 at once');
    await greedy.query.cancel('greedy-endless-1');
    await greedy.query.cancel('greedy-endless-2');
    assert.equal((await first).code, 'QueryCancelled');
    assert.equal((await second).code, 'QueryCancelled');
  });

  it('turns analytics and S3 Select off for a customer allowed no queries, naming its partner', async () => {
    const off = await customer('off', { maxConcurrentQueries: 0 });
    const e = await refused(off.query.query({ sql: 'SELECT 1' }));
    assert.deepEqual([e.code, e.status], ['QuotaExceeded', 403]);
    assert.match(e.message, /Analytics is off for the account off: its quota allows no queries; ask Q Telco \(help@q\.example\) to allow them/);
    await off.s3.send(new CreateBucketCommand({ Bucket: 'off-data' }));
    await off.s3.send(new PutObjectCommand({ Bucket: 'off-data', Key: 'a.csv', Body: 'x\n1\n2\n' }));
    const selectIt = (c: Customer, bucket: string) =>
      c.s3.send(new SelectObjectContentCommand({ Bucket: bucket, Key: 'a.csv', Expression: 'SELECT s.x FROM S3Object s', ExpressionType: 'SQL', InputSerialization: { CSV: { FileHeaderInfo: 'USE' } }, OutputSerialization: { CSV: {} } }));
    const refusedSelect = await failure(selectIt(off, 'off-data'));
    assert.deepEqual([refusedSelect.code, refusedSelect.status], ['QuotaExceeded', 403]);
    // S3 Select with narrowed limits (64 MiB, one thread) runs.
    const lean = customers.find((c) => c.name === 'lean') ?? assert.fail('lean');
    const r = await selectIt(lean, 'lean-data');
    let records = '';
    for await (const ev of r.Payload ?? []) if (ev.Records?.Payload) records += Buffer.from(ev.Records.Payload).toString('utf8');
    assert.equal(records, '1\n2\n');
  });

  it('lets only the partner set analytics quotas, and refuses bad values', async () => {
    const solo = customers.find((c) => c.name === 'solo') ?? assert.fail('solo');
    const denied = await adminError(solo.admin.request('PATCH', ['customers', 'solo'], { json: { quotas: { maxConcurrentQueries: 10 } } }));
    assert.deepEqual([denied.code, denied.status], ['AccessDenied', 403]);
    const lifted = await adminError(solo.admin.request('PATCH', ['customers', 'solo'], { json: { quotas: { maxConcurrentQueries: null } } }));
    assert.equal(lifted.code, 'AccessDenied', 'nor back to the server\'s limit');
    for (const [quotas, pattern] of [
      [{ maxConcurrentQueries: -1 }, /"maxConcurrentQueries" must be a whole number >= 0, or null for the server's limit/],
      [{ maxQuerySeconds: 0 }, /"maxQuerySeconds" must be a whole number >= 1/],
      [{ maxQuerySeconds: '60' }, /"maxQuerySeconds" must be a whole number/],
      [{ maxQueryMemoryBytes: 1024 }, /"maxQueryMemoryBytes" must be a whole number >= 67108864/],
      [{ maxQueryThreads: 1.5 }, /"maxQueryThreads" must be a whole number >= 1/],
      [{ maxQueryResultBytes: 0 }, /"maxQueryResultBytes" must be a whole number >= 1/],
      [{ maxQueryMinutes: 5 }, /unknown field "maxQueryMinutes"/],
    ] as const) {
      const e = await adminError(partner.request('PATCH', ['customers', 'solo'], { json: { quotas } }));
      assert.deepEqual([e.code, e.status], ['InvalidArgument', 400], JSON.stringify(quotas));
      assert.match(e.message, pattern);
    }
    const shown = await partner.request<{ quotas: Quotas }>('GET', ['customers', 'solo']);
    assert.deepEqual(shown.quotas, {
      maxBytes: null, maxBuckets: null, maxRequestsPerSecond: null,
      maxConcurrentQueries: 1, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null,
    }, 'unchanged');
    const changed = await partner.request<{ quotas: Quotas }>('PATCH', ['customers', 'solo'], { json: { quotas: { maxConcurrentQueries: 3, maxQuerySeconds: 60 } } });
    assert.deepEqual([changed.quotas.maxConcurrentQueries, changed.quotas.maxQuerySeconds], [3, 60]);
  });
});
