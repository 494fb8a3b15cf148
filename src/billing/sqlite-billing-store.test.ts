import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { draftInvoice } from './invoice.js';
import { documentNumber, SqliteBillingStore } from './sqlite-billing-store.js';

const ISSUER = '111111111111';

function draft(recipientId: string, period = '2026-03') {
  return draftInvoice({
    number: 'DRAFT', billing: 'retail', period, now: '2027-01-02T00:00:00Z', taxRates: { DE: '19' },
    issuer: { accountId: ISSUER, name: 'Issuer', country: 'DE' }, recipient: { accountId: recipientId, name: recipientId, country: 'DE' },
    books: [{ id: 'b', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', minimumMonthlyFee: '1.00', entries: [{ meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.001' }] }] }],
    usage: [],
  });
}

describe('SqliteBillingStore', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-billing-'));
    file = join(dir, 'control', 'billing.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers documents gap-free per issuer, type and year, and a run of an issued month answers the first documents', () => {
    const s = new SqliteBillingStore(file);
    const t = new Date('2026-04-02T00:00:00Z');
    const first = s.issue([{ draft: draft('c1'), issuerId: ISSUER, recipientId: 'c1' }, { draft: draft('c2'), issuerId: ISSUER, recipientId: 'c2' }], t);
    assert.deepEqual(first.map((d) => [d.document.number, d.created]), [[`INV-${ISSUER}-2026-000001`, true], [`INV-${ISSUER}-2026-000002`, true]]);
    const again = s.issue([{ draft: draft('c2'), issuerId: ISSUER, recipientId: 'c2' }, { draft: draft('c3'), issuerId: ISSUER, recipientId: 'c3' }], t);
    assert.deepEqual(again.map((d) => [d.document.number, d.created]), [[`INV-${ISSUER}-2026-000002`, false], [`INV-${ISSUER}-2026-000003`, true]]);
    // A new year starts again at 1; another issuer has its own sequence.
    const next = s.issue([{ draft: draft('c1', '2026-12'), issuerId: ISSUER, recipientId: 'c1' }, { draft: draft('c9'), issuerId: '222222222222', recipientId: 'c9' }], new Date('2027-01-03T00:00:00Z'));
    assert.deepEqual(next.map((d) => d.document.number), [`INV-${ISSUER}-2027-000001`, 'INV-222222222222-2027-000001']);
    assert.equal(s.document(`INV-${ISSUER}-2026-000001`)?.status, 'issued');
    assert.equal(s.invoicedUntil('c1'), Date.parse('2027-01-01T00:00:00Z'));
    assert.equal(s.invoicedUntil('c1', '222222222222'), -Infinity);
    s.close();
  });

  it('refuses any UPDATE or DELETE of an issued document, whoever runs it', () => {
    const s = new SqliteBillingStore(file);
    s.issue([{ draft: draft('c1'), issuerId: ISSUER, recipientId: 'c1' }], new Date('2026-04-02T00:00:00Z'));
    s.close();
    const raw = new Database(file);
    assert.throws(() => raw.prepare("UPDATE documents SET body = '{}'").run(), /immutable/);
    assert.throws(() => raw.prepare('DELETE FROM documents').run(), /immutable/);
    assert.equal((raw.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n, 1);
    raw.close();
  });

  it('a failure inside a run rolls all of it back, numbers included', () => {
    const s = new SqliteBillingStore(file);
    const t = new Date('2026-04-02T00:00:00Z');
    assert.throws(() => s.issue([{ draft: draft('c1'), issuerId: ISSUER, recipientId: 'c1' }, { draft: draft('c2'), issuerId: ISSUER, recipientId: 'c2' }], t, () => {
      throw new Error('books changed');
    }), /books changed/);
    // A bad second document (a CHECK constraint) undoes the first.
    const broken = { ...draft('c2'), billing: 'gift' as 'retail' };
    assert.throws(() => s.issue([{ draft: draft('c1'), issuerId: ISSUER, recipientId: 'c1' }, { draft: broken, issuerId: ISSUER, recipientId: 'c2' }], t), /CHECK/);
    assert.equal(s.document(documentNumber('invoice', ISSUER, 2026, 1)), undefined);
    assert.equal(s.issue([{ draft: draft('c2'), issuerId: ISSUER, recipientId: 'c2' }], t)[0]?.document.number, `INV-${ISSUER}-2026-000001`);
    s.close();
  });

  it('allocates gap-free numbers when several processes issue at once', async () => {
    new SqliteBillingStore(file).close();
    const workers = 4;
    const each = 25;
    const results = await Promise.all(Array.from({ length: workers }, (_, w) => new Promise<string[]>((resolve, reject) => {
      const worker = new Worker(new URL('./test-issue-worker.js', import.meta.url), {
        workerData: { file, issuerId: ISSUER, recipients: Array.from({ length: each }, (_, i) => `w${w}-c${i}`) },
      });
      worker.once('message', resolve);
      worker.once('error', reject);
    })));
    const numbers = results.flat().sort();
    assert.equal(numbers.length, workers * each);
    assert.deepEqual(numbers, Array.from({ length: workers * each }, (_, i) => documentNumber('invoice', ISSUER, 2026, i + 1)));
  });
});
