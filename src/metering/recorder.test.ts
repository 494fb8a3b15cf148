/**
 * The usage recorder: aggregation per (account, bucket, region, hour, meter), flush to the
 * bucket's region, close flushes, and a failing flush keeps its counts and retries them
 * under the same batch id (so a store that committed but whose answer was lost does not
 * count twice).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageBatch } from '../meta/types.js';
import { MemoryUsageRecorder } from './recorder.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 1, 10, 15);

/** A store that applies each batch id once, like the metadata store does. */
class FakeRegionStore {
  readonly applied = new Set<string>();
  readonly totals = new Map<string, bigint>();
  calls = 0;
  failNext = 0;
  /** Commit, then fail the answer (an ambiguous failure). */
  loseAnswerNext = 0;

  async record(region: string, batch: UsageBatch): Promise<void> {
    this.calls++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('region unreachable');
    }
    if (!this.applied.has(batch.id)) {
      this.applied.add(batch.id);
      for (const r of batch.rows) {
        const k = `${region}|${r.accountId}|${r.bucket}|${r.hour}|${r.meter}`;
        this.totals.set(k, (this.totals.get(k) ?? 0n) + r.quantity);
      }
    }
    if (this.loseAnswerNext > 0) {
      this.loseAnswerNext--;
      throw new Error('connection reset after commit');
    }
  }

  get(region: string, account: string, bucket: string, at: number, meter: string): bigint {
    return this.totals.get(`${region}|${account}|${bucket}|${Math.floor(at / HOUR)}|${meter}`) ?? 0n;
  }
}

function recorder(store: FakeRegionStore, maxBatchRows?: number): MemoryUsageRecorder {
  return new MemoryUsageRecorder({ flushIntervalMs: 0, sink: (r, b) => store.record(r, b), ...(maxBatchRows ? { maxBatchRows } : {}) });
}

const req = (over: Partial<Parameters<MemoryUsageRecorder['request']>[0]> = {}) => ({
  accountId: 'acct', bucket: 'b', region: 'eu-fra', class: 'read' as const, bytesIn: 0, bytesOut: 100, at: T, ...over,
});

describe('usage recorder', () => {
  it('aggregates per account, bucket, region, hour and meter and flushes to the bucket region', async () => {
    const store = new FakeRegionStore();
    const rec = recorder(store);
    for (let i = 0; i < 10; i++) rec.request(req());
    rec.request(req({ class: 'write', bytesIn: 5000, bytesOut: 300 }));
    rec.request(req({ at: T + HOUR })); // next hour
    rec.request(req({ region: 'eu-par', bucket: 'p' }));
    rec.replicated({ accountId: 'acct', bucket: 'b', region: 'eu-fra', bytes: 777, at: T });
    rec.analytics({ accountId: 'acct', bucket: 'b', region: 'eu-fra', bytesScanned: 4096, elapsedMs: 1001, at: T });
    rec.analytics({ accountId: 'acct', bucket: 'b', region: 'eu-fra', bytesScanned: 0, elapsedMs: 3, at: T });
    assert.equal(rec.stats().live, 11, "one row per (account, bucket, region, hour, meter)");
    await rec.flush();
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'requests.read'), 10n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'requests.write'), 1n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'bytes.out'), 1300n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'bytes.in'), 5000n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T + HOUR, 'requests.read'), 1n);
    assert.equal(store.get('eu-par', 'acct', 'p', T, 'requests.read'), 1n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'bytes.replicated'), 777n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'analytics.bytes_scanned'), 4096n);
    // Query time is rounded up per query: 1001 ms -> 2 s, 3 ms -> 1 s.
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'analytics.query_seconds'), 3n);
    assert.deepEqual(rec.stats(), { live: 0, pending: 0, flushes: 1, failedFlushes: 0 });
    await rec.close();
  });

  it('a failed flush keeps the counts and retries them without counting twice', async () => {
    const store = new FakeRegionStore();
    const rec = recorder(store);
    rec.request(req());
    store.failNext = 1;
    await assert.rejects(rec.flush(), /usage not yet recorded \(2 rows in 1 batches kept for retry\)/);
    rec.request(req());
    // The store commits the retried batch but the answer is lost: still pending, then sent again.
    store.loseAnswerNext = 1;
    await assert.rejects(rec.flush());
    await rec.flush();
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'requests.read'), 2n);
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'bytes.out'), 200n);
    assert.equal(rec.stats().pending, 0);
  });

  it('splits large flushes into bounded batches', async () => {
    const store = new FakeRegionStore();
    const rec = recorder(store, 3);
    for (let i = 0; i < 10; i++) rec.request(req({ bucket: `b${i}`, bytesOut: 0 }));
    await rec.flush();
    assert.equal(store.applied.size, 4);
    assert.equal([...store.totals.values()].reduce((n, q) => n + q, 0n), 10n);
  });

  it('close flushes what was counted', async () => {
    const store = new FakeRegionStore();
    const rec = recorder(store);
    rec.request(req({ class: 'write' }));
    store.failNext = 2;
    await rec.close();
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'requests.write'), 1n);
  });

  it('close reports what it could not record', async () => {
    const store = new FakeRegionStore();
    const rec = recorder(store);
    rec.request(req());
    store.failNext = 100;
    await assert.rejects(rec.close(), /kept for retry/);
  });

  it('flushes on its own every interval', async () => {
    const store = new FakeRegionStore();
    const rec = new MemoryUsageRecorder({ flushIntervalMs: 5, sink: (r, b) => store.record(r, b) });
    rec.request(req());
    for (let i = 0; i < 400 && store.calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(store.get('eu-fra', 'acct', 'b', T, 'requests.read'), 1n);
    await rec.close();
  });
});
