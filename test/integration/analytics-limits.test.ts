/**
 * Limits of the analytics engine through a real server: a query that runs too long is
 * stopped, one can be cancelled (DELETE, or by going away), an account runs at most its
 * share of queries at once, and a result may not exceed its size limit. No assertion here
 * is about time: each waits for a state the server reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnalyticsClient } from '../../src/client/index.js';
import { analyticsClient, collect, ENDLESS, refused, rows, until } from './analytics-harness.js';
import { startTestServer, type TestServer } from './harness.js';

describe('analytics: limits', () => {
  let s: TestServer;
  let q: AnalyticsClient;
  before(async () => {
    s = await startTestServer({ env: { SOVRA_QUERY_CONCURRENCY: '1', SOVRA_QUERY_MAX_RESULT_MB: '1' } });
    q = analyticsClient(s);
  });
  after(async () => {
    await s.stop();
  });

  it('cancels a running query on DELETE; meanwhile a second one of the same account is refused', async () => {
    const running = refused(q.query({ sql: ENDLESS, id: 'endless-0001' }));
    const status = await until(q, 'endless-0001', (x) => x.state === 'running');
    assert.equal(status.state, 'running');
    const busy = await refused(q.query({ sql: 'SELECT 1' }));
    assert.equal(busy.code, 'TooManyQueries');
    assert.equal(busy.status, 429);
    await q.cancel('endless-0001');
    const e = await running;
    assert.equal(e.code, 'QueryCancelled');
    assert.equal(e.status, 499);
    const after = await until(q, 'endless-0001', (x) => x.state !== 'running');
    assert.equal(after.state, 'cancelled');
    assert.equal(after.error?.code, 'QueryCancelled');
    // The slot is free again.
    assert.deepEqual(await rows(q, 'SELECT 1 AS one'), [{ one: 1 }]);
  });

  it('cancels a query whose caller went away', async () => {
    const ac = new AbortController();
    const started = q.query({ sql: ENDLESS, id: 'endless-0002' }, { signal: ac.signal }).catch((e: unknown) => e);
    await until(q, 'endless-0002', (x) => x.state === 'running');
    ac.abort();
    await started;
    const end = await until(q, 'endless-0002', (x) => x.state !== 'running');
    assert.equal(end.state, 'cancelled');
    assert.deepEqual(await rows(q, 'SELECT 2 AS two'), [{ two: 2 }]);
  });

  it('refuses a result larger than the limit before the answer starts, in every format', async () => {
    const big = 'SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS h FROM range(200000)';
    for (const format of ['parquet', 'jsonl', 'csv', 'arrow'] as const) {
      const id = `too-big-${format}`;
      const e = await refused(q.query({ sql: big, format, id }));
      assert.equal(e.code, 'ResultTooLarge', format);
      assert.equal(e.status, 413);
      const end = await until(q, id, (x) => x.state !== 'running');
      assert.equal(end.state, 'failed');
      assert.equal(end.error?.code, 'ResultTooLarge');
    }
    // A result within the limit streams whole.
    const ok = await collect(q, { sql: 'SELECT range AS n FROM range(1000)', format: 'csv' });
    assert.equal(ok.stats.rows, 1000);
  });
});

describe('analytics: time limit', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { SOVRA_QUERY_TIMEOUT_MS: '2000' } });
  });
  after(async () => {
    await s.stop();
  });

  it('stops a query that runs longer than it may', async () => {
    const q = analyticsClient(s);
    const e = await refused(q.query({ sql: ENDLESS, id: 'slow-query-01' }));
    assert.equal(e.code, 'QueryTimeout');
    assert.equal(e.status, 408);
    const st = await q.status('slow-query-01');
    assert.equal(st.state, 'failed');
    assert.equal(st.error?.code, 'QueryTimeout');
    assert.deepEqual(await rows(q, 'SELECT 3 AS three'), [{ three: 3 }]);
  });
});
