/**
 * The partner margin report: per customer and month, what the partner bills the
 * customer (retail subtotal before tax, minimum-fee top-up included) minus the
 * wholesale cost attributable to that customer.
 *
 * Attribution rule: the customer's usage alone is rated on the partner's wholesale
 * books (same hours, same rules as rate.ts), without the wholesale minimum fee (a
 * commitment of the partner, not of any customer). Because wholesale tiers then
 * apply per customer, the attributed costs can add up to more than the partner's
 * wholesale invoice, whose tiers see all customers together; the report gives that
 * difference as `volumeDiscount` when the caller passes the wholesale subtotal.
 */
import { fail } from '../core/errors.js';
import { resolvePriceBooks } from './markup.js';
import { formatMoney, parseMoney } from './money.js';
import type { AnyPriceBook, PriceBook } from './price-book.js';
import { rateUsage, type UsageRecord } from './rate.js';

export interface MarginCustomer {
  accountId: string;
  name: string;
  /** The customer's retail books (concrete or markup rules on `wholesaleBooks`). */
  retailBooks: readonly AnyPriceBook[];
  usage: readonly UsageRecord[];
  /** The hours the partner billed this customer, when not the whole month. */
  coverage?: { from: string; to: string };
}

export interface MarginReportInput {
  period: string;
  partnerId: string;
  wholesaleBooks: readonly PriceBook[];
  customers: readonly MarginCustomer[];
  /** The subtotal of the partner's wholesale invoice for the month, to report the volume discount. */
  wholesaleInvoiceSubtotal?: string;
}

export interface MarginRow {
  period: string;
  customerId: string;
  customerName: string;
  retail: string;
  wholesale: string;
  margin: string;
}

export interface MarginReport {
  period: string;
  partnerId: string;
  currency: string;
  rows: MarginRow[];
  totals: { retail: string; wholesale: string; margin: string };
  /** Sum of attributed wholesale costs minus the wholesale invoice subtotal (when given). */
  volumeDiscount?: string;
}

/** Builds the margin report of one partner for one month. Retail and wholesale must share a currency. */
export function marginReport(input: MarginReportInput): MarginReport {
  if (input.wholesaleBooks.length === 0) throw fail('InvalidArgument', 'The partner has no wholesale price book.', { details: { ArgumentName: 'wholesaleBooks' } });
  const currency = input.wholesaleBooks[0]!.currency;
  const rows: MarginRow[] = [];
  let retailSum = 0n;
  let wholesaleSum = 0n;
  for (const c of input.customers) {
    const cov = c.coverage ? { coverage: c.coverage } : {};
    const retail = rateUsage({ period: input.period, books: resolvePriceBooks(c.retailBooks, input.wholesaleBooks), usage: c.usage, ...cov });
    if (retail.currency !== currency) {
      throw fail('InvalidArgument', `Customer ${c.accountId} is billed in ${retail.currency} but wholesale is in ${currency}; margins across currencies need an exchange rate.`, {
        details: { ArgumentName: 'retailBooks', ArgumentValue: retail.currency },
      });
    }
    const wholesale = rateUsage({ period: input.period, books: input.wholesaleBooks, usage: c.usage, ...cov });
    const r = parseMoney(retail.subtotal, currency);
    const w = parseMoney(wholesale.usageSubtotal, currency);
    retailSum += r;
    wholesaleSum += w;
    rows.push({
      period: retail.period, customerId: c.accountId, customerName: c.name,
      retail: formatMoney(r, currency), wholesale: formatMoney(w, currency), margin: formatMoney(r - w, currency),
    });
  }
  const report: MarginReport = {
    period: input.period,
    partnerId: input.partnerId,
    currency,
    rows,
    totals: { retail: formatMoney(retailSum, currency), wholesale: formatMoney(wholesaleSum, currency), margin: formatMoney(retailSum - wholesaleSum, currency) },
  };
  if (input.wholesaleInvoiceSubtotal !== undefined) {
    report.volumeDiscount = formatMoney(wholesaleSum - parseMoney(input.wholesaleInvoiceSubtotal, currency, { argument: 'wholesaleInvoiceSubtotal' }), currency);
  }
  return report;
}
