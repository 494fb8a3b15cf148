/**
 * Rating: hourly usage records x the price books of one billed party -> invoice lines.
 *
 * The rules (README.md restates them with an example):
 *  1. The window rated is the billing month, narrowed to `coverage` when the party
 *     bills only some of its hours (a customer moved between partners mid-month).
 *  2. Each hour is priced by the one book valid at that hour; a book change inside
 *     the window splits it into segments, and each (region, meter, segment) with
 *     usage becomes one line.
 *  3. Tiers and free allowances apply to the month's running total per region and
 *     meter: segments are taken in time order and each continues where the previous
 *     one left off. The quantity [P, P + q) of a segment is free where it lies below
 *     that segment's allowance A, and every other part is priced by the segment's
 *     tier whose bounds contain it (tier bounds count the gross running total,
 *     allowance included). Bounds in price units become base units rounded up.
 *  4. A line's amount is the exact sum of quantity x unit price / unit size over its
 *     tiers, rounded once, half-up, to the currency's minor unit. Tier amounts on the
 *     line are shown to 9 decimals for information only.
 *  5. The minimum monthly fee is prorated by hours: required = sum over segments of
 *     fee x segment hours / month hours, rounded half-up once. When the usage
 *     subtotal is below it, one 'minimum-fee' line tops it up to the minimum.
 *  6. Tax (tax.ts) is charged once on the invoice subtotal and rounded half-up once.
 */
import { fail } from '../core/errors.js';
import { meterDef, meterOrder, unitSize, type MeterName } from './meters.js';
import { divCeil, divRoundHalfUp, formatDecimalTrim, formatMoney, formatNanos, NANO_DIGITS, NANOS_PER_UNIT, nanosPerMinor, parseMoney, parseNanos } from './money.js';
import { isoHour, monthRange, parseHour, type MonthRange } from './period.js';
import { validatePriceBookSet, validity, type PriceBook, type PriceEntry } from './price-book.js';

/** One metered figure: what `accountId` used of `meter` in `bucket` in `region` during `hour`. */
export interface UsageRecord {
  accountId: string;
  bucket: string;
  region: string;
  meter: MeterName;
  /** Start of the UTC hour, e.g. '2026-03-05T13:00:00Z'. */
  hour: string;
  /** Whole base units of the meter (requests, bytes, byte-hours, ...). */
  quantity: bigint;
}

/** The part of a line priced by one tier. */
export interface TierCharge {
  /** Index of the tier in the price entry. */
  tier: number;
  unitPrice: string;
  /** Base units charged at this tier. */
  quantity: string;
  /** quantity x unitPrice / unit size, shown to 9 decimals (information only: the line amount is rounded once). */
  amount: string;
}

export interface InvoiceLine {
  /** 'L1', 'L2', ... in invoice order. */
  id: string;
  kind: 'usage' | 'minimum-fee';
  description: string;
  region?: string;
  meter?: MeterName;
  /** The hours this line covers [from, to). */
  from: string;
  to: string;
  priceBookId?: string;
  /** Base units (usage) or '1' (fee line). */
  quantity: string;
  unit: string;
  /** quantity in price units, 9 decimals at most, rounded half-up (information only). */
  billedQuantity: string;
  priceUnit: string;
  /** Base units covered by the free allowance. */
  freeQuantity: string;
  tiers: TierCharge[];
  /** In the currency's minor unit, e.g. "12.50". */
  amount: string;
  /** Credit notes: the id of the invoice line this line reverses. */
  reverses?: string;
}

export interface RateInput {
  /** The billing month, 'YYYY-MM'. */
  period: string;
  /** The billed party's concrete books (markup rules resolved, see markup.ts); validated as one set. */
  books: readonly PriceBook[];
  /** Usage to rate; every record must fall inside the month, and records outside `coverage` are skipped. */
  usage: readonly UsageRecord[];
  /** The hours this party bills, when not the whole month (both whole UTC hours). */
  coverage?: { from: string; to: string };
}

export interface RatedPeriod {
  period: string;
  /** The window rated (the month narrowed to coverage). */
  from: string;
  to: string;
  currency: string;
  lines: InvoiceLine[];
  /** Sum of the usage lines. */
  usageSubtotal: string;
  /** The prorated minimum for the window ('0.00' when no book has one). */
  minimumFee: string;
  /** Sum of all lines, minimum-fee top-up included. */
  subtotal: string;
}

interface Segment { book: PriceBook; from: number; to: number }

function invalid(argument: string, message: string, value?: string): never {
  throw fail('InvalidArgument', message, { details: { ArgumentName: argument, ...(value === undefined ? {} : { ArgumentValue: value }) } });
}

/** The window [from, to) of `month` this party is billed for. */
export function ratingWindow(month: MonthRange, coverage?: { from: string; to: string }): { from: number; to: number } {
  if (!coverage) return { from: month.from, to: month.to };
  const from = Math.max(month.from, parseHour(coverage.from, 'coverage.from'));
  const to = Math.min(month.to, parseHour(coverage.to, 'coverage.to'));
  if (from >= to) invalid('coverage', `coverage ${coverage.from} to ${coverage.to} does not overlap the period ${month.month}.`);
  return { from, to };
}

function segmentsOf(books: readonly PriceBook[], window: { from: number; to: number }): Segment[] {
  return books
    .map((book) => ({ book, ...validity(book) }))
    .map((b) => ({ book: b.book, from: Math.max(b.from, window.from), to: Math.min(b.to, window.to) }))
    .filter((s) => s.from < s.to)
    .sort((a, b) => a.from - b.from);
}

function entryFor(book: PriceBook, meter: MeterName, region: string): PriceEntry | undefined {
  return book.entries.find((e) => e.meter === meter && e.region === region) ?? book.entries.find((e) => e.meter === meter && e.region === '*');
}

function checkRecord(r: UsageRecord, i: number, month: MonthRange): number {
  const at = `usage[${i}]`;
  meterDef(r.meter, `${at}.meter`);
  if (typeof r.region !== 'string' || r.region === '') invalid(`${at}.region`, `${at}.region must be a region id.`);
  if (typeof r.quantity !== 'bigint') invalid(`${at}.quantity`, `${at}.quantity must be a bigint count of base units.`);
  if (r.quantity < 0n) invalid(`${at}.quantity`, `${at}.quantity must not be negative.`, r.quantity.toString());
  const hour = parseHour(r.hour, `${at}.hour`);
  if (hour < month.from || hour >= month.to) invalid(`${at}.hour`, `${at}.hour ${r.hour} is outside the period ${month.month}.`, r.hour);
  return hour;
}

/** Prices the quantity [pos, pos + q) of one segment; returns the charges and the exact amount x unit size, in nanos. */
function priceSegment(entry: PriceEntry, size: bigint, pos: bigint, q: bigint): { free: bigint; tiers: TierCharge[]; exact: bigint } {
  const toBase = (priceUnits: string): bigint => divCeil(parseNanos(priceUnits) * size, NANOS_PER_UNIT);
  const allowance = entry.freeAllowance === undefined ? 0n : toBase(entry.freeAllowance);
  const end = pos + q;
  const free = end <= allowance ? q : pos >= allowance ? 0n : allowance - pos;
  const start = pos + free;
  const tiers: TierCharge[] = [];
  let exact = 0n;
  let lo = 0n;
  entry.tiers.forEach((tier, t) => {
    const hi = tier.upTo === undefined ? null : toBase(tier.upTo);
    const a = start > lo ? start : lo;
    const b = hi === null || end < hi ? end : hi;
    if (b > a) {
      const qty = b - a;
      const price = parseNanos(tier.unitPrice);
      exact += qty * price;
      tiers.push({ tier: t, unitPrice: tier.unitPrice, quantity: qty.toString(), amount: formatDecimalTrim(divRoundHalfUp(qty * price, size), NANO_DIGITS) });
    }
    if (hi !== null) lo = hi;
  });
  return { free, tiers, exact };
}

/**
 * Rates one party's usage for one billing month (see the rules at the top of this
 * file). Pure: validates everything first and returns plain data; bad input throws
 * InvalidArgument (unknown meter, hour outside the month, an hour with usage that no
 * book covers, a meter or region a book does not price).
 */
export function rateUsage(input: RateInput): RatedPeriod {
  const month = monthRange(input.period);
  if (!Array.isArray(input.books) || input.books.length === 0) invalid('priceBooks', 'At least one price book is needed to rate usage.');
  validatePriceBookSet(input.books);
  const currency = input.books[0]!.currency;
  const window = ratingWindow(month, input.coverage);
  const segments = segmentsOf(input.books, window);

  // Sum per (region, meter) and segment, checking every record before anything is priced.
  const sums = new Map<string, { region: string; meter: MeterName; bySegment: Map<number, bigint> }>();
  input.usage.forEach((r, i) => {
    const hour = checkRecord(r, i, month);
    if (hour < window.from || hour >= window.to) return;
    const s = segments.findIndex((seg) => hour >= seg.from && hour < seg.to);
    if (s < 0) invalid(`usage[${i}].hour`, `No price book covers ${r.hour}: usage then cannot be priced.`, r.hour);
    if (!entryFor(segments[s]!.book, r.meter, r.region)) {
      invalid(`usage[${i}].meter`, `Price book '${segments[s]!.book.id}' has no price for ${r.meter} in region ${r.region}.`, r.meter);
    }
    const key = `${r.region}\u0000${r.meter}`;
    const acc = sums.get(key) ?? { region: r.region, meter: r.meter, bySegment: new Map<number, bigint>() };
    acc.bySegment.set(s, (acc.bySegment.get(s) ?? 0n) + r.quantity);
    sums.set(key, acc);
  });

  const perMinor = nanosPerMinor(currency);
  const lines: InvoiceLine[] = [];
  const groups = [...sums.values()].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : meterOrder(a.meter) - meterOrder(b.meter)));
  let usageMinor = 0n;
  for (const g of groups) {
    const def = meterDef(g.meter);
    const size = unitSize(def, month.hours);
    let pos = 0n;
    for (const [s, q] of [...g.bySegment.entries()].sort((a, b) => a[0] - b[0])) {
      const seg = segments[s]!;
      const entry = entryFor(seg.book, g.meter, g.region)!;
      const priced = priceSegment(entry, size, pos, q);
      pos += q;
      const amount = divRoundHalfUp(priced.exact, size * perMinor);
      usageMinor += amount;
      lines.push({
        id: `L${lines.length + 1}`,
        kind: 'usage',
        description: `${def.description}, ${g.region}`,
        region: g.region,
        meter: g.meter,
        from: isoHour(seg.from),
        to: isoHour(seg.to),
        priceBookId: seg.book.id,
        quantity: q.toString(),
        unit: def.baseUnit,
        billedQuantity: formatDecimalTrim(divRoundHalfUp(q * NANOS_PER_UNIT, size), NANO_DIGITS),
        priceUnit: def.priceUnit,
        freeQuantity: priced.free.toString(),
        tiers: priced.tiers,
        amount: formatMoney(amount, currency),
      });
    }
  }

  // Minimum fee, prorated by the hours each book covers in the window.
  let feeHours = 0n;
  for (const seg of segments) {
    if (seg.book.minimumMonthlyFee === undefined) continue;
    feeHours += parseMoney(seg.book.minimumMonthlyFee, currency) * BigInt((seg.to - seg.from) / 3_600_000);
  }
  const minimum = divRoundHalfUp(feeHours, BigInt(month.hours));
  let subtotal = usageMinor;
  if (usageMinor < minimum) {
    const topUp = minimum - usageMinor;
    subtotal += topUp;
    lines.push({
      id: `L${lines.length + 1}`,
      kind: 'minimum-fee',
      description: `Minimum monthly fee top-up (minimum ${formatMoney(minimum, currency)} ${currency} for ${isoHour(window.from)} to ${isoHour(window.to)})`,
      from: isoHour(window.from),
      to: isoHour(window.to),
      quantity: '1',
      unit: 'fee',
      billedQuantity: '1',
      priceUnit: 'fee',
      freeQuantity: '0',
      tiers: [],
      amount: formatMoney(topUp, currency),
    });
  }
  return {
    period: month.month,
    from: isoHour(window.from),
    to: isoHour(window.to),
    currency,
    lines,
    usageSubtotal: formatMoney(usageMinor, currency),
    minimumFee: formatMoney(minimum, currency),
    subtotal: formatMoney(subtotal, currency),
  };
}

/** A unit price for display with at least the currency's minor digits ("0.023", "5.00"). */
export function displayPrice(unitPrice: string, currency: string): string {
  return formatNanos(parseNanos(unitPrice), currency);
}
