/**
 * The query service's concurrency limits across processes: two services on one scratch root
 * stand for two worker processes of one server (they share the query registry there).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../core/errors.js';
import type { ObjectAccess } from './ports.js';
import { AnalyticsService } from './query-service.js';

/** These queries read no object: any use of storage is a bug here. */
const noStorage: ObjectAccess = {
  bucket: () => Promise.reject(new Error('no storage in this test')),
  list: () => { throw new Error('no storage in this test'); },
  materialize: () => Promise.reject(new Error('no storage in this test')),
  authorizeWrite: () => Promise.reject(new Error('no storage in this test')),
  write: () => Promise.reject(new Error('no storage in this test')),
};

describe('query concurrency over several processes', () => {
  const root = mkdtempSync(join(tmpdir(), 'sovra-qs-'));
  const opts = {
    scratchRoot: root,
    residency: { regionAllowed: () => true, isWithin: () => true },
    localRegion: 'eu-fra',
    limits: { maxConcurrentPerAccount: 1, threads: 1 },
  };
  const first = new AnalyticsService(opts);
  const second = new AnalyticsService(opts);
  after(async () => {
    await first.close();
    await second.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("an account's second query in another process is refused while its first runs, and admitted after", async () => {
    await first.start();
    await second.start();
    const stop = new AbortController();
    // Long enough to be still running when the second one asks; cancelled below.
    const slow = first.run({ sql: 'SELECT count(*) FROM range(100000000000)', format: 'jsonl', accountId: 'acme', access: noStorage, signal: stop.signal, id: 'slow-query-1' });
    slow.catch(() => undefined);
    for (let i = 0; i < 100 && (await first.status('slow-query-1', 'acme').catch(() => undefined))?.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 20));
    const refused = await second.run({ sql: 'SELECT 1', format: 'jsonl', accountId: 'acme', access: noStorage }).then(() => 'ran', (e: unknown) => (isAppError(e) ? e.code : String(e)));
    assert.equal(refused, 'TooManyQueries');
    // Another account is not held back by acme's query.
    const other = await second.run({ sql: 'SELECT 42 AS answer', format: 'jsonl', accountId: 'beta', access: noStorage });
    assert.equal(other.kind, 'stream');
    if (other.kind === 'stream') for await (const _ of other.body) { /* read to the end */ }
    stop.abort();
    assert.equal(await slow.then(() => 'ran', (e: unknown) => (isAppError(e) ? e.code : String(e))), 'QueryCancelled');
    const after = await second.run({ sql: 'SELECT 1', format: 'jsonl', accountId: 'acme', access: noStorage });
    if (after.kind === 'stream') for await (const _ of after.body) { /* read to the end */ }
    assert.equal(after.kind, 'stream');
  });
});
