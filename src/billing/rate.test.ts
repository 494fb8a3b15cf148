import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PriceBook } from './price-book.js';
import { rateUsage } from './rate.js';
import { computeTax, taxRateFor } from './tax.js';
import { assertFails, MARCH, usage } from './test-support.js';

const BOOK: PriceBook = {
  id: 'b', currency: 'EUR', validFrom: '2026-01-01T00:00:00Z',
  entries: [
    { meter: 'requests.write', region: '*', tiers: [{ unitPrice: '0.005' }] },
    { meter: 'requests.write', region: 'eu-lon', tiers: [{ unitPrice: '0.006' }] },
    { meter: 'analytics.query_seconds', region: '*', tiers: [{ unitPrice: '0.36' }], freeAllowance: '0.0001' },
  ],
};

describe('rating: choosing prices', () => {
  it('uses the region\'s own entry before the "*" entry', () => {
    const r = rateUsage({ period: MARCH, books: [BOOK], usage: [usage('c', 'eu-fra', 'requests.write', 0, 1000n), usage('c', 'eu-lon', 'requests.write', 0, 1000n)] });
    assert.deepEqual(r.lines.map((l) => [l.region, l.amount]), [['eu-fra', '0.01'], ['eu-lon', '0.01']]);
    assert.deepEqual(r.lines.map((l) => l.tiers[0]!.amount), ['0.005', '0.006']);
  });

  it('rounds a bound in price units up to a whole base unit', () => {
    // 0.0001 query-hours = 0.36 s -> 1 s free; 10 s used -> 9 s x 0.36 / 3600 = 0.0009 -> 0.00.
    const r = rateUsage({ period: MARCH, books: [BOOK], usage: [usage('c', 'eu-fra', 'analytics.query_seconds', 5, 10n)] });
    assert.equal(r.lines[0]!.freeQuantity, '1');
    assert.equal(r.lines[0]!.tiers[0]!.quantity, '9');
    assert.equal(r.lines[0]!.amount, '0.00');
  });

  it('sums the records of one region and meter into one line, whatever the bucket or account', () => {
    const r = rateUsage({
      period: MARCH, books: [BOOK],
      usage: [usage('c1', 'eu-fra', 'requests.write', 0, 600n, 'a'), usage('c2', 'eu-fra', 'requests.write', 700, 600n, 'b')],
    });
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0]!.quantity, '1200');
    assert.equal(r.lines[0]!.billedQuantity, '1.2');
    assert.equal(r.lines[0]!.amount, '0.01'); // 1.2 x 0.005 = 0.006 -> 0.01
  });

  it('rates no usage as an empty invoice', () => {
    const r = rateUsage({ period: MARCH, books: [BOOK], usage: [] });
    assert.deepEqual(r.lines, []);
    assert.equal(r.subtotal, '0.00');
  });
});

describe('rating: bad usage is refused before anything is priced', () => {
  it('refuses unknown meters, negative or non-bigint quantities and unaligned hours', () => {
    const bad = (over: object) => [{ ...usage('c', 'eu-fra', 'requests.write', 0, 1n), ...over }];
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: bad({ meter: 'bytes.lost' }) }), 'InvalidArgument', 'usage[0].meter');
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: bad({ quantity: -1n }) }), 'InvalidArgument', 'usage[0].quantity');
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: bad({ quantity: 1.5 }) }), 'InvalidArgument', 'usage[0].quantity', /bigint/);
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: bad({ hour: '2026-03-01T00:15:00Z' }) }), 'InvalidArgument', 'usage[0].hour');
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: bad({ hour: '2026-04-01T00:00:00Z' }) }), 'InvalidArgument', 'usage[0].hour', /outside the period/);
  });

  it('refuses usage no book prices', () => {
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: [usage('c', 'eu-fra', 'bytes.out', 0, 1n)] }), 'InvalidArgument', 'usage[0].meter', /no price for bytes.out in region eu-fra/);
    const late = { ...BOOK, validFrom: '2026-03-10T00:00:00Z' };
    assertFails(() => rateUsage({ period: MARCH, books: [late], usage: [usage('c', 'eu-fra', 'requests.write', 0, 1n)] }), 'InvalidArgument', 'usage[0].hour', /No price book covers/);
    assertFails(() => rateUsage({ period: MARCH, books: [], usage: [] }), 'InvalidArgument', 'priceBooks');
    assertFails(() => rateUsage({ period: '2026-13', books: [BOOK], usage: [] }), 'InvalidArgument', 'period');
  });

  it('skips usage outside the coverage window and refuses a window outside the month', () => {
    const r = rateUsage({
      period: MARCH, books: [BOOK], coverage: { from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' },
      usage: [usage('c', 'eu-fra', 'requests.write', 0, 1000n), usage('c', 'eu-fra', 'requests.write', 24, 2000n)],
    });
    assert.equal(r.lines[0]!.quantity, '2000');
    assert.equal(r.from, '2026-03-02T00:00:00Z');
    assertFails(() => rateUsage({ period: MARCH, books: [BOOK], usage: [], coverage: { from: '2026-05-01T00:00:00Z', to: '2026-06-01T00:00:00Z' } }), 'InvalidArgument', 'coverage');
  });
});

describe('tax', () => {
  it('looks the rate up by country and rounds once, half-up', () => {
    const rates = { DE: '19', CH: '8.1' };
    assert.equal(taxRateFor('DE', rates), '19');
    assert.equal(computeTax('100.05', 'EUR', '19'), '19.01'); // 19.0095
    assert.equal(computeTax('10.00', 'CHF', '8.1'), '0.81');
    assert.equal(computeTax('-100.05', 'EUR', '19'), '-19.01');
    assert.equal(computeTax('999', 'JPY', '10'), '100'); // 99.9
    assertFails(() => taxRateFor('FR', rates), 'InvalidArgument', 'country', /No tax rate/);
    assertFails(() => taxRateFor('Germany', rates), 'InvalidArgument', 'country');
    assertFails(() => taxRateFor('DE', { DE: '190' }), 'InvalidArgument', 'taxRates.DE');
  });
});
