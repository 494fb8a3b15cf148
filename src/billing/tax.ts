/**
 * Tax by the billed party's country. The rate table is an input (rates change and
 * depend on the operator's and partners' registrations), e.g.
 * { DE: '19', GB: '20', FR: '20', IN: '18', CH: '8.1' }: country code -> percent as
 * a decimal string. Tax is computed once on the invoice subtotal and rounded half-up
 * (away from zero) once to the currency's minor unit; lines carry no tax of their own.
 */
import { fail } from '../core/errors.js';
import { divRoundHalfUp, parseMoney, parseNanos, formatMoney } from './money.js';

export type TaxRates = Readonly<Record<string, string>>;

const COUNTRY = /^[A-Z]{2}$/;
const HUNDRED_PERCENT_NANOS = 100n * 10n ** 9n;

/** The percent rate for `country` (ISO 3166-1 alpha-2), validated; InvalidArgument when the table has none. */
export function taxRateFor(country: string, rates: TaxRates): string {
  if (typeof country !== 'string' || !COUNTRY.test(country)) {
    throw fail('InvalidArgument', `'${String(country)}' is not an ISO 3166 country code such as 'DE'.`, { details: { ArgumentName: 'country' } });
  }
  const rate = Object.hasOwn(rates, country) ? rates[country] : undefined;
  if (rate === undefined) {
    throw fail('InvalidArgument', `No tax rate is configured for country ${country}.`, { details: { ArgumentName: 'country', ArgumentValue: country } });
  }
  if (parseNanos(rate, `taxRates.${country}`) > HUNDRED_PERCENT_NANOS) {
    throw fail('InvalidArgument', `The tax rate for ${country} (${rate}%) is above 100%.`, { details: { ArgumentName: `taxRates.${country}`, ArgumentValue: rate } });
  }
  return rate;
}

/** Tax in minor units on a subtotal in minor units: subtotal x percent / 100, rounded half-up once. */
export function taxMinor(subtotalMinor: bigint, percent: string): bigint {
  return divRoundHalfUp(subtotalMinor * parseNanos(percent, 'taxRate'), HUNDRED_PERCENT_NANOS);
}

/** taxMinor on decimal strings: computeTax('100.05', 'EUR', '19') = '19.01'. */
export function computeTax(subtotal: string, currency: string, percent: string): string {
  return formatMoney(taxMinor(parseMoney(subtotal, currency, { allowNegative: true }), percent), currency);
}
