/**
 * Exact decimal money. No floating point anywhere: amounts are bigint counts of a
 * fixed fraction of the currency unit, and decimal strings are parsed and printed
 * digit by digit.
 *
 * Two scales are used:
 *  - nanos (10^-9 of the currency unit) for unit prices, markups and the exact
 *    products of quantity x price before rounding;
 *  - minor units (the currency's ISO 4217 exponent: cents, pence, öre, yen) for every
 *    amount printed on an invoice.
 *
 * Rounding is half-up on the absolute value ("half away from zero"), so that a
 * negated amount (a credit note) rounds to exactly the negated figure.
 */
import { fail } from '../core/errors.js';

/** Decimal places of the nano scale used for unit prices and intermediate products. */
export const NANO_DIGITS = 9;
/** 10^9: one currency unit in nanos. */
export const NANOS_PER_UNIT = 10n ** 9n;

export interface CurrencyInfo {
  /** ISO 4217 alphabetic code, e.g. 'EUR'. */
  code: string;
  /** ISO 4217 minor-unit exponent: 2 for EUR (cents), 0 for JPY. */
  minorUnits: number;
  name: string;
}

/** The currencies Sovra can invoice in (ISO 4217 codes and minor units). */
export const CURRENCIES: Readonly<Record<string, CurrencyInfo>> = Object.freeze({
  EUR: { code: 'EUR', minorUnits: 2, name: 'Euro' },
  GBP: { code: 'GBP', minorUnits: 2, name: 'Pound sterling' },
  USD: { code: 'USD', minorUnits: 2, name: 'US dollar' },
  CHF: { code: 'CHF', minorUnits: 2, name: 'Swiss franc' },
  SEK: { code: 'SEK', minorUnits: 2, name: 'Swedish krona' },
  NOK: { code: 'NOK', minorUnits: 2, name: 'Norwegian krone' },
  DKK: { code: 'DKK', minorUnits: 2, name: 'Danish krone' },
  PLN: { code: 'PLN', minorUnits: 2, name: 'Polish złoty' },
  CZK: { code: 'CZK', minorUnits: 2, name: 'Czech koruna' },
  HUF: { code: 'HUF', minorUnits: 2, name: 'Hungarian forint' },
  INR: { code: 'INR', minorUnits: 2, name: 'Indian rupee' },
  JPY: { code: 'JPY', minorUnits: 0, name: 'Japanese yen' },
  CNY: { code: 'CNY', minorUnits: 2, name: 'Chinese yuan' },
  AUD: { code: 'AUD', minorUnits: 2, name: 'Australian dollar' },
  CAD: { code: 'CAD', minorUnits: 2, name: 'Canadian dollar' },
});

function invalid(argument: string, message: string, value?: unknown): never {
  const details: Record<string, string> = { ArgumentName: argument };
  if (typeof value === 'string') details.ArgumentValue = value;
  throw fail('InvalidArgument', message, { details });
}

/** The currency named by `code`, or InvalidArgument for anything not in CURRENCIES. */
export function currencyInfo(code: unknown, argument = 'currency'): CurrencyInfo {
  const info = typeof code === 'string' && Object.hasOwn(CURRENCIES, code) ? CURRENCIES[code] : undefined;
  if (!info) invalid(argument, `'${String(code)}' is not a supported currency (one of ${Object.keys(CURRENCIES).join(', ')}).`, code);
  return info;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export interface ParseDecimalOptions {
  /** Decimal places kept: the result is the value x 10^scale. More digits are refused, never rounded. */
  scale: number;
  /** Argument name for the error (default 'value'). */
  argument?: string;
  /** Accept a leading minus (default false: prices, quantities and fees are never negative). */
  allowNegative?: boolean;
}

/**
 * Parses a plain decimal string ("0.023", "12.50", "7") into an integer count of
 * 10^-scale units. Numbers are refused: a JS number may already be a rounded
 * binary float, so money always travels as a string. No exponents, no separators.
 */
export function parseDecimal(text: unknown, opts: ParseDecimalOptions): bigint {
  const argument = opts.argument ?? 'value';
  if (typeof text === 'number') invalid(argument, `${argument} must be a decimal string such as "0.023", not a number: floating point is refused for money.`);
  if (typeof text !== 'string') invalid(argument, `${argument} must be a decimal string such as "0.023".`);
  const m = DECIMAL.exec(text.trim() === text ? text : '');
  if (!m) invalid(argument, `${argument} '${text}' is not a plain decimal number (digits, an optional '.' and more digits).`, text);
  const [, sign, whole, frac = ''] = m as unknown as [string, string, string, string | undefined];
  if (sign && !opts.allowNegative) invalid(argument, `${argument} must not be negative (got '${text}').`, text);
  if (frac.length > opts.scale) invalid(argument, `${argument} '${text}' has more than ${opts.scale} decimal places.`, text);
  const units = BigInt(whole + frac.padEnd(opts.scale, '0'));
  return sign ? -units : units;
}

/** Prints units x 10^-scale as a decimal string with exactly `scale` decimals ("12.50", "-0.005", "300"). */
export function formatDecimal(units: bigint, scale: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return (neg ? '-' : '') + (scale > 0 ? `${whole}.${frac}` : whole);
}

/** Like formatDecimal, then drops trailing zeros of the fraction ("0.023000000" -> "0.023", "5.000" -> "5"). */
export function formatDecimalTrim(units: bigint, scale: number): string {
  const s = formatDecimal(units, scale);
  return scale > 0 ? s.replace(/\.?0+$/, '') : s;
}

/**
 * n / d rounded half-up on the absolute value (half away from zero): 2.5 -> 3,
 * -2.5 -> -3, 2.4999 -> 2. `d` must be positive.
 */
export function divRoundHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw fail('Internal', 'divRoundHalfUp: divisor must be positive');
  const neg = n < 0n;
  const a = neg ? -n : n;
  const q = (a * 2n + d) / (d * 2n);
  return neg ? -q : q;
}

/** ceil(n / d) for n >= 0, d > 0. */
export function divCeil(n: bigint, d: bigint): bigint {
  return (n + d - 1n) / d;
}

/** A non-negative unit price or markup, "0.023" -> 23_000_000n nanos (at most 9 decimals). */
export function parseNanos(text: unknown, argument = 'unitPrice'): bigint {
  return parseDecimal(text, { scale: NANO_DIGITS, argument });
}

/** Prints nanos with the shortest exact decimal ("0.023"), at least the currency's minor digits when given. */
export function formatNanos(nanos: bigint, currency?: string): string {
  const s = formatDecimalTrim(nanos, NANO_DIGITS);
  if (!currency) return s;
  const minor = currencyInfo(currency).minorUnits;
  const [whole, frac = ''] = s.split('.');
  return minor > 0 || frac ? `${whole}.${frac.padEnd(minor, '0')}`.replace(/\.$/, '') : s;
}

/**
 * An amount of `currency` in its minor units: parseMoney("12.50", "EUR") = 1250n,
 * parseMoney("1200", "JPY") = 1200n. More decimals than the currency has are refused.
 */
export function parseMoney(text: unknown, currency: string, opts: { argument?: string; allowNegative?: boolean } = {}): bigint {
  const { minorUnits } = currencyInfo(currency);
  return parseDecimal(text, { scale: minorUnits, argument: opts.argument ?? 'amount', allowNegative: opts.allowNegative ?? false });
}

/** Prints minor units of `currency` with its exact number of decimals: 1250n EUR -> "12.50", 1200n JPY -> "1200". */
export function formatMoney(minor: bigint, currency: string): string {
  return formatDecimal(minor, currencyInfo(currency).minorUnits);
}

/** 10^(9 - minorUnits): how many nanos make one minor unit of `currency` (10^7 for cents). */
export function nanosPerMinor(currency: string): bigint {
  return 10n ** BigInt(NANO_DIGITS - currencyInfo(currency).minorUnits);
}

/** Rounds an exact nano amount to the currency's minor unit, half-up (away from zero). */
export function nanosToMinor(nanos: bigint, currency: string): bigint {
  return divRoundHalfUp(nanos, nanosPerMinor(currency));
}
