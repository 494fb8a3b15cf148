/**
 * Billing: the rating core. Pure functions over plain data: price books and usage in,
 * invoice documents, exports and margin reports out. No storage, no HTTP: the metering
 * store, the admin API and the CLI plug in around it. Imports: core and tenancy types only.
 */
export {
  CURRENCIES, NANO_DIGITS, NANOS_PER_UNIT, currencyInfo, divCeil, divRoundHalfUp, formatDecimal, formatDecimalTrim,
  formatMoney, formatNanos, nanosPerMinor, nanosToMinor, parseDecimal, parseMoney, parseNanos,
  type CurrencyInfo, type ParseDecimalOptions,
} from './money.js';
export { HOUR_MS, hoursInMonth, isoHour, monthRange, parseHour, toMs, type MonthRange } from './period.js';
export { METERS, METER_NAMES, isMeterName, meterDef, meterOrder, unitSize, type MeterDef, type MeterName } from './meters.js';
export {
  validatePriceBook, validatePriceBookSet, validity,
  type AnyPriceBook, type Markup, type MarkupRule, type PriceBook, type PriceEntry, type Tier, type ValidateOptions,
} from './price-book.js';
export { expandMarkup, markUp, resolvePriceBooks } from './markup.js';
export { displayPrice, rateUsage, ratingWindow, type InvoiceLine, type RateInput, type RatedPeriod, type TierCharge, type UsageRecord } from './rate.js';
export { computeTax, taxMinor, taxRateFor, type TaxRates } from './tax.js';
export {
  checkDocumentNumber, customerInvoice, draftInvoice, issueInvoice, partnerInvoice, partyOf,
  type Billing, type BillingProfile, type CustomerInvoiceInput, type DocumentStatus, type DocumentType, type InvoiceDocument,
  type InvoiceRunInput, type Party, type PartnerInvoiceInput,
} from './invoice.js';
export { creditNote, type CreditNoteInput } from './credit-note.js';
export { CSV_COLUMNS, csvField, escapeHtml, invoiceToCsv, invoiceToHtml, invoiceToJson } from './export.js';
export { marginReport, type MarginCustomer, type MarginReport, type MarginReportInput, type MarginRow } from './margin.js';
