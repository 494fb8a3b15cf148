import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMarkup, markUp, resolvePriceBooks } from './markup.js';
import { validatePriceBook, validatePriceBookSet, type MarkupRule, type PriceBook } from './price-book.js';
import { assertFails } from './test-support.js';

function book(over: Partial<PriceBook> = {}): PriceBook {
  return {
    id: 'pb-1', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
    entries: [
      { meter: 'storage.byte_hours', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.02' }, { unitPrice: '0.018' }], freeAllowance: '5' },
      { meter: 'bytes.out', region: 'eu-fra', tiers: [{ unitPrice: '0.05' }] },
    ],
    ...over,
  };
}

describe('price book validation', () => {
  it('accepts a well-formed book and a markup rule', () => {
    validatePriceBook(book());
    validatePriceBook(book({ validTo: '2026-02-01T00:00:00Z', minimumMonthlyFee: '10.00' }), { knownRegions: ['eu-fra'] });
    validatePriceBook({ id: 'retail', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '25' } });
  });

  it('refuses negative prices, allowances and fees, naming the field', () => {
    const neg = book();
    neg.entries[0]!.tiers[1]!.unitPrice = '-0.01';
    assertFails(() => validatePriceBook(neg), 'InvalidArgument', 'entries[0].tiers[1].unitPrice', /Price book 'pb-1'.*negative/);
    const allowance = book();
    allowance.entries[0]!.freeAllowance = '-5';
    assertFails(() => validatePriceBook(allowance), 'InvalidArgument', 'entries[0].freeAllowance');
    assertFails(() => validatePriceBook(book({ minimumMonthlyFee: '-1.00' })), 'InvalidArgument', 'minimumMonthlyFee');
    assertFails(() => validatePriceBook(book({ minimumMonthlyFee: '1.001' })), 'InvalidArgument', 'minimumMonthlyFee', /more than 2/);
    assertFails(() => validatePriceBook({ id: 'm', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup: { percent: '-10' } }), 'InvalidArgument', 'markup.percent');
  });

  it('refuses float prices', () => {
    const f = book();
    (f.entries[1]!.tiers[0] as unknown as { unitPrice: number }).unitPrice = 0.05;
    assertFails(() => validatePriceBook(f), 'InvalidArgument', 'entries[1].tiers[0].unitPrice', /floating point/);
  });

  it('refuses unknown meters, currencies and regions', () => {
    const m = book();
    (m.entries[1] as unknown as { meter: string }).meter = 'bytes.teleported';
    assertFails(() => validatePriceBook(m), 'InvalidArgument', 'entries[1].meter', /not a known meter/);
    assertFails(() => validatePriceBook(book({ currency: 'XYZ' })), 'InvalidArgument', 'currency', /not a supported currency/);
    assertFails(() => validatePriceBook(book(), { knownRegions: ['eu-par'] }), 'InvalidArgument', 'entries[1].region', /unknown region 'eu-fra'/);
    const r = book();
    r.entries[1]!.region = 'EU FRA';
    assertFails(() => validatePriceBook(r), 'InvalidArgument', 'entries[1].region');
  });

  it('refuses tiers that are not strictly ascending or not closed by an unbounded tier', () => {
    const desc = book();
    desc.entries[0]!.tiers = [{ upTo: '100', unitPrice: '0.02' }, { upTo: '50', unitPrice: '0.01' }, { unitPrice: '0.01' }];
    assertFails(() => validatePriceBook(desc), 'InvalidArgument', 'entries[0].tiers[1].upTo', /strictly ascending/);
    const equal = book();
    equal.entries[0]!.tiers = [{ upTo: '100', unitPrice: '0.02' }, { upTo: '100', unitPrice: '0.01' }, { unitPrice: '0.01' }];
    assertFails(() => validatePriceBook(equal), 'InvalidArgument', 'entries[0].tiers[1].upTo');
    const bounded = book();
    bounded.entries[0]!.tiers = [{ upTo: '100', unitPrice: '0.02' }];
    assertFails(() => validatePriceBook(bounded), 'InvalidArgument', 'entries[0].tiers[0].upTo', /last tier/);
    const gap = book();
    gap.entries[0]!.tiers = [{ unitPrice: '0.02' }, { unitPrice: '0.01' }];
    assertFails(() => validatePriceBook(gap), 'InvalidArgument', 'entries[0].tiers[0].upTo', /needs upTo/);
    const nullTier = book();
    (nullTier.entries[0]!.tiers as unknown[])[0] = null;
    assertFails(() => validatePriceBook(nullTier), 'InvalidArgument', 'entries[0].tiers[0]');
    const none = book();
    none.entries[0]!.tiers = [];
    assertFails(() => validatePriceBook(none), 'InvalidArgument', 'entries[0].tiers');
  });

  it('refuses a meter priced twice for one region, and bad validity', () => {
    const dup = book();
    dup.entries.push({ meter: 'bytes.out', region: 'eu-fra', tiers: [{ unitPrice: '0.04' }] });
    assertFails(() => validatePriceBook(dup), 'InvalidArgument', 'entries[2]', /priced twice/);
    assertFails(() => validatePriceBook(book({ validTo: '2026-01-01T00:00:00Z' })), 'InvalidArgument', 'validTo', /after validFrom/);
    assertFails(() => validatePriceBook(book({ validFrom: '2026-01-01T00:30:00Z' })), 'InvalidArgument', 'validFrom', /whole UTC hour/);
    assertFails(() => validatePriceBook(book({ validFrom: 'yesterday' })), 'InvalidArgument', 'validFrom');
  });
});

describe('price book sets (the books of one party)', () => {
  it('accepts consecutive books and refuses overlapping validity', () => {
    const jan = book({ id: 'jan', validTo: '2026-02-01T00:00:00Z' });
    const feb = book({ id: 'feb', validFrom: '2026-02-01T00:00:00Z' });
    validatePriceBookSet([feb, jan]);
    const overlap = book({ id: 'late-jan', validFrom: '2026-01-31T23:00:00Z', validTo: '2026-03-01T00:00:00Z' });
    assertFails(() => validatePriceBookSet([jan, overlap]), 'InvalidArgument', 'validFrom', /overlaps price book 'jan'/);
    // An open-ended book overlaps everything after it.
    assertFails(() => validatePriceBookSet([book({ id: 'open' }), feb]), 'InvalidArgument', 'validFrom', /overlaps/);
  });

  it('refuses mixed currencies and duplicate ids', () => {
    const jan = book({ id: 'jan', validTo: '2026-02-01T00:00:00Z' });
    const feb = book({ id: 'feb', validFrom: '2026-02-01T00:00:00Z', currency: 'GBP' });
    assertFails(() => validatePriceBookSet([jan, feb]), 'InvalidArgument', 'currency', /mixed currencies/);
    assertFails(() => validatePriceBookSet([jan, { ...jan }]), 'InvalidArgument', 'id', /share the id/);
  });
});

describe('markup rules', () => {
  const rule = (markup: MarkupRule['markup'], over: Partial<MarkupRule> = {}): MarkupRule => ({
    id: 'retail', kind: 'markup', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', markup, ...over,
  });

  it('marks prices up by percent (rounded half-up to 9 decimals) or per unit', () => {
    assert.equal(markUp('0.02', rule({ percent: '25' })), '0.025');
    // 0.000000003 x 1.5 = 0.0000000045 -> 0.000000005 (half-up at 10^-9).
    assert.equal(markUp('0.000000003', rule({ percent: '50' })), '0.000000005');
    assert.equal(markUp('0.02', rule({ perUnit: '0.005' })), '0.025');
    assert.equal(markUp('0', rule({ percent: '10' })), '0');
  });

  it('expands over each wholesale book it overlaps, keeping tiers and allowances', () => {
    const w1 = book({ id: 'w1', validTo: '2026-03-16T00:00:00Z' });
    const w2 = book({ id: 'w2', validFrom: '2026-03-16T00:00:00Z' });
    const books = expandMarkup(rule({ percent: '10' }, { validFrom: '2026-03-01T00:00:00Z', minimumMonthlyFee: '5.00' }), [w2, w1]);
    assert.deepEqual(books.map((b) => [b.id, b.validFrom, b.validTo]), [
      ['retail+w1', '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'],
      ['retail+w2', '2026-03-16T00:00:00Z', undefined],
    ]);
    assert.deepEqual(books[0]!.entries[0], {
      meter: 'storage.byte_hours', region: '*', freeAllowance: '5', tiers: [{ upTo: '1000', unitPrice: '0.022' }, { unitPrice: '0.0198' }],
    });
    assert.equal(books[0]!.minimumMonthlyFee, '5.00');
    validatePriceBookSet(books);
    assert.deepEqual(resolvePriceBooks([book({ id: 'own' })]).map((b) => b.id), ['own']);
  });

  it('refuses a markup in another currency than the wholesale book', () => {
    assertFails(() => expandMarkup(rule({ percent: '10' }, { currency: 'GBP' }), [book()]), 'InvalidArgument', 'currency', /not converted/);
  });
});
