/**
 * Worked examples: invoices checked line by line against figures computed by hand.
 * All in March 2026: 744 hours, so 1 GB stored all month = 744 x 10^9 byte-hours = 1 GB-month.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { creditNote } from './credit-note.js';
import { customerInvoice, issueInvoice, partnerInvoice, type InvoiceDocument } from './invoice.js';
import { marginReport } from './margin.js';
import type { MarkupRule, PriceBook } from './price-book.js';
import { AFTER_MARCH, assertFails, customer, hourly, MARCH, operator, partner, usage } from './test-support.js';

const TAX = { DE: '19', GB: '20', FR: '20', IN: '18', AU: '10' };
const GB = 1_000_000_000n;
const DE = { country: 'DE' };

const partnerDe = partner('partner-de', 'Cloud DE GmbH', { displayName: 'Cloud DE', colors: { primary: '#e20074' } });
const partnerUk = partner('partner-uk', 'Cloud UK Ltd');
const acme = customer('cust-acme', 'partner-de', 'Acme AG');

/** [id, region, meter, amount] of each line, the shape every example compares. */
function lines(doc: InvoiceDocument): [string, string | undefined, string | undefined, string][] {
  return doc.lines.map((l) => [l.id, l.region, l.meter ?? l.kind, l.amount]);
}
function totals(doc: InvoiceDocument): [string, string, string] {
  return [doc.subtotal, doc.tax, doc.total];
}

function retail(book: PriceBook, records = [] as ReturnType<typeof usage>[], country = 'DE', number = 'INV-1'): InvoiceDocument {
  return customerInvoice({
    number, period: MARCH, now: AFTER_MARCH, books: [book], usage: records, taxRates: TAX,
    partner: partnerDe, partnerProfile: DE, customer: acme, customerProfile: { country },
  });
}

const TIERED: PriceBook = {
  id: 'de-retail-2026', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [
    { meter: 'requests.read', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.0004' }, { unitPrice: '0.0003' }] },
    { meter: 'bytes.out', region: '*', tiers: [{ upTo: '10', unitPrice: '0.09' }, { upTo: '50', unitPrice: '0.085' }, { unitPrice: '0.05' }] },
    { meter: 'storage.byte_hours', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.02' }, { unitPrice: '0.018' }] },
  ],
};

function tieredInvoice(): InvoiceDocument {
  return retail(TIERED, [
    usage('cust-acme', 'eu-fra', 'requests.read', 3, 1_000_000n),
    usage('cust-acme', 'eu-fra', 'requests.read', 400, 250_000n),
    usage('cust-acme', 'eu-fra', 'bytes.out', 1, 25n * GB),
    usage('cust-acme', 'eu-fra', 'bytes.out', 100, 35_500_000_000n),
    ...hourly('cust-acme', 'eu-fra', 'storage.byte_hours', 0, 744, 1500n * GB),
  ]);
}

describe('worked examples', () => {
  it('tiers: each part of the month\'s total is priced by its tier, the line rounded once', () => {
    const inv = tieredInvoice();
    // requests.read 1,250,000 = 1,250 x 1,000: 1,000 x 0.0004 = 0.40; 250 x 0.0003 = 0.075; 0.475 -> 0.48
    // bytes.out 60.5 GB: 10 x 0.09 = 0.90; 40 x 0.085 = 3.40; 10.5 x 0.05 = 0.525; 4.825 -> 4.83 (half-up)
    // storage 1,500 GB all month = 1,500 GB-months: 1,000 x 0.02 = 20.00; 500 x 0.018 = 9.00; 29.00
    assert.deepEqual(lines(inv), [
      ['L1', 'eu-fra', 'requests.read', '0.48'],
      ['L2', 'eu-fra', 'bytes.out', '4.83'],
      ['L3', 'eu-fra', 'storage.byte_hours', '29.00'],
    ]);
    assert.deepEqual(inv.lines[1]!.tiers.map((t) => [t.unitPrice, t.quantity, t.amount]), [
      ['0.09', '10000000000', '0.9'], ['0.085', '40000000000', '3.4'], ['0.05', '10500000000', '0.525'],
    ]);
    assert.equal(inv.lines[1]!.billedQuantity, '60.5');
    assert.equal(inv.lines[2]!.quantity, (1500n * GB * 744n).toString());
    assert.equal(inv.lines[2]!.billedQuantity, '1500');
    // subtotal 0.48 + 4.83 + 29.00 = 34.31; DE 19%: 6.5189 -> 6.52; total 40.83
    assert.deepEqual(totals(inv), ['34.31', '6.52', '40.83']);
    assert.equal(inv.issuer.brand?.displayName, 'Cloud DE');
    assert.equal(inv.billing, 'retail');
  });

  it('README: a partner\'s month from usage to invoice (retail, wholesale and margin)', () => {
    const inv = tieredInvoice();
    assert.deepEqual(totals(inv), ['34.31', '6.52', '40.83']);
    const wholesale: PriceBook = {
      id: 'wholesale-de-2026', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [
        { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0003' }] },
        { meter: 'bytes.out', region: '*', tiers: [{ unitPrice: '0.04' }] },
        { meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.012' }] },
      ],
    };
    const records = [
      usage('cust-acme', 'eu-fra', 'requests.read', 3, 1_000_000n),
      usage('cust-acme', 'eu-fra', 'requests.read', 400, 250_000n),
      usage('cust-acme', 'eu-fra', 'bytes.out', 1, 25n * GB),
      usage('cust-acme', 'eu-fra', 'bytes.out', 100, 35_500_000_000n),
      ...hourly('cust-acme', 'eu-fra', 'storage.byte_hours', 0, 744, 1500n * GB),
    ];
    const w = partnerInvoice({
      number: 'W-2026-03-DE', period: MARCH, now: AFTER_MARCH, books: [wholesale], usage: records, taxRates: TAX,
      operator, operatorProfile: { country: 'DE', legalName: 'Sovra GmbH' }, partner: partnerDe, partnerProfile: DE,
    });
    // reads 1,250 x 0.0003 = 0.375 -> 0.38; egress 60.5 x 0.04 = 2.42; storage 1,500 x 0.012 = 18.00
    assert.deepEqual(lines(w), [['L1', 'eu-fra', 'requests.read', '0.38'], ['L2', 'eu-fra', 'bytes.out', '2.42'], ['L3', 'eu-fra', 'storage.byte_hours', '18.00']]);
    // 20.80; 19% = 3.952 -> 3.95; 24.75
    assert.deepEqual(totals(w), ['20.80', '3.95', '24.75']);
    const m = marginReport({
      period: MARCH, partnerId: 'partner-de', wholesaleBooks: [wholesale], wholesaleInvoiceSubtotal: w.subtotal,
      customers: [{ accountId: 'cust-acme', name: 'Acme AG', retailBooks: [TIERED], usage: records }],
    });
    // 34.31 - 20.80 = 13.51; one customer, so no volume discount
    assert.deepEqual(m.totals, { retail: '34.31', wholesale: '20.80', margin: '13.51' });
    assert.equal(m.volumeDiscount, '0.00');
  });

  it('free allowances: the first units of each region\'s month are free, tiers count the gross total', () => {
    const book: PriceBook = {
      id: 'allowances', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [
        { meter: 'requests.write', region: '*', freeAllowance: '100', tiers: [{ unitPrice: '0.005' }] },
        { meter: 'storage.byte_hours', region: '*', freeAllowance: '5', tiers: [{ upTo: '10', unitPrice: '0.10' }, { unitPrice: '0.05' }] },
      ],
    };
    const inv = retail(book, [
      usage('cust-acme', 'eu-fra', 'requests.write', 10, 250_000n),
      usage('cust-acme', 'eu-par', 'requests.write', 10, 30_000n),
      // 30 GB for the first half of March (372 of 744 hours) = 15 GB-months
      ...hourly('cust-acme', 'eu-fra', 'storage.byte_hours', 0, 372, 30n * GB),
    ], 'GB');
    // eu-fra writes 250 x 1,000: 100 free; 150 x 0.005 = 0.75
    // eu-fra storage 15 GB-months: 5 free; [5, 10) 5 x 0.10 = 0.50; [10, 15) 5 x 0.05 = 0.25; 0.75
    // eu-par writes 30 x 1,000: all free -> 0.00
    assert.deepEqual(lines(inv), [
      ['L1', 'eu-fra', 'requests.write', '0.75'],
      ['L2', 'eu-fra', 'storage.byte_hours', '0.75'],
      ['L3', 'eu-par', 'requests.write', '0.00'],
    ]);
    assert.equal(inv.lines[0]!.freeQuantity, '100000');
    assert.equal(inv.lines[1]!.freeQuantity, (5n * GB * 744n).toString());
    assert.equal(inv.lines[2]!.freeQuantity, '30000');
    assert.deepEqual(inv.lines[2]!.tiers, []);
    // 1.50; GB 20% = 0.30; 1.80
    assert.deepEqual(totals(inv), ['1.50', '0.30', '1.80']);
  });

  it('two currencies: a EUR partner and a GBP partner on their wholesale books', () => {
    const eur: PriceBook = {
      id: 'wholesale-de', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.010' }] }, { meter: 'bytes.out', region: '*', tiers: [{ unitPrice: '0.02' }] }],
    };
    const gbp: PriceBook = {
      id: 'wholesale-uk', currency: 'GBP', validFrom: '2026-01-01T00:00:00Z',
      entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.009' }] }, { meter: 'bytes.out', region: '*', tiers: [{ unitPrice: '0.017' }] }],
    };
    const run = (p: typeof partnerDe, book: PriceBook, region: string, country: string) => partnerInvoice({
      number: `W-${p.id}`, period: MARCH, now: AFTER_MARCH, books: [book], taxRates: TAX,
      operator, operatorProfile: { country: 'DE', legalName: 'Sovra GmbH' }, partner: p, partnerProfile: { country },
      usage: [
        ...hourly('cust-1', region, 'storage.byte_hours', 0, 744, 1200n * GB),
        ...hourly('cust-2', region, 'storage.byte_hours', 0, 744, 800n * GB),
        usage('cust-1', region, 'bytes.out', 200, 123_456_789_000n),
      ],
    });
    const de = run(partnerDe, eur, 'eu-fra', 'DE');
    // bytes.out 123.456789 GB x 0.02 = 2.46913578 -> 2.47; storage 2,000 GB-months x 0.010 = 20.00
    assert.deepEqual(lines(de), [['L1', 'eu-fra', 'bytes.out', '2.47'], ['L2', 'eu-fra', 'storage.byte_hours', '20.00']]);
    // 22.47; DE 19% = 4.2693 -> 4.27; 26.74 EUR
    assert.deepEqual([de.currency, ...totals(de)], ['EUR', '22.47', '4.27', '26.74']);
    assert.equal(de.issuer.name, 'Sovra GmbH');
    assert.equal(de.issuer.brand, undefined);
    assert.equal(de.billing, 'wholesale');

    const uk = run(partnerUk, gbp, 'eu-lon', 'GB');
    // bytes.out 123.456789 x 0.017 = 2.098765413 -> 2.10; storage 2,000 x 0.009 = 18.00
    assert.deepEqual(lines(uk), [['L1', 'eu-lon', 'bytes.out', '2.10'], ['L2', 'eu-lon', 'storage.byte_hours', '18.00']]);
    // 20.10; GB 20% = 4.02; 24.12 GBP
    assert.deepEqual([uk.currency, ...totals(uk)], ['GBP', '20.10', '4.02', '24.12']);
  });

  it('mid-month price change: the month splits at the change, tiers run on across it, the minimum is prorated', () => {
    // Book A to 16 March 00:00 (360 hours of March), book B from then (384 hours).
    const a: PriceBook = {
      id: 'A', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', validTo: '2026-03-16T00:00:00Z', minimumMonthlyFee: '50.00',
      entries: [
        { meter: 'bytes.out', region: '*', tiers: [{ upTo: '100', unitPrice: '0.05' }, { unitPrice: '0.04' }] },
        { meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.02' }] },
      ],
    };
    const b: PriceBook = {
      id: 'B', currency: 'EUR', validFrom: '2026-03-16T00:00:00Z', minimumMonthlyFee: '80.00',
      entries: [
        { meter: 'bytes.out', region: '*', tiers: [{ upTo: '100', unitPrice: '0.06' }, { unitPrice: '0.03' }] },
        { meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.03' }] },
      ],
    };
    const inv = customerInvoice({
      number: 'INV-2', period: MARCH, now: AFTER_MARCH, books: [b, a], taxRates: TAX,
      partner: partnerDe, partnerProfile: DE, customer: acme, customerProfile: { country: 'FR' },
      usage: [
        usage('cust-acme', 'eu-fra', 'bytes.out', 216, 80n * GB), // 10 March: book A
        usage('cust-acme', 'eu-fra', 'bytes.out', 456, 50n * GB), // 20 March: book B
        ...hourly('cust-acme', 'eu-fra', 'storage.byte_hours', 0, 744, 744n * GB),
      ],
    });
    // bytes.out A: [0, 80) GB in A's first tier: 80 x 0.05 = 4.00
    // bytes.out B: running total goes on from 80: [80, 100) 20 x 0.06 = 1.20; [100, 130) 30 x 0.03 = 0.90; 2.10
    // storage A: 744 GB x 360 h / 744 h = 360 GB-months x 0.02 = 7.20
    // storage B: 744 GB x 384 h / 744 h = 384 GB-months x 0.03 = 11.52
    // usage 24.82; minimum (50.00 x 360 + 80.00 x 384) / 744 = 48,720 / 744 = 65.4838... -> 65.48; top-up 40.66
    assert.deepEqual(lines(inv), [
      ['L1', 'eu-fra', 'bytes.out', '4.00'],
      ['L2', 'eu-fra', 'bytes.out', '2.10'],
      ['L3', 'eu-fra', 'storage.byte_hours', '7.20'],
      ['L4', 'eu-fra', 'storage.byte_hours', '11.52'],
      ['L5', undefined, 'minimum-fee', '40.66'],
    ]);
    assert.deepEqual(inv.lines.slice(0, 4).map((l) => [l.priceBookId, l.from, l.to]), [
      ['A', '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'], ['B', '2026-03-16T00:00:00Z', '2026-04-01T00:00:00Z'],
      ['A', '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'], ['B', '2026-03-16T00:00:00Z', '2026-04-01T00:00:00Z'],
    ]);
    assert.deepEqual(inv.lines[1]!.tiers.map((t) => [t.tier, t.quantity]), [[0, '20000000000'], [1, '30000000000']]);
    // 65.48; FR 20% = 13.096 -> 13.10; 78.58
    assert.deepEqual(totals(inv), ['65.48', '13.10', '78.58']);
  });

  it('customer moved from one partner to another mid-month: each partner invoices its share of the hours', () => {
    // Acme moves from partner-de to partner-uk at 11 March 00:00: 240 hours with partner-de, 504 with partner-uk.
    const moved = customer('cust-acme', 'partner-uk', 'Acme AG');
    const records = [
      ...hourly('cust-acme', 'eu-fra', 'storage.byte_hours', 0, 744, 100n * GB),
      ...hourly('cust-acme', 'eu-fra', 'requests.read', 0, 744, 1000n),
    ];
    const deRetail: PriceBook = {
      id: 'de-retail', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', minimumMonthlyFee: '10.00',
      entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.031' }] }, { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0005' }] }],
    };
    const ukWholesale: PriceBook = {
      id: 'uk-wholesale', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
      entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ unitPrice: '0.02' }] }, { meter: 'requests.read', region: '*', tiers: [{ unitPrice: '0.0004' }] }],
    };
    const ukRetail: MarkupRule = { id: 'uk-retail', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '25' } };
    const split = '2026-03-11T00:00:00Z';
    const base = { period: MARCH, now: AFTER_MARCH, usage: records, taxRates: TAX, customer: moved, customerProfile: DE };

    // The old partner must say which hours it bills.
    assertFails(() => customerInvoice({ ...base, number: 'DE-7', books: [deRetail], partner: partnerDe, partnerProfile: DE }), 'InvalidArgument', 'coverage');

    const first = customerInvoice({
      ...base, number: 'DE-7', books: [deRetail], partner: partnerDe, partnerProfile: DE,
      coverage: { from: '2026-03-01T00:00:00Z', to: split },
    });
    // storage 100 GB x 240 h / 744 h x 0.031 = 744 / 744 = 1.00; reads 240,000 = 240 x 0.0005 = 0.12
    // usage 1.12; minimum 10.00 x 240 / 744 = 3.2258 -> 3.23; top-up 2.11
    assert.deepEqual(lines(first), [
      ['L1', 'eu-fra', 'requests.read', '0.12'], ['L2', 'eu-fra', 'storage.byte_hours', '1.00'], ['L3', undefined, 'minimum-fee', '2.11'],
    ]);
    assert.equal(first.lines[1]!.quantity, (100n * GB * 240n).toString());
    // 3.23; DE 19% = 0.6137 -> 0.61; 3.84
    assert.deepEqual(totals(first), ['3.23', '0.61', '3.84']);
    assert.deepEqual([first.from, first.to], ['2026-03-01T00:00:00Z', split]);

    const second = customerInvoice({
      ...base, number: 'UK-1', books: [ukRetail], wholesaleBooks: [ukWholesale], partner: partnerUk, partnerProfile: { country: 'GB' },
      coverage: { from: split, to: '2026-04-01T00:00:00Z' },
    });
    // retail = wholesale x 1.25: storage 0.025, reads 0.0005
    // storage 100 x 504 / 744 x 0.025 = 1260 / 744 = 1.6935... -> 1.69; reads 504 x 0.0005 = 0.252 -> 0.25
    assert.deepEqual(lines(second), [['L1', 'eu-fra', 'requests.read', '0.25'], ['L2', 'eu-fra', 'storage.byte_hours', '1.69']]);
    assert.equal(second.lines[1]!.priceBookId, 'uk-retail+uk-wholesale');
    // 1.94; DE 19% (the customer's country) = 0.3686 -> 0.37; 2.31
    assert.deepEqual(totals(second), ['1.94', '0.37', '2.31']);
    assert.equal(second.issuer.accountId, 'partner-uk');

    // partner-uk's margin on Acme: wholesale storage 100 x 504 / 744 x 0.02 = 1008 / 744 = 1.3548 -> 1.35,
    // reads 504 x 0.0004 = 0.2016 -> 0.20; wholesale 1.55; retail 1.94; margin 0.39
    const report = marginReport({
      period: MARCH, partnerId: 'partner-uk', wholesaleBooks: [ukWholesale],
      customers: [{ accountId: 'cust-acme', name: 'Acme AG', retailBooks: [ukRetail], usage: records, coverage: { from: split, to: '2026-04-01T00:00:00Z' } }],
    });
    assert.deepEqual(report.rows, [{ period: MARCH, customerId: 'cust-acme', customerName: 'Acme AG', retail: '1.94', wholesale: '1.55', margin: '0.39' }]);
  });

  it('minimum fee: a top-up line when usage is below it, none when above', () => {
    const book: PriceBook = {
      id: 'min', currency: 'GBP', validFrom: '2026-01-01T00:00:00Z', minimumMonthlyFee: '25.00',
      entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] }],
    };
    const low = customerInvoice({
      number: 'UK-2', period: MARCH, now: AFTER_MARCH, books: [book], taxRates: TAX,
      partner: partnerUk, partnerProfile: { country: 'GB' }, customer: customer('c-uk', 'partner-uk', 'Brit Ltd'), customerProfile: { country: 'GB' },
      usage: [usage('c-uk', 'eu-lon', 'requests.write', 0, 10_000n)],
    });
    // 10 x 0.005 = 0.05; minimum 25.00 -> top-up 24.95; 25.00; GB 20% = 5.00; 30.00
    assert.deepEqual(lines(low), [['L1', 'eu-lon', 'requests.write', '0.05'], ['L2', undefined, 'minimum-fee', '24.95']]);
    assert.match(low.lines[1]!.description, /minimum 25\.00 GBP/);
    assert.deepEqual(totals(low), ['25.00', '5.00', '30.00']);

    const high = customerInvoice({
      number: 'UK-3', period: MARCH, now: AFTER_MARCH, books: [book], taxRates: TAX,
      partner: partnerUk, partnerProfile: { country: 'GB' }, customer: customer('c-uk', 'partner-uk', 'Brit Ltd'), customerProfile: { country: 'GB' },
      usage: [usage('c-uk', 'eu-lon', 'requests.write', 0, 6_000_000n)],
    });
    // 6,000 x 0.005 = 30.00 >= 25.00: no top-up; GB 20% = 6.00; 36.00
    assert.deepEqual(lines(high), [['L1', 'eu-lon', 'requests.write', '30.00']]);
    assert.deepEqual(totals(high), ['30.00', '6.00', '36.00']);
  });

  it('tax: by the billed party\'s country, once on the subtotal, in INR and EUR', () => {
    const inr: PriceBook = {
      id: 'in', currency: 'INR', validFrom: '2026-01-01T00:00:00Z',
      entries: [{ meter: 'bytes.out', region: '*', tiers: [{ unitPrice: '8.50' }] }],
    };
    const india = retail(inr, [usage('cust-acme', 'ap-mum', 'bytes.out', 9, 10_100_000_000n)], 'IN');
    // 10.1 GB x 8.50 = 85.85; IN 18% = 15.453 -> 15.45; 101.30 INR
    assert.deepEqual(lines(india), [['L1', 'ap-mum', 'bytes.out', '85.85']]);
    assert.deepEqual([india.taxRate, ...totals(india)], ['18', '85.85', '15.45', '101.30']);

    const eur: PriceBook = { id: 'w', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] }] };
    const three = retail(eur, ['eu-ams', 'eu-fra', 'eu-par'].map((r) => usage('cust-acme', r, 'requests.write', 0, 4_000n)));
    // three lines of 4 x 0.005 = 0.02; per line 19% would be 0.0038 -> 0.00 each, but tax is on the
    // subtotal: 0.06 x 19% = 0.0114 -> 0.01; 0.07
    assert.deepEqual(lines(three).map((l) => l[3]), ['0.02', '0.02', '0.02']);
    assert.deepEqual(totals(three), ['0.06', '0.01', '0.07']);

    assertFails(() => retail(eur, [], 'US'), 'InvalidArgument', 'country', /No tax rate is configured for country US/);
  });

  it('credit note: an issued invoice never changes; credit notes reverse its lines and its tax exactly', () => {
    const issued = issueInvoice(tieredInvoice(), '2026-04-03T10:00:00Z');
    assert.equal(issued.status, 'issued');
    assert.equal(issued.issuedAt, '2026-04-03T10:00:00.000Z');
    assert.ok(Object.isFrozen(issued) && Object.isFrozen(issued.lines[0]));
    assert.throws(() => { (issued as { total: string }).total = '0.00'; }, TypeError);
    assertFails(() => issueInvoice(issued, AFTER_MARCH), 'Conflict', 'number', /already issued/);

    // Reverse L2 (bytes.out 4.83): tax 4.83 x 19% = 0.9177 -> 0.92; total -5.75
    const cn1 = creditNote({ number: 'CN-1', invoice: issued, lineIds: ['L2'], reason: 'egress double-counted', now: '2026-04-05T00:00:00Z' });
    assert.deepEqual(lines(cn1), [['L1', 'eu-fra', 'bytes.out', '-4.83']]);
    assert.equal(cn1.lines[0]!.reverses, 'L2');
    assert.equal(cn1.lines[0]!.quantity, '-60500000000');
    assert.deepEqual(totals(cn1), ['-4.83', '-0.92', '-5.75']);
    assert.deepEqual(cn1.credits, { invoiceNumber: 'INV-1', lineIds: ['L2'], reason: 'egress double-counted' });
    const cn1Issued = issueInvoice(cn1, '2026-04-05T00:00:00Z');

    assertFails(() => creditNote({ number: 'CN-2', invoice: issued, lineIds: ['L2'], reason: 'again', now: AFTER_MARCH, priorCredits: [cn1Issued] }), 'Conflict', 'lineIds');
    assertFails(() => creditNote({ number: 'CN-2', invoice: issued, lineIds: [], reason: 'x', now: AFTER_MARCH }), 'InvalidArgument', 'lineIds', /at least one/);
    assertFails(() => creditNote({ number: 'CN 2', invoice: issued, reason: 'x', now: AFTER_MARCH }), 'InvalidArgument', 'number');
    assertFails(() => creditNote({ number: 'CN-2', invoice: issued, lineIds: ['L9'], reason: 'x', now: AFTER_MARCH }), 'InvalidArgument', 'lineIds', /no line L9/);
    assertFails(() => creditNote({ number: 'CN-2', invoice: tieredInvoice(), reason: 'x', now: AFTER_MARCH }), 'InvalidArgument', 'invoice', /draft/);

    // The rest (L1 0.48 + L3 29.00 = 29.48) completes the reversal: tax = 6.52 - 0.92 = 5.60; total -35.08
    const cn2 = creditNote({ number: 'CN-2', invoice: issued, reason: 'contract cancelled', now: AFTER_MARCH, priorCredits: [cn1Issued] });
    assert.deepEqual(lines(cn2), [['L1', 'eu-fra', 'requests.read', '-0.48'], ['L2', 'eu-fra', 'storage.byte_hours', '-29.00']]);
    assert.deepEqual(totals(cn2), ['-29.48', '-5.60', '-35.08']);
    // -5.75 + -35.08 = -40.83: exactly the invoice total.
    assertFails(() => creditNote({ number: 'CN-3', invoice: issued, reason: 'x', now: AFTER_MARCH, priorCredits: [cn1Issued, cn2] }), 'InvalidArgument', 'lineIds', /already credited/);
  });

  it('credit note: the last note takes the tax not yet reversed, never more', () => {
    const book: PriceBook = { id: 'au', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] }] };
    const inv = issueInvoice(retail(book, ['eu-fra', 'eu-par'].map((r) => usage('cust-acme', r, 'requests.write', 0, 10_000n)), 'AU'), AFTER_MARCH);
    // two lines of 0.05; 0.10 x 10% = 0.01
    assert.deepEqual(totals(inv), ['0.10', '0.01', '0.11']);
    // L1 alone: 0.05 x 10% = 0.005 -> 0.01
    const a = creditNote({ number: 'CN-A', invoice: inv, lineIds: ['L1'], reason: 'r', now: AFTER_MARCH });
    assert.deepEqual(totals(a), ['-0.05', '-0.01', '-0.06']);
    // L2 alone would also round to 0.01, but only 0.00 of tax remains to reverse
    const b = creditNote({ number: 'CN-B', invoice: inv, lineIds: ['L2'], reason: 'r', now: AFTER_MARCH, priorCredits: [a] });
    assert.deepEqual(totals(b), ['-0.05', '0.00', '-0.05']);
  });

  it('an invoice run for a month that has not ended is refused, and nothing is produced', () => {
    const run = (now: string) => customerInvoice({
      number: 'INV-9', period: MARCH, now, books: [TIERED], usage: [], taxRates: TAX,
      partner: partnerDe, partnerProfile: DE, customer: acme, customerProfile: DE,
    });
    assertFails(() => run('2026-03-31T23:59:59Z'), 'InvalidArgument', 'period', /still open until 2026-04-01T00:00:00Z/);
    // From the first instant of April the run goes ahead.
    assert.deepEqual(totals(run('2026-04-01T00:00:00Z')), ['0.00', '0.00', '0.00']);
  });
});
