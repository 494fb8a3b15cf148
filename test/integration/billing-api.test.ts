/**
 * Billing through the admin API over real HTTP, with accounts made through the API: the
 * README's worked month (retail and wholesale invoices checked line by line), exports with
 * their media types, credit notes, the margin report, a customer moved between partners,
 * who may see and do what, and bad input refused with clear errors and nothing written.
 * Usage comes from a test double of the metering store (billing-s3.test.ts drives real S3
 * traffic through the whole server).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UsageRecord } from '../../src/billing/rate.js';
import { AdminApiError, type AdminClient } from '../../src/client/admin-client.js';
import type { Account, NewAccessKey } from '../../src/client/admin-types.js';
import { startAccountsServer, type AccountsServer } from './admin-accounts-harness.js';
import { signedRequest } from './raw-http.js';

const GB = 1_000_000_000n;
const OCT = '2026-10';
/** Hour h (0..743) of October 2026. */
const octHour = (h: number) => new Date(Date.UTC(2026, 9, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');
const rec = (accountId: string, meter: UsageRecord['meter'], h: number, quantity: bigint, region = 'eu-fra'): UsageRecord => ({ accountId, bucket: 'data', region, meter, hour: octHour(h), quantity });

async function refused(p: Promise<unknown>): Promise<AdminApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdminApiError) return e;
    throw e;
  }
  assert.fail('expected the API to refuse');
}

const RETAIL = {
  currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [
    { meter: 'requests.read', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.0004' }, { unitPrice: '0.0003' }] },
    { meter: 'bytes.out', region: '*', tiers: [{ upTo: '10', unitPrice: '0.09' }, { upTo: '50', unitPrice: '0.085' }, { unitPrice: '0.05' }] },
    { meter: 'storage.byte_hours', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.02' }, { unitPrice: '0.018' }] },
  ],
};
const WHOLESALE = {
  currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [
    { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0003' }] },
    { meter: 'bytes.out', region: '*', tiers: [{ unitPrice: '0.04' }] },
    { meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.012' }] },
  ],
};

describe('billing over the admin API', () => {
  let s: AccountsServer;
  let op: AdminClient;
  let dt: AdminClient;
  let uk: AdminClient;
  let acmeAdmin: AdminClient;
  let acme: Account;
  let partner: Account;
  let ukPartner: Account;

  async function adminOf(by: AdminClient, account: string): Promise<AdminClient> {
    await by.createUser(account, { name: 'admin', admin: true });
    const key: NewAccessKey = await by.createAccessKey(account, 'admin');
    return s.as({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
  }

  before(async () => {
    s = await startAccountsServer();
    op = s.operator;
    partner = await op.createPartner({ name: 'cloud-de', displayName: 'Cloud DE', regions: ['eu-fra', 'eu-par'], brand: { displayName: 'Cloud DE', colors: { primary: '#0a5' } } });
    ukPartner = await op.createPartner({ name: 'cloud-uk', regions: ['eu-fra', 'eu-lon'] });
    dt = await adminOf(op, 'cloud-de');
    uk = await adminOf(op, 'cloud-uk');
    acme = await dt.createCustomer({ name: 'acme', displayName: 'Acme AG', regions: ['eu-fra'] });
    acmeAdmin = await adminOf(dt, 'acme');
    // The README's month, in October: reads 1,250 x 1,000; egress 60.5 GB; storage 1,500 GB all month.
    s.usage.push(rec(acme.id, 'requests.read', 3, 1_000_000n), rec(acme.id, 'requests.read', 16 * 24, 250_000n));
    s.usage.push(rec(acme.id, 'bytes.out', 5, 25n * GB), rec(acme.id, 'bytes.out', 400, 35_500_000_000n));
    for (let h = 0; h < 744; h++) s.usage.push(rec(acme.id, 'storage.byte_hours', h, 1500n * GB));
  });
  after(async () => {
    await s.stop();
  });

  it('sets prices, profiles and tax rates, each by the party whose business it is', async () => {
    assert.equal((await refused(dt.putPriceBook('cloud-de', 'w', WHOLESALE))).code, 'AccessDenied');
    assert.equal((await refused(op.putPriceBook('acme', 'r', RETAIL))).code, 'AccessDenied');
    assert.equal((await refused(acmeAdmin.putPriceBook('acme', 'r', RETAIL))).code, 'AccessDenied');
    assert.equal((await refused(uk.putPriceBook('acme', 'r', RETAIL))).code, 'NoSuchAccount');
    assert.equal((await refused(dt.putTaxRate('DE', '19'))).code, 'AccessDenied');

    const w = await op.putPriceBook('cloud-de', 'de-wholesale-2026', WHOLESALE);
    assert.deepEqual([w.billing, w.accountId, w.book.id], ['wholesale', partner.id, 'de-wholesale-2026']);
    const r = await dt.putPriceBook('acme', 'de-retail-2026', RETAIL);
    assert.deepEqual([r.billing, r.pricedBy], ['retail', partner.id]);
    assert.deepEqual((await acmeAdmin.listPriceBooks('acme')).items.map((b) => b.book.id), ['de-retail-2026']);
    assert.equal((await refused(op.listPriceBooks('acme'))).code, 'AccessDenied');

    await op.putTaxRate('DE', '19');
    await op.putTaxRate('GB', '20');
    assert.deepEqual((await acmeAdmin.listTaxRates()).rates, { DE: '19', GB: '20' });
    await op.putBillingProfile('000000000000', { country: 'DE', legalName: 'Sovra Operations GmbH' });
    await op.putBillingProfile('cloud-de', { country: 'DE', legalName: 'Cloud DE GmbH', address: ['Hafenstr. 2', '20457 Hamburg'], taxId: 'DE987654321' });
    await op.putBillingProfile('cloud-uk', { country: 'GB', legalName: 'Cloud UK Ltd' });
    await acmeAdmin.putBillingProfile('acme', { country: 'DE', legalName: 'Acme AG' });
    assert.deepEqual((await dt.getBillingProfile('acme')).profile, { country: 'DE', legalName: 'Acme AG' });
  });

  it('refuses bad books, rates and runs with clear errors, and writes nothing', async () => {
    const bad: [unknown, string][] = [
      [{ ...WHOLESALE, entries: [{ meter: 'requests.read', region: '*', tiers: [{ unitPrice: '-1' }] }] }, 'entries[0].tiers[0].unitPrice'],
      [{ ...WHOLESALE, entries: [{ meter: 'requests.slow', region: '*', tiers: [{ unitPrice: '1' }] }] }, 'entries[0].meter'],
      [{ ...WHOLESALE, currency: 'EUX' }, 'currency'],
      [{ ...WHOLESALE, validFrom: '2026-06-01T00:00:00Z' }, 'validFrom'],
      [{ ...WHOLESALE, entries: [{ meter: 'requests.read', region: '*', tiers: [{ unitPrice: 0.5 }] }] }, 'entries[0].tiers[0].unitPrice'],
      [{ ...WHOLESALE, colour: 'blue' }, 'colour'],
    ];
    for (const [book, argument] of bad) {
      const e = await refused(op.putPriceBook('cloud-de', 'second', book as Record<string, unknown>));
      assert.equal(e.code, 'InvalidArgument', e.message);
      assert.equal(e.details?.['ArgumentName'], argument, e.message);
    }
    const overlap = await refused(op.putPriceBook('cloud-de', 'second', { ...WHOLESALE, validFrom: '2026-06-01T00:00:00Z' }));
    assert.match(overlap.message, /overlaps price book 'de-wholesale-2026'/);
    assert.deepEqual((await op.listPriceBooks('cloud-de')).items.map((b) => b.book.id), ['de-wholesale-2026']);

    assert.equal((await refused(op.putTaxRate('Germany', '19'))).code, 'InvalidArgument');
    assert.equal((await refused(op.putTaxRate('FR', '120'))).code, 'InvalidArgument');
    assert.equal((await refused(op.putBillingProfile('acme', { country: 'Deutschland' }))).code, 'InvalidArgument');

    const open = await refused(dt.runInvoices({ period: new Date().toISOString().slice(0, 7), billing: 'retail' }));
    assert.deepEqual([open.code, open.details?.['ArgumentName']], ['InvalidArgument', 'period']);
    assert.match(open.message, /still open/);
    assert.equal((await refused(dt.runInvoices({ period: 'October', billing: 'retail' }))).code, 'InvalidArgument');
    assert.equal((await refused(dt.request('POST', 'invoice-runs', { json: { period: OCT, billing: 'gift' } }))).code, 'InvalidArgument');
    assert.equal((await refused(dt.runInvoices({ period: OCT, billing: 'wholesale' }))).code, 'AccessDenied');
    assert.equal((await dt.listInvoices('acme')).items.length, 0);
  });

  it('invoices the month line by line: retail under the partner\'s brand, wholesale from the operator', async () => {
    const run = await dt.exchange<{ created: number; invoices: { number: string; total: string }[] }>('POST', 'invoice-runs', {
      json: { period: OCT, billing: 'retail' }, idempotencyKey: 'oct-retail',
    });
    assert.equal(run.status, 201);
    assert.equal(run.body.created, 1);
    const number = run.body.invoices[0]!.number;
    assert.equal(number, `INV-${partner.id}-2026-000001`);

    const inv = await acmeAdmin.getInvoice(number);
    assert.deepEqual(inv.lines.map((l) => [l.id, l.meter, l.billedQuantity, l.tiers.map((t) => `${t.quantity}@${t.unitPrice}`).join(' '), l.amount]), [
      ['L1', 'requests.read', '1250', '1000000@0.0004 250000@0.0003', '0.48'],
      ['L2', 'bytes.out', '60.5', '10000000000@0.09 40000000000@0.085 10500000000@0.05', '4.83'],
      ['L3', 'storage.byte_hours', '1500', `${1000n * GB * 744n}@0.02 ${500n * GB * 744n}@0.018`, '29.00'],
    ]);
    assert.deepEqual([inv.subtotal, inv.taxCountry, inv.taxRate, inv.tax, inv.total, inv.currency], ['34.31', 'DE', '19', '6.52', '40.83', 'EUR']);
    assert.deepEqual([inv.issuer.name, inv.issuer.taxId, inv.issuer.brand?.displayName, inv.recipient.name], ['Cloud DE GmbH', 'DE987654321', 'Cloud DE', 'Acme AG']);

    // The same Idempotency-Key replays the first answer; a new run answers the same invoice, issuing nothing.
    const replay = await dt.exchange<{ invoices: { number: string }[] }>('POST', 'invoice-runs', { json: { period: OCT, billing: 'retail' }, idempotencyKey: 'oct-retail' });
    assert.deepEqual([replay.status, replay.replayed, replay.body.invoices[0]?.number], [201, true, number]);
    const again = await dt.exchange<{ created: number; existing: number }>('POST', 'invoice-runs', { json: { period: OCT, billing: 'retail' } });
    assert.deepEqual([again.status, again.body.created, again.body.existing], [200, 0, 1]);

    const wholesale = await op.runInvoices({ period: OCT, billing: 'wholesale' });
    // cloud-uk has neither books nor customers' usage: no invoice.
    assert.deepEqual(wholesale.invoices.map((i) => [i.number, i.recipientName, i.subtotal, i.tax, i.total]), [
      ['INV-000000000000-2026-000001', 'Cloud DE GmbH', '20.80', '3.95', '24.75'],
    ]);
    const w = await dt.getInvoice(wholesale.invoices[0]!.number);
    assert.deepEqual(w.lines.map((l) => l.amount), ['0.38', '2.42', '18.00']);
    assert.equal(w.issuer.brand, undefined);

    const margin = await dt.getMarginReport('cloud-de', OCT);
    assert.deepEqual(margin.rows.map((r) => [r.customerName, r.retail, r.wholesale, r.margin]), [['Acme AG', '34.31', '20.80', '13.51']]);
    assert.deepEqual([margin.totals.margin, margin.volumeDiscount], ['13.51', '0.00']);
    assert.equal((await refused(op.getMarginReport('cloud-de', OCT))).code, 'AccessDenied');
  });

  it('exports invoices as JSON, CSV and printable HTML with the right media types', async () => {
    const [inv] = (await acmeAdmin.listInvoices('acme', { type: 'invoice' })).items;
    const csv = await acmeAdmin.exportInvoice(inv!.number, 'csv');
    const rows = csv.split('\r\n').filter((l) => l !== '');
    assert.equal(rows.length, 4);
    assert.match(rows[0]!, /^document_number,document_type,status,period,currency,issuer,recipient,line_id/);
    assert.ok(rows[2]!.endsWith(',GB,0.09 0.085 0.05,4.83'), rows[2]);
    const html = await acmeAdmin.exportInvoice(inv!.number, 'html');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.match(html, /40\.83/);
    assert.match(html, /Cloud DE/);
    assert.equal(JSON.parse(await acmeAdmin.exportInvoice(inv!.number, 'json')).total, '40.83');
    // Raw HTTP: the content types and a clear error for an unknown format.
    for (const [format, type] of [['csv', 'text/csv; charset=utf-8'], ['html', 'text/html; charset=utf-8'], ['json', 'application/json']]) {
      const res = await signedRequest(s.url, { method: 'GET', path: `/admin/v1/invoices/${inv!.number}`, query: { format: format! }, ...acmeKeys });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], type);
    }
    assert.equal((await refused(acmeAdmin.request('GET', ['invoices', inv!.number], { query: { format: 'pdf' } }))).code, 'InvalidArgument');
  });

  it('corrects with credit notes only; documents are seen by their issuer and recipient alone', async () => {
    const [inv] = (await dt.listInvoices('acme', { type: 'invoice' })).items;
    assert.equal((await refused(acmeAdmin.createCreditNote(inv!.number, { reason: 'please' }))).code, 'AccessDenied');
    assert.equal((await refused(dt.createCreditNote(inv!.number, { lines: ['L9'], reason: 'typo' }))).code, 'InvalidArgument');
    const cn = await dt.createCreditNote(inv!.number, { lines: ['L2'], reason: 'Egress double-counted' });
    assert.deepEqual([cn.number, cn.documentType, cn.subtotal, cn.tax, cn.total], [`CN-${partner.id}-2026-000001`, 'credit-note', '-4.83', '-0.92', '-5.75']);
    assert.equal((await refused(dt.createCreditNote(inv!.number, { lines: ['L2'], reason: 'again' }))).code, 'Conflict');
    // The invoice itself is unchanged.
    assert.equal((await acmeAdmin.getInvoice(inv!.number)).total, '40.83');
    assert.deepEqual((await acmeAdmin.listInvoices('acme')).items.map((d) => d.number), [cn.number, inv!.number]);

    for (const c of [op, uk]) assert.equal((await refused(c.getInvoice(inv!.number))).code, 'NoSuchInvoice');
    assert.equal((await refused(acmeAdmin.getInvoice('INV-000000000000-2026-000001'))).code, 'NoSuchInvoice');
    assert.equal((await refused(uk.listInvoices('acme'))).code, 'NoSuchAccount');
    assert.deepEqual((await op.listInvoices('cloud-de')).items.map((d) => d.number), ['INV-000000000000-2026-000001']);
  });

  it('freezes invoiced prices: a correction is a new book from a later hour', async () => {
    const e = await refused(dt.putPriceBook('acme', 'de-retail-2026', { ...RETAIL, entries: RETAIL.entries.slice(1) }));
    assert.equal(e.code, 'Conflict');
    assert.match(e.message, /invoiced/);
    assert.equal((await refused(dt.deletePriceBook('acme', 'de-retail-2026'))).code, 'Conflict');
    await dt.putPriceBook('acme', 'de-retail-2026', { ...RETAIL, validTo: '2026-12-01T00:00:00Z' });
    await dt.putPriceBook('acme', 'de-markup-2027', { kind: 'markup', currency: 'EUR', validFrom: '2026-12-01T00:00:00Z', markup: { percent: '30' } });
    assert.equal((await refused(dt.getPriceBook('acme', 'nope'))).code, 'NoSuchPriceBook');
  });

  it('moves a customer between partners (operator only); each partner bills its own hours of the month', async () => {
    // cloud-de's October is invoiced (wholesale included): acme cannot move into it.
    const late = await refused(op.moveCustomer('acme', { partnerId: 'cloud-uk', at: '2026-10-15T00:00:00Z' }));
    assert.equal(late.code, 'Conflict');
    assert.match(late.message, /invoiced already/);
    await op.createPartner({ name: 'cloud-fr', regions: ['eu-fra', 'eu-par'] });
    const fr = await adminOf(op, 'cloud-fr');
    await op.putBillingProfile('cloud-fr', { country: 'FR' });
    const globex = await fr.createCustomer({ name: 'globex', regions: ['eu-fra'] });
    await fr.putPriceBook('globex', 'g', { currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] }] });
    await op.putBillingProfile('globex', { country: 'DE' });
    assert.equal((await refused(fr.moveCustomer('globex', { partnerId: 'cloud-uk' }))).code, 'AccessDenied');
    // globex is new this month: its usage and its move are in November, invoiced once the month is over (the server's clock moves on).
    s.advance(Date.parse('2026-12-02T00:00:00Z') - Date.now());
    for (let d = 24; d <= 30; d++) s.usage.push({ accountId: globex.id, bucket: 'g', region: 'eu-fra', meter: 'requests.write', hour: `2026-11-${d}T12:00:00Z`, quantity: 10_000n });
    assert.equal((await refused(op.moveCustomer('globex', { partnerId: 'cloud-uk', at: '2026-11-01T00:00:00Z' }))).code, 'InvalidArgument', 'before globex existed');
    const moved = await op.moveCustomer('globex', { partnerId: 'cloud-uk', at: '2026-11-25T00:00:00Z' });
    assert.deepEqual([moved.account.parentId, moved.move.fromPartnerId, moved.move.at], [ukPartner.id, (await op.getPartner('cloud-fr')).id, '2026-11-25T00:00:00Z']);
    assert.deepEqual((await uk.listMoves('globex')).items.map((m) => m.toPartnerId), [ukPartner.id]);
    await uk.putPriceBook('globex', 'g-uk', { currency: 'EUR', validFrom: '2026-11-25T00:00:00Z', entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.004' }] }] });

    await op.putTaxRate('FR', '20');
    // Wholesale first: usage without a wholesale book is refused, naming the partner, and nothing is issued.
    const noBook = await refused(op.runInvoices({ period: '2026-11', billing: 'wholesale' }));
    assert.equal(noBook.code, 'InvalidArgument');
    assert.match(noBook.message, /^Invoice for cloud-fr .*price book/, 'usage without a price book: refused, naming the partner');
    assert.equal((await op.listInvoices('cloud-uk')).items.length, 0);
    const perWrite = (price: string) => ({ currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: price }] }] });
    await op.putPriceBook('cloud-fr', 'fr-w', perWrite('0.003'));
    await op.putPriceBook('cloud-uk', 'uk-w', perWrite('0.002'));
    const de = await fr.runInvoices({ period: '2026-11', billing: 'retail' });
    const ukRun = await uk.runInvoices({ period: '2026-11', billing: 'retail' });
    const deDoc = await fr.getInvoice(de.invoices.find((i) => i.recipientId === globex.id)!.number);
    const ukDoc = await uk.getInvoice(ukRun.invoices[0]!.number);
    // cloud-fr: 1 day = 10,000 writes x 0.005 = 0.05; cloud-uk: 6 days = 60 x 0.004 = 0.24
    assert.deepEqual([deDoc.from, deDoc.to, deDoc.lines.map((l) => [l.quantity, l.amount])], ['2026-11-01T00:00:00Z', '2026-11-25T00:00:00Z', [['10000', '0.05']]]);
    assert.deepEqual([ukDoc.from, ukDoc.to, ukDoc.lines.map((l) => [l.quantity, l.amount]), ukDoc.number], ['2026-11-25T00:00:00Z', '2026-12-01T00:00:00Z', [['60000', '0.24']], `INV-${ukPartner.id}-2026-000001`]);
    // The operator's wholesale invoices split globex the same way.
    const wholesale = await op.runInvoices({ period: '2026-11', billing: 'wholesale' });
    const lines = await Promise.all(wholesale.invoices.map(async (i) => [i.recipientName, (await op.getInvoice(i.number)).lines.map((l) => [l.quantity, l.amount])]));
    // cloud-de had acme (no November usage): a zero invoice; cloud-fr 10,000 x 0.003 = 0.03; cloud-uk 60,000 x 0.002 = 0.12.
    assert.deepEqual(lines, [['Cloud DE GmbH', []], ['cloud-fr', [['10000', '0.03']]], ['Cloud UK Ltd', [['60000', '0.12']]]]);
    // A move back into invoiced hours is refused.
    assert.equal((await refused(op.moveCustomer('globex', { partnerId: 'cloud-fr', at: '2026-11-28T00:00:00Z' }))).code, 'Conflict');
    // The old partner no longer sees it, but keeps its invoice.
    assert.equal((await refused(fr.getCustomer('globex'))).code, 'NoSuchAccount');
    assert.equal((await fr.getInvoice(deDoc.number)).total, deDoc.total);
  });

  let acmeKeys: { accessKeyId: string; secretAccessKey: string };
  before(async () => {
    const key = await acmeAdmin.createAccessKey('acme', 'admin');
    acmeKeys = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  });
});
