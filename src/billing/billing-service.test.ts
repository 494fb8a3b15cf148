import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BillingAccess } from '../tenancy/billing-access.js';
import { OPERATOR_ACCOUNT_ID, type Principal } from '../tenancy/model.js';
import { makeHierarchy, makeWorld, type World } from '../tenancy/test-support.js';
import { BillingService } from './billing-service.js';
import type { MarkupRule, PriceBook } from './price-book.js';
import { SqliteBillingStore } from './sqlite-billing-store.js';
import { hourly, memoryUsageSource } from './test-support.js';

const GB = 1_000_000_000n;
type H = Awaited<ReturnType<typeof makeHierarchy>>;

const WHOLESALE: PriceBook = {
  id: 'w-2026', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.02' }] }, { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0004' }] }],
};
const MARKUP: MarkupRule = { id: 'r-2026', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '25' } };

let w: World;
let h: H;
let store: SqliteBillingStore;
let svc: BillingService;
let file: string;
const usage = memoryUsageSource([]);

function rows(sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}
const documentCount = (): number => (rows('SELECT count(*) AS n FROM documents')[0] as { n: number }).n;

async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'none';
}

/** Books, profiles and tax rates for a month of acme (customer of telco-a) in de-1. */
function setUp(): void {
  svc.putTaxRate(w.root, 'DE', '19');
  svc.putBook(w.root, h.partnerA.id, WHOLESALE);
  svc.putBook(h.adminA, h.customerA.id, MARKUP);
  svc.putProfile(w.root, OPERATOR_ACCOUNT_ID, { country: 'DE', legalName: 'Sovra Operations GmbH' });
  svc.putProfile(w.root, h.partnerA.id, { country: 'DE', legalName: 'Telco A GmbH', address: ['Hauptstr. 1', '10115 Berlin'], taxId: 'DE123456789' });
  svc.putProfile(h.adminA, h.customerA.id, { country: 'DE', legalName: 'Acme AG' });
  usage.records.push(
    ...hourly(h.customerA.id, 'de-1', 'storage.byte_hours', 0, 744, 100n * GB),
    ...hourly(h.customerA.id, 'de-1', 'requests.read', 0, 744, 1000n),
  );
}

beforeEach(async () => {
  w = await makeWorld();
  h = await makeHierarchy(w);
  w.clock.now = new Date('2026-04-02T09:00:00Z');
  file = join(w.dir, 'billing.db');
  store = new SqliteBillingStore(file);
  usage.records.length = 0;
  svc = new BillingService({
    store, accounts: w.store, access: new BillingAccess(w.store), tenancy: w.svc, usage, regions: ['de-1', 'de-2', 'fr-1', 'gb-1'], clock: () => w.clock.now,
  });
});
afterEach(async () => {
  store.close();
  await w.dispose();
});

describe('price books', () => {
  it('refuse bad books with a clear InvalidArgument naming the field, storing nothing', async () => {
    const bad: [unknown, string][] = [
      [{ ...WHOLESALE, entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '-0.02' }] }] }, 'entries[0].tiers[0].unitPrice'],
      [{ ...WHOLESALE, entries: [{ meter: 'storage.bytes', region: '*', tiers: [{ unitPrice: '0.02' }] }] }, 'entries[0].meter'],
      [{ ...WHOLESALE, currency: 'XYZ' }, 'currency'],
      [{ ...WHOLESALE, entries: [{ meter: 'objects', region: 'mars-1', tiers: [{ unitPrice: '1' }] }] }, 'entries[0].region'],
      [{ ...WHOLESALE, validFrom: '2026-01-01T00:30:00Z' }, 'validFrom'],
      [{ ...MARKUP }, 'kind'],
    ];
    for (const [book, argument] of bad) {
      assert.throws(() => svc.putBook(w.root, h.partnerA.id, book as PriceBook), (e: Error & { code: string; details?: Record<string, string> }) => {
        assert.equal(e.code, 'InvalidArgument', e.message);
        assert.equal(e.details?.ArgumentName, argument, e.message);
        return true;
      });
    }
    svc.putBook(w.root, h.partnerA.id, WHOLESALE);
    // Overlapping validity with the book already stored.
    assert.throws(() => svc.putBook(w.root, h.partnerA.id, { ...WHOLESALE, id: 'w-later', validFrom: '2026-06-01T00:00:00Z' }), (e: Error & { code: string }) => e.code === 'InvalidArgument' && /overlaps/.test(e.message));
    // Currencies are one per party; a markup in another currency than the wholesale is refused.
    assert.throws(() => svc.putBook(w.root, h.partnerA.id, { ...WHOLESALE, id: 'w-gbp', currency: 'GBP', validFrom: '2027-01-01T00:00:00Z' }), /mixed currencies/);
    assert.throws(() => svc.putBook(h.adminA, h.customerA.id, { ...MARKUP, currency: 'GBP' }), /currencies are not converted/);
    assert.deepEqual(svc.listBooks(w.root, h.partnerA.id).books.map((b) => b.book.id), ['w-2026']);
  });

  it('are set by the right party only: wholesale by the operator, retail by the customer\'s partner', async () => {
    assert.equal(await code(() => svc.putBook(h.adminA, h.partnerA.id, WHOLESALE)), 'AccessDenied');
    assert.equal(await code(() => svc.putBook(h.custAdminA, h.customerA.id, MARKUP)), 'AccessDenied');
    assert.equal(await code(() => svc.putBook(w.root, h.customerA.id, MARKUP)), 'AccessDenied');
    assert.equal(await code(() => svc.putBook(h.adminB, h.customerA.id, MARKUP)), 'NoSuchAccount');
    assert.equal(await code(() => svc.putBook(w.root, OPERATOR_ACCOUNT_ID, WHOLESALE)), 'AccessDenied');
    svc.putBook(w.root, h.partnerA.id, WHOLESALE);
    svc.putBook(h.adminA, h.customerA.id, MARKUP);
    // Reading: the partner its wholesale book, the customer its retail book; the operator not retail prices.
    assert.equal(svc.listBooks(h.adminA, h.partnerA.id).books.length, 1);
    assert.equal(svc.listBooks(h.custAdminA, h.customerA.id).books.length, 1);
    assert.equal(await code(() => svc.listBooks(w.root, h.customerA.id)), 'AccessDenied');
    assert.equal(await code(() => svc.listBooks(h.custAdminB, h.customerA.id)), 'NoSuchAccount');
    assert.equal(await code(() => svc.getBook(h.adminA, h.customerA.id, 'nope')), 'NoSuchPriceBook');
    assert.equal(await code(() => svc.deleteBook(h.adminA, h.customerA.id, 'nope')), 'NoSuchPriceBook');
  });
});

describe('invoice runs', () => {
  it('issue retail (partner to customer) and wholesale (operator to partner) invoices line by line, numbered per issuer', async () => {
    setUp();
    const retail = await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' });
    assert.equal(retail.created, 1);
    const [inv] = retail.invoices;
    assert.equal(inv?.number, `INV-${h.partnerA.id}-2026-000001`);
    const doc = svc.getDocument(h.custAdminA, inv!.number);
    // storage 100 GB-months x 0.025 = 2.50; reads 744 x 0.0005 = 0.372 -> 0.37; 2.87; DE 19% = 0.5453 -> 0.55; 3.42
    assert.deepEqual(doc.lines.map((l) => [l.meter, l.priceBookId, l.amount]), [['requests.read', 'r-2026+w-2026', '0.37'], ['storage.byte_hours', 'r-2026+w-2026', '2.50']]);
    assert.deepEqual([doc.subtotal, doc.tax, doc.total, doc.status], ['2.87', '0.55', '3.42', 'issued']);
    assert.equal(doc.issuer.name, 'Telco A GmbH');
    assert.deepEqual(doc.issuer.brand, { displayName: 'telco-a' });

    const wholesale = await svc.runInvoices(w.root, { period: '2026-03', billing: 'wholesale' });
    // telco-b has no book and no usage: no invoice.
    assert.deepEqual(wholesale.invoices.map((i) => [i.number, i.recipientId, i.subtotal, i.tax, i.total]), [
      [`INV-${OPERATOR_ACCOUNT_ID}-2026-000001`, h.partnerA.id, '2.30', '0.44', '2.74'],
    ]);
    const report = await svc.margin(h.adminA, h.partnerA.id, '2026-03');
    assert.deepEqual(report.rows.map((r) => [r.customerId, r.retail, r.wholesale, r.margin]), [[h.customerA.id, '2.87', '2.30', '0.57']]);
    assert.equal(report.volumeDiscount, '0.00');

    // Running again answers the same documents and issues nothing.
    const again = await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' });
    assert.deepEqual([again.created, again.existing, again.invoices[0]?.number], [0, 1, inv!.number]);
    assert.equal(documentCount(), 2);
  });

  it('refuses an open period, unknown recipients and the wrong runner, writing nothing', async () => {
    setUp();
    w.clock.now = new Date('2026-03-31T23:00:00Z');
    assert.match(String(await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' }).catch((e: Error) => e.message)), /still open until 2026-04-01T00:00:00Z/);
    w.clock.now = new Date('2026-04-02T00:00:00Z');
    assert.equal(await code(svc.runInvoices(h.adminA, { period: '2026-3', billing: 'retail' })), 'InvalidArgument');
    assert.equal(await code(svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail', account: h.customerB.id })), 'NoSuchAccount');
    assert.equal(await code(svc.runInvoices(h.adminA, { period: '2026-03', billing: 'wholesale' })), 'AccessDenied');
    assert.equal(await code(svc.runInvoices(w.root, { period: '2026-03', billing: 'retail' })), 'AccessDenied');
    assert.equal(await code(svc.runInvoices(h.custAdminA, { period: '2026-03', billing: 'retail' })), 'AccessDenied');
    assert.equal(documentCount(), 0);
  });

  it('is all or nothing: one recipient failing leaves no document and takes no number', async () => {
    setUp();
    // A second customer of telco-a with usage but no billing profile.
    const beta = await w.svc.createCustomer(h.adminA, { name: 'beta' });
    svc.putBook(h.adminA, beta.id, { ...MARKUP, id: 'beta-2026' });
    usage.records.push(...hourly(beta.id, 'fr-1', 'requests.read', 0, 10, 500n));
    const err = await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' }).catch((e: Error & { code: string }) => e);
    assert.ok(err instanceof Error);
    assert.equal((err as Error & { code: string }).code, 'InvalidArgument');
    assert.match(err.message, /beta/);
    assert.match(err.message, /billing profile/);
    assert.equal(documentCount(), 0, 'acme\'s invoice was drafted but not issued');

    // A failure inside the issuing transaction itself (injected through another connection): still nothing.
    svc.putProfile(h.adminA, beta.id, { country: 'DE' });
    const db = new Database(file);
    db.exec(`CREATE TRIGGER injected BEFORE INSERT ON documents WHEN NEW.recipient_id = '${beta.id}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    await assert.rejects(svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' }), /injected failure/);
    assert.equal(documentCount(), 0);
    db.exec('DROP TRIGGER injected');
    db.close();

    const run = await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' });
    assert.deepEqual(run.invoices.map((i) => i.number).sort(), [`INV-${h.partnerA.id}-2026-000001`, `INV-${h.partnerA.id}-2026-000002`]);
  });

  it('keeps issued documents immutable; corrections are credit notes, each line credited once', async () => {
    setUp();
    const [inv] = (await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' })).invoices;
    assert.throws(() => new Database(file).prepare(`UPDATE documents SET body = '{}' WHERE number = ?`).run(inv!.number), /immutable/);
    assert.throws(() => new Database(file).prepare('DELETE FROM documents').run(), /immutable/);

    assert.equal(await code(() => svc.issueCreditNote(h.custAdminA, inv!.number, { reason: 'no' })), 'AccessDenied');
    assert.equal(await code(() => svc.issueCreditNote(h.adminA, inv!.number, { reason: ' ' })), 'InvalidArgument');
    const cn = svc.issueCreditNote(h.adminA, inv!.number, { lineIds: ['L1'], reason: 'Read requests double-counted' });
    assert.equal(cn.number, `CN-${h.partnerA.id}-2026-000001`);
    assert.deepEqual([cn.subtotal, cn.tax, cn.total, cn.credits?.invoiceNumber], ['-0.37', '-0.07', '-0.44', inv!.number]);
    assert.equal(await code(() => svc.issueCreditNote(h.adminA, inv!.number, { lineIds: ['L1'], reason: 'again' })), 'Conflict');
    const rest = svc.issueCreditNote(h.adminA, inv!.number, { reason: 'Storage refund' });
    // The notes add up to the invoice exactly: 0.07 + 0.48 = 0.55 of tax.
    assert.deepEqual([rest.number, rest.subtotal, rest.tax], [`CN-${h.partnerA.id}-2026-000002`, '-2.50', '-0.48']);
    assert.deepEqual(svc.listDocuments(h.custAdminA, h.customerA.id, { limit: 10 }).map((d) => d.number), [`CN-${h.partnerA.id}-2026-000001`, `CN-${h.partnerA.id}-2026-000002`, inv!.number]);
  });

  it('shows documents only to their issuer and recipient', async () => {
    setUp();
    const [retail] = (await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' })).invoices;
    const [wholesale] = (await svc.runInvoices(w.root, { period: '2026-03', billing: 'wholesale' })).invoices;
    const member = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'bob' });
    const bob: Principal = await w.keyFor(h.custAdminA, member.id);
    const sees = (p: Principal, n: string) => code(() => svc.getDocument(p, n));
    assert.deepEqual(await Promise.all([h.adminA, h.custAdminA, w.root, h.adminB, h.custAdminB, bob].map((p) => sees(p, retail!.number))),
      ['none', 'none', 'NoSuchInvoice', 'NoSuchInvoice', 'NoSuchInvoice', 'NoSuchInvoice']);
    assert.deepEqual(await Promise.all([w.root, h.adminA, h.custAdminA, h.adminB].map((p) => sees(p, wholesale!.number))),
      ['none', 'none', 'NoSuchInvoice', 'NoSuchInvoice']);
    assert.equal(await sees(w.root, 'INV-nope'), 'NoSuchInvoice');
    // The operator lists telco-a's documents: only those it is party to (the wholesale invoice).
    assert.deepEqual(svc.listDocuments(w.root, h.partnerA.id, { limit: 10 }).map((d) => d.number), [wholesale!.number]);
    assert.deepEqual(svc.listDocuments(h.adminA, h.partnerA.id, { limit: 10 }).map((d) => d.number).sort(), [retail!.number, wholesale!.number].sort());
    assert.equal(await code(() => svc.margin(w.root, h.partnerA.id, '2026-03')), 'AccessDenied');
    assert.equal(await code(() => svc.margin(h.adminB, h.partnerA.id, '2026-03')), 'NoSuchAccount');
  });

  it('freezes the prices of invoiced hours: books may only be ended later, and new ones start after', async () => {
    setUp();
    await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' });
    await svc.runInvoices(w.root, { period: '2026-03', billing: 'wholesale' });
    const changed = { ...WHOLESALE, entries: [{ ...WHOLESALE.entries[0]!, tiers: [{ unitPrice: '0.01' }] }, WHOLESALE.entries[1]!] };
    assert.match(String(await code(() => svc.putBook(w.root, h.partnerA.id, changed))), /Conflict/);
    assert.equal(await code(() => svc.deleteBook(w.root, h.partnerA.id, 'w-2026')), 'Conflict');
    assert.equal(await code(() => svc.putBook(w.root, h.partnerA.id, { ...WHOLESALE, validTo: '2026-03-15T00:00:00Z' })), 'Conflict');
    assert.equal(await code(() => svc.putBook(h.adminA, h.customerA.id, { ...MARKUP, id: 'r-new', validFrom: '2026-03-20T00:00:00Z' })), 'InvalidArgument', 'overlaps r-2026');
    // Ending the book in a month not yet invoiced, and a new one from then: fine.
    svc.putBook(w.root, h.partnerA.id, { ...WHOLESALE, validTo: '2026-05-01T00:00:00Z' });
    svc.putBook(w.root, h.partnerA.id, { ...changed, id: 'w-may', validFrom: '2026-05-01T00:00:00Z' });
    assert.equal(await code(() => svc.putBook(w.root, h.partnerA.id, { ...changed, id: 'w-old', validFrom: '2025-01-01T00:00:00Z', validTo: '2026-01-01T00:00:00Z' })), 'Conflict');
    assert.deepEqual(svc.listBooks(w.root, h.partnerA.id).books.map((b) => [b.book.id, b.book.validTo]), [['w-2026', '2026-05-01T00:00:00Z'], ['w-may', undefined]]);
  });
});

describe('a customer moved between partners', () => {
  it('is billed by each partner for its own hours, retail and wholesale', async () => {
    setUp();
    await w.svc.updatePartner(w.root, h.partnerB.id, { regions: ['de-1', 'de-2', 'fr-1'] });
    svc.putBook(w.root, h.partnerB.id, { ...WHOLESALE, id: 'wb-2026' });
    svc.putProfile(w.root, h.partnerB.id, { country: 'DE', legalName: 'Telco B GmbH' });
    w.clock.now = new Date('2026-03-20T00:00:00Z');
    await svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerB.id, at: '2026-03-11T00:00:00Z' });
    svc.putBook(h.adminB, h.customerA.id, { id: 'b-retail', currency: 'EUR', validFrom: '2026-03-11T00:00:00Z', entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.03' }] }, { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.001' }] }] });
    w.clock.now = new Date('2026-04-02T00:00:00Z');

    const a = (await svc.runInvoices(h.adminA, { period: '2026-03', billing: 'retail' })).invoices;
    const b = (await svc.runInvoices(h.adminB, { period: '2026-03', billing: 'retail' })).invoices;
    const da = store.document(a[0]!.number)!;
    const db = store.document(b[0]!.number)!;
    // telco-a: 240 hours. storage 100 x 240/744 x 0.025 = 0.806 -> 0.81; reads 240 x 0.0005 = 0.12
    assert.deepEqual([da.from, da.to, da.lines.map((l) => l.amount), da.subtotal], ['2026-03-01T00:00:00Z', '2026-03-11T00:00:00Z', ['0.12', '0.81'], '0.93']);
    // telco-b: 504 hours. storage 100 x 504/744 x 0.03 = 2.032 -> 2.03; reads 504 x 0.001 = 0.504 -> 0.50
    assert.deepEqual([db.from, db.to, db.lines.map((l) => l.amount), db.subtotal], ['2026-03-11T00:00:00Z', '2026-04-01T00:00:00Z', ['0.50', '2.03'], '2.53']);

    const wholesale = (await svc.runInvoices(w.root, { period: '2026-03', billing: 'wholesale' })).invoices;
    const byPartner = Object.fromEntries(wholesale.map((i) => [i.recipientId, store.document(i.number)!.lines.map((l) => [l.meter, l.quantity])]));
    assert.deepEqual(byPartner[h.partnerA.id], [['requests.read', '240000'], ['storage.byte_hours', (100n * GB * 240n).toString()]]);
    assert.deepEqual(byPartner[h.partnerB.id], [['requests.read', '504000'], ['storage.byte_hours', (100n * GB * 504n).toString()]]);

    // telco-b's margin on acme covers its hours only.
    const m = await svc.margin(h.adminB, h.partnerB.id, '2026-03');
    assert.deepEqual(m.rows.map((r) => [r.retail, r.wholesale]), [['2.53', '1.55']]);
    // The history is settled now: a move back into March is refused.
    w.clock.now = new Date('2026-04-10T00:00:00Z');
    assert.equal(await code(svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id, at: '2026-03-31T00:00:00Z' })), 'Conflict');
    await svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id, at: '2026-04-05T00:00:00Z' });
  });
});

describe('usage queries', () => {
  it('scope to what the caller may see and check their arguments', async () => {
    setUp();
    usage.records.push(...hourly(h.customerB.id, 'de-2', 'requests.read', 0, 2, 7n));
    const q = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', granularity: 'total' };
    const accounts = async (p: Principal, extra = {}) => [...new Set((await svc.usage(p, { ...q, ...extra })).rows.map((r) => r.accountId))].sort();
    assert.deepEqual(await accounts(w.root), [h.customerA.id, h.customerB.id].sort());
    assert.deepEqual(await accounts(h.adminA), [h.customerA.id]);
    assert.deepEqual(await accounts(h.custAdminB), [h.customerB.id]);
    assert.equal(await code(svc.usage(h.adminA, { ...q, account: h.customerB.id })), 'NoSuchAccount');
    const reads = await svc.usage(h.adminA, { ...q, account: 'acme', meters: ['requests.read'], granularity: 'month' });
    assert.deepEqual(reads.rows.map((r) => [r.meter, r.start, r.quantity]), [['requests.read', '2026-03-01T00:00:00Z', 744_000n]]);
    assert.equal(await code(svc.usage(w.root, { ...q, meters: ['bytes.sideways'] })), 'InvalidArgument');
    assert.equal(await code(svc.usage(w.root, { ...q, granularity: 'week' })), 'InvalidArgument');
    assert.equal(await code(svc.usage(w.root, { ...q, to: q.from })), 'InvalidArgument');
    assert.equal(await code(svc.usage(w.root, { ...q, region: 'mars-1' })), 'InvalidRegion');
  });
});
