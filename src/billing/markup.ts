/**
 * Markup rules: a partner's retail prices derived from the operator's wholesale book.
 *
 * A rule is turned into ordinary price books, one per wholesale book it overlaps,
 * each valid over the intersection of the two periods. Each derived book keeps the
 * wholesale entries (regions, tier bounds, free allowances) and marks every tier's
 * unit price up:
 *   percent: retail = wholesale x (100 + percent) / 100, rounded half-up to 10^-9;
 *   perUnit: retail = wholesale + perUnit (per price unit of every meter).
 * The minimum monthly fee is the rule's own (the wholesale book's minimum is the
 * partner's commitment, not the customer's). The currencies must match: Sovra does
 * not convert currencies.
 */
import { divRoundHalfUp, formatDecimalTrim, NANO_DIGITS, parseNanos } from './money.js';
import { bookError, validatePriceBook, validity, type AnyPriceBook, type MarkupRule, type PriceBook } from './price-book.js';
import { isoHour } from './period.js';

/** Marks one unit price (a decimal string) up by `rule.markup`; the result is a decimal string with at most 9 decimals. */
export function markUp(unitPrice: string, rule: MarkupRule): string {
  const price = parseNanos(unitPrice);
  const m = rule.markup;
  const retail = 'percent' in m
    ? divRoundHalfUp(price * (100n * 10n ** 9n + parseNanos(m.percent, 'percent')), 100n * 10n ** 9n)
    : price + parseNanos(m.perUnit, 'perUnit');
  return formatDecimalTrim(retail, NANO_DIGITS);
}

/**
 * The concrete books a markup rule stands for, given the wholesale books of the
 * partner: one per overlapping wholesale book, id '<rule id>+<wholesale id>'.
 * Hours of the rule covered by no wholesale book get no book (rating them fails).
 */
export function expandMarkup(rule: MarkupRule, wholesale: readonly PriceBook[]): PriceBook[] {
  validatePriceBook(rule);
  if (wholesale.length === 0) bookError(rule.id, 'wholesaleBooks', 'a markup rule needs the wholesale books it prices off.');
  const r = validity(rule);
  const out: PriceBook[] = [];
  for (const w of [...wholesale].sort((a, b) => validity(a).from - validity(b).from)) {
    validatePriceBook(w);
    const v = validity(w);
    const from = Math.max(r.from, v.from);
    const to = Math.min(r.to, v.to);
    if (from >= to) continue;
    if (w.currency !== rule.currency) {
      bookError(rule.id, 'currency', `the markup is in ${rule.currency} but wholesale book '${w.id}' is in ${w.currency}; currencies are not converted.`, rule.currency);
    }
    const book: PriceBook = {
      id: `${rule.id}+${w.id}`,
      currency: rule.currency,
      validFrom: isoHour(from),
      ...(to === Infinity ? {} : { validTo: isoHour(to) }),
      ...(rule.minimumMonthlyFee === undefined ? {} : { minimumMonthlyFee: rule.minimumMonthlyFee }),
      entries: w.entries.map((e) => ({
        ...e,
        tiers: e.tiers.map((t) => ({ ...t, unitPrice: markUp(t.unitPrice, rule) })),
      })),
    };
    out.push(book);
  }
  return out;
}

/** Replaces every markup rule in `books` by its expansion over `wholesale`; concrete books pass through. */
export function resolvePriceBooks(books: readonly AnyPriceBook[], wholesale: readonly PriceBook[] = []): PriceBook[] {
  return books.flatMap((b) => (b.kind === 'markup' ? expandMarkup(b, wholesale) : [b]));
}
