/**
 * Price books: plain JSON-friendly data (decimals as strings) and their validation.
 *
 * A price book prices meters per region for one billed party (a partner on the
 * operator's wholesale book, a customer on its partner's retail book) over a validity
 * period [validFrom, validTo). A markup rule is the other kind of retail book: it
 * prices off the wholesale book valid at the same time (see markup.ts).
 *
 * Every check throws AppError 'InvalidArgument' with details { ArgumentName,
 * ArgumentValue?, PriceBook } naming the offending field, e.g.
 * 'entries[2].tiers[1].unitPrice'.
 */
import { fail } from '../core/errors.js';
import { meterDef, type MeterName } from './meters.js';
import { currencyInfo, parseMoney, parseNanos } from './money.js';
import { parseHour } from './period.js';

export interface Tier {
  /**
   * Upper bound of the tier in price units (e.g. GB-months), as a decimal string, on
   * the month's running total per meter and region; omitted on the last tier only.
   */
  upTo?: string;
  /** Price per price unit, a non-negative decimal string with at most 9 decimals. */
  unitPrice: string;
}

export interface PriceEntry {
  meter: MeterName;
  /** A region id, or '*' for every region without an entry of its own. */
  region: string;
  /** Ascending tiers; the last one has no upTo. */
  tiers: Tier[];
  /** Price units free of charge each month (the first ones of the running total). */
  freeAllowance?: string;
}

interface BookBase {
  id: string;
  /** ISO 4217 code, e.g. 'EUR'. */
  currency: string;
  /** First hour the book applies to (UTC, whole hour). */
  validFrom: string;
  /** First hour it no longer applies to; omitted = open-ended. */
  validTo?: string;
  /** Smallest usage charge for a whole month, in the currency (e.g. "10.00"); prorated by hours. */
  minimumMonthlyFee?: string;
}

/** A book with its own prices. `kind` may be omitted. */
export interface PriceBook extends BookBase {
  kind?: 'book';
  entries: PriceEntry[];
}

/** Retail pricing as wholesale x (1 + percent/100), or wholesale + perUnit per price unit. */
export type Markup = { percent: string } | { perUnit: string };

/** A retail book that prices off the wholesale book valid at each hour. */
export interface MarkupRule extends BookBase {
  kind: 'markup';
  markup: Markup;
}

export type AnyPriceBook = PriceBook | MarkupRule;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$/;
const REGION = /^(?:\*|[a-z0-9][a-z0-9-]{0,62})$/;

/** Throws InvalidArgument naming a field of price book `bookId`. */
export function bookError(bookId: string, argument: string, message: string, value?: unknown): never {
  const details: Record<string, string> = { ArgumentName: argument, PriceBook: bookId };
  if (typeof value === 'string') details.ArgumentValue = value;
  throw fail('InvalidArgument', `Price book '${bookId}': ${message}`, { details });
}

/** Re-throws an InvalidArgument from a parser with the book id and the field path. */
function within<T>(bookId: string, argument: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'InvalidArgument') bookError(bookId, argument, `${argument}: ${e.message}`, (e as { details?: Record<string, string> }).details?.ArgumentValue);
    throw e;
  }
}

export interface ValidateOptions {
  /** When given, every region other than '*' must be one of these. */
  knownRegions?: readonly string[];
}

/** The validity of a book in epoch ms; `to` is Infinity when open-ended. */
export function validity(book: BookBase): { from: number; to: number } {
  const from = within(book.id, 'validFrom', () => parseHour(book.validFrom, 'validFrom'));
  const to = book.validTo === undefined ? Infinity : within(book.id, 'validTo', () => parseHour(book.validTo, 'validTo'));
  return { from, to };
}

function checkBase(book: BookBase): void {
  if (typeof book !== 'object' || book === null) throw fail('InvalidArgument', 'A price book must be an object.', { details: { ArgumentName: 'priceBook' } });
  if (typeof book.id !== 'string' || !ID.test(book.id)) {
    throw fail('InvalidArgument', `'${String(book.id)}' is not a valid price book id: 1 to 128 letters, digits and . _ : + -.`, {
      details: { ArgumentName: 'id', ...(typeof book.id === 'string' ? { ArgumentValue: book.id } : {}) },
    });
  }
  within(book.id, 'currency', () => currencyInfo(book.currency));
  const { from, to } = validity(book);
  if (to <= from) bookError(book.id, 'validTo', `validTo (${book.validTo}) must be after validFrom (${book.validFrom}).`, book.validTo);
  if (book.minimumMonthlyFee !== undefined) {
    within(book.id, 'minimumMonthlyFee', () => parseMoney(book.minimumMonthlyFee, book.currency, { argument: 'minimumMonthlyFee' }));
  }
}

/**
 * Checks one book: its id, currency, validity, fee, and either its entries (known
 * meters, valid regions, no duplicate meter+region, non-negative prices and
 * allowances, strictly ascending tier bounds, an unbounded last tier) or its markup.
 */
export function validatePriceBook(book: AnyPriceBook, opts: ValidateOptions = {}): void {
  checkBase(book);
  if (book.kind === 'markup') return checkMarkup(book);
  if ((book as { kind?: unknown }).kind !== undefined && book.kind !== 'book') bookError(book.id, 'kind', `kind must be 'book' or 'markup'.`);
  if (!Array.isArray(book.entries)) bookError(book.id, 'entries', 'entries must be a list.');
  const seen = new Set<string>();
  book.entries.forEach((entry, i) => {
    const at = `entries[${i}]`;
    if (typeof entry !== 'object' || entry === null) bookError(book.id, at, 'each entry must be an object { meter, region, tiers, freeAllowance? }.');
    within(book.id, `${at}.meter`, () => meterDef(entry.meter, 'meter'));
    if (typeof entry.region !== 'string' || !REGION.test(entry.region)) bookError(book.id, `${at}.region`, `region must be a region id or '*'.`, entry.region);
    if (opts.knownRegions && entry.region !== '*' && !opts.knownRegions.includes(entry.region)) {
      bookError(book.id, `${at}.region`, `unknown region '${entry.region}' (known: ${opts.knownRegions.join(', ')}).`, entry.region);
    }
    const key = `${entry.meter}@${entry.region}`;
    if (seen.has(key)) bookError(book.id, at, `meter ${entry.meter} is priced twice for region '${entry.region}'.`);
    seen.add(key);
    if (entry.freeAllowance !== undefined) within(book.id, `${at}.freeAllowance`, () => parseNanos(entry.freeAllowance, 'freeAllowance'));
    if (!Array.isArray(entry.tiers) || entry.tiers.length === 0) bookError(book.id, `${at}.tiers`, 'tiers must list at least one tier.');
    let last = 0n;
    entry.tiers.forEach((tier, t) => {
      const tat = `${at}.tiers[${t}]`;
      if (typeof tier !== 'object' || tier === null) bookError(book.id, tat, 'each tier must be an object { upTo?, unitPrice }.');
      within(book.id, `${tat}.unitPrice`, () => parseNanos(tier.unitPrice, 'unitPrice'));
      const isLast = t === entry.tiers.length - 1;
      if (isLast && tier.upTo !== undefined) bookError(book.id, `${tat}.upTo`, 'the last tier must have no upTo: it prices everything above the previous tier.', tier.upTo);
      if (!isLast) {
        if (tier.upTo === undefined) bookError(book.id, `${tat}.upTo`, 'every tier but the last needs upTo.');
        const upTo = within(book.id, `${tat}.upTo`, () => parseNanos(tier.upTo, 'upTo'));
        if (upTo <= last) bookError(book.id, `${tat}.upTo`, `tiers must be strictly ascending: upTo ${tier.upTo} is not above the previous bound.`, tier.upTo);
        last = upTo;
      }
    });
  });
}

function checkMarkup(rule: MarkupRule): void {
  const m = rule.markup as Record<string, unknown> | undefined;
  if (typeof m !== 'object' || m === null) bookError(rule.id, 'markup', 'markup must be { percent } or { perUnit }.');
  const keys = Object.keys(m);
  if (keys.length !== 1 || (keys[0] !== 'percent' && keys[0] !== 'perUnit')) bookError(rule.id, 'markup', 'markup must be exactly one of { percent } or { perUnit }.');
  within(rule.id, `markup.${keys[0]}`, () => parseNanos(m[keys[0] as string], keys[0]));
}

/**
 * Checks the books of one billed party together: each book valid, ids unique, one
 * currency for all, and no two validity periods overlapping (so at most one book
 * applies to any hour).
 */
export function validatePriceBookSet(books: readonly AnyPriceBook[], opts: ValidateOptions = {}): void {
  if (!Array.isArray(books)) throw fail('InvalidArgument', 'price books must be a list.', { details: { ArgumentName: 'priceBooks' } });
  for (const b of books) validatePriceBook(b, opts);
  const ids = new Set<string>();
  for (const b of books) {
    if (ids.has(b.id)) bookError(b.id, 'id', `two price books share the id '${b.id}'.`, b.id);
    ids.add(b.id);
  }
  const first = books[0];
  const other = books.find((b) => b.currency !== first?.currency);
  if (first && other) {
    bookError(other.id, 'currency', `mixed currencies: '${other.id}' is in ${other.currency} but '${first.id}' is in ${first.currency}; one party is billed in one currency.`, other.currency);
  }
  const sorted = [...books].map((b) => ({ b, ...validity(b) })).sort((x, y) => x.from - y.from);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.from < prev.to) {
      bookError(cur.b.id, 'validFrom', `validity overlaps price book '${prev.b.id}' (${prev.b.validFrom} to ${prev.b.validTo ?? 'open-ended'}).`, cur.b.validFrom);
    }
  }
}
