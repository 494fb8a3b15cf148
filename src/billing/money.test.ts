import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currencyInfo, divRoundHalfUp, formatDecimal, formatMoney, formatNanos, nanosToMinor, parseDecimal, parseMoney, parseNanos,
} from './money.js';
import { assertFails } from './test-support.js';

describe('money: parsing and printing decimals exactly', () => {
  it('parses decimal strings into scaled bigints without rounding', () => {
    assert.equal(parseNanos('0.023'), 23_000_000n);
    assert.equal(parseNanos('7'), 7_000_000_000n);
    assert.equal(parseNanos('0.000000001'), 1n);
    assert.equal(parseMoney('12.50', 'EUR'), 1250n);
    assert.equal(parseMoney('12.5', 'EUR'), 1250n);
    assert.equal(parseMoney('1200', 'JPY'), 1200n);
    assert.equal(parseDecimal('-3.25', { scale: 2, allowNegative: true }), -325n);
    // Far beyond 2^53: still exact.
    assert.equal(parseMoney('123456789012345678.99', 'USD'), 12345678901234567899n);
  });

  it('prints with the exact number of decimals', () => {
    assert.equal(formatMoney(1250n, 'EUR'), '12.50');
    assert.equal(formatMoney(5n, 'GBP'), '0.05');
    assert.equal(formatMoney(-5n, 'GBP'), '-0.05');
    assert.equal(formatMoney(1200n, 'JPY'), '1200');
    assert.equal(formatDecimal(12345678901234567899n, 2), '123456789012345678.99');
    assert.equal(formatNanos(23_000_000n), '0.023');
    assert.equal(formatNanos(5_000_000_000n, 'EUR'), '5.00');
    assert.equal(formatNanos(23_000_000n, 'EUR'), '0.023');
    assert.equal(formatNanos(5_000_000_000n, 'JPY'), '5');
  });

  it('refuses floats, exponents, separators and extra decimals', () => {
    assertFails(() => parseNanos(0.1), 'InvalidArgument', 'unitPrice', /not a number/);
    assertFails(() => parseNanos('1e-3'), 'InvalidArgument', 'unitPrice');
    assertFails(() => parseNanos('1,5'), 'InvalidArgument', 'unitPrice');
    assertFails(() => parseNanos(' 1'), 'InvalidArgument', 'unitPrice');
    assertFails(() => parseNanos('.5'), 'InvalidArgument', 'unitPrice');
    assertFails(() => parseNanos('0.0000000001'), 'InvalidArgument', 'unitPrice', /more than 9 decimal places/);
    assertFails(() => parseMoney('10.005', 'EUR'), 'InvalidArgument', 'amount', /more than 2/);
    assertFails(() => parseMoney('1.5', 'JPY'), 'InvalidArgument', 'amount');
    assertFails(() => parseNanos('-0.01'), 'InvalidArgument', 'unitPrice', /negative/);
  });

  it('knows ISO 4217 currencies and their minor units, and refuses others', () => {
    for (const [code, minor] of [['EUR', 2], ['GBP', 2], ['USD', 2], ['CHF', 2], ['SEK', 2], ['PLN', 2], ['INR', 2], ['JPY', 0], ['CNY', 2]] as const) {
      assert.equal(currencyInfo(code).minorUnits, minor, code);
    }
    assertFails(() => currencyInfo('XXX'), 'InvalidArgument', 'currency', /not a supported currency/);
    assertFails(() => currencyInfo('eur'), 'InvalidArgument', 'currency');
    assertFails(() => currencyInfo('toString'), 'InvalidArgument', 'currency');
  });
});

describe('money: rounding half-up, away from zero', () => {
  it('rounds halves up and mirrors negatives', () => {
    assert.equal(divRoundHalfUp(25n, 10n), 3n);
    assert.equal(divRoundHalfUp(24n, 10n), 2n);
    assert.equal(divRoundHalfUp(-25n, 10n), -3n);
    assert.equal(divRoundHalfUp(-24n, 10n), -2n);
    assert.equal(divRoundHalfUp(0n, 7n), 0n);
  });

  it('rounds nanos to cents and yen', () => {
    // 4.825 EUR -> 4.83 (half-up; half-even would give 4.82).
    assert.equal(nanosToMinor(4_825_000_000n, 'EUR'), 483n);
    assert.equal(nanosToMinor(4_824_999_999n, 'EUR'), 482n);
    assert.equal(nanosToMinor(-4_825_000_000n, 'EUR'), -483n);
    // 12.5 JPY -> 13 JPY; 12.4999 -> 12.
    assert.equal(nanosToMinor(12_500_000_000n, 'JPY'), 13n);
    assert.equal(nanosToMinor(12_499_900_000n, 'JPY'), 12n);
  });
});
