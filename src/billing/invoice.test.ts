import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customerInvoice, draftInvoice, partnerInvoice, partyOf } from './invoice.js';
import { marginReport } from './margin.js';
import type { MarkupRule, PriceBook } from './price-book.js';
import { AFTER_MARCH, assertFails, customer, MARCH, operator, partner, usage } from './test-support.js';

const TAX = { DE: '19', GB: '20' };
const BOOK: PriceBook = {
  id: 'b', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [{ meter: 'requests.write', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.005' }, { unitPrice: '0.004' }] }],
};
const p = partner('p1', 'Partner One');
const c = customer('c1', 'p1', 'Customer One');

describe('invoice runs: who may bill whom', () => {
  const base = { number: 'INV-1', period: MARCH, now: AFTER_MARCH, books: [BOOK], usage: [], taxRates: TAX, partnerProfile: { country: 'DE' }, customerProfile: { country: 'DE' } };

  it('a retail invoice goes from a partner to its customer, for that customer\'s usage only', () => {
    assertFails(() => customerInvoice({ ...base, partner: c, customer: c }), 'InvalidArgument', 'partner');
    assertFails(() => customerInvoice({ ...base, partner: p, customer: p }), 'InvalidArgument', 'customer');
    assertFails(() => customerInvoice({ ...base, partner: partner('p2', 'Other'), customer: c }), 'InvalidArgument', 'coverage', /belongs to p1/);
    assertFails(() => customerInvoice({ ...base, partner: p, customer: c, usage: [usage('c2', 'eu-fra', 'requests.write', 0, 1n)] }), 'InvalidArgument', 'usage[0].accountId');
    const inv = customerInvoice({ ...base, partner: p, customer: c, usage: [usage('c1', 'eu-fra', 'requests.write', 0, 1n)] });
    assert.equal(inv.issuer.brand?.displayName, 'Partner One');
    assert.equal(inv.recipient.name, 'Customer One');
  });

  it('a wholesale invoice goes from the operator to a partner, on a concrete book', () => {
    const wbase = { number: 'W-1', period: MARCH, now: AFTER_MARCH, books: [BOOK], usage: [], taxRates: TAX, operatorProfile: { country: 'DE' }, partnerProfile: { country: 'GB' } };
    assertFails(() => partnerInvoice({ ...wbase, operator: p, partner: p }), 'InvalidArgument', 'operator');
    assertFails(() => partnerInvoice({ ...wbase, operator, partner: c }), 'InvalidArgument', 'partner');
    const rule: MarkupRule = { id: 'm', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '5' } };
    assertFails(() => partnerInvoice({ ...wbase, operator, partner: p, books: [rule] }), 'InvalidArgument', 'books');
    const inv = partnerInvoice({ ...wbase, operator, partner: p });
    assert.equal(inv.taxCountry, 'GB');
    assert.equal(inv.issuer.accountId, operator.id);
  });

  it('refuses bad numbers and parties, and a markup rule without its wholesale book prices nothing', () => {
    const party = partyOf(p, { country: 'DE' });
    const run = { number: 'INV-2', billing: 'retail' as const, issuer: party, recipient: partyOf(c, { country: 'DE' }), period: MARCH, now: AFTER_MARCH, books: [BOOK], usage: [], taxRates: TAX };
    assertFails(() => draftInvoice({ ...run, number: 'no spaces allowed' }), 'InvalidArgument', 'number');
    assertFails(() => draftInvoice({ ...run, recipient: { ...run.recipient, name: '' } }), 'InvalidArgument', 'recipient');
    assertFails(() => draftInvoice({ ...run, now: 'soon' }), 'InvalidArgument', 'now');
    const rule: MarkupRule = { id: 'm', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '5' } };
    assertFails(() => draftInvoice({ ...run, books: [rule], usage: [usage('c1', 'eu-fra', 'requests.write', 0, 1n)] }), 'InvalidArgument', 'wholesaleBooks', /needs the wholesale books/);
    const later: PriceBook = { ...BOOK, id: 'w-april', validFrom: '2026-04-01T00:00:00Z' };
    assertFails(() => draftInvoice({ ...run, books: [rule], wholesaleBooks: [later], usage: [usage('c1', 'eu-fra', 'requests.write', 0, 1n)] }), 'InvalidArgument', 'usage[0].hour', /No price book covers/);
    assert.equal(draftInvoice(run).status, 'draft');
  });
});

describe('margin report', () => {
  const wholesale = BOOK;
  const retail: MarkupRule = { id: 'r', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { perUnit: '0.001' }, minimumMonthlyFee: '1.00' };

  it('gives retail minus attributed wholesale per customer, and the volume discount of shared tiers', () => {
    const report = marginReport({
      period: MARCH, partnerId: 'p1', wholesaleBooks: [wholesale],
      // the partner's wholesale invoice sees 1,800 x 1,000 writes together:
      // 1,000 x 0.005 + 800 x 0.004 = 5.00 + 3.20 = 8.20
      wholesaleInvoiceSubtotal: '8.20',
      customers: [
        // c1 900 x 1,000: retail 900 x 0.006 = 5.40; wholesale 900 x 0.005 = 4.50; margin 0.90
        { accountId: 'c1', name: 'One', retailBooks: [retail], usage: [usage('c1', 'eu-fra', 'requests.write', 0, 900_000n)] },
        // c2 900 x 1,000 alike: 5.40 - 4.50 = 0.90
        { accountId: 'c2', name: 'Two', retailBooks: [retail], usage: [usage('c2', 'eu-par', 'requests.write', 0, 900_000n)] },
        // c3 no usage: retail is the 1.00 minimum; wholesale 0.00
        { accountId: 'c3', name: 'Three', retailBooks: [retail], usage: [] },
      ],
    });
    assert.deepEqual(report.rows.map((r) => [r.customerId, r.retail, r.wholesale, r.margin]), [
      ['c1', '5.40', '4.50', '0.90'], ['c2', '5.40', '4.50', '0.90'], ['c3', '1.00', '0.00', '1.00'],
    ]);
    assert.deepEqual(report.totals, { retail: '11.80', wholesale: '9.00', margin: '2.80' });
    // attributed 9.00 - invoiced 8.20
    assert.equal(report.volumeDiscount, '0.80');
  });

  it('refuses retail and wholesale in different currencies', () => {
    const gbp: PriceBook = { ...BOOK, id: 'g', currency: 'GBP' };
    assertFails(() => marginReport({
      period: MARCH, partnerId: 'p1', wholesaleBooks: [wholesale],
      customers: [{ accountId: 'c1', name: 'One', retailBooks: [gbp], usage: [] }],
    }), 'InvalidArgument', 'retailBooks', /exchange rate/);
  });
});
