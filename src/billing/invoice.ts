/**
 * Invoice documents: drafting an invoice run for a closed month, issuing it, and
 * correcting issued invoices with credit notes.
 *
 * Documents are plain JSON-friendly data (every amount a decimal string in the
 * currency's minor unit). An issued document is never changed: issueInvoice returns
 * a deep-frozen copy, nothing here edits a document, and the only correction is a
 * credit note that reverses some or all of its lines. Storage must keep issued
 * documents append-only and number them; numbers are an input here.
 *
 * Two kinds of invoice:
 *  - retail ('customer'): issued by a partner, under its brand, to one of its customers;
 *  - wholesale ('partner'): issued by the operator to a partner for all its customers' usage.
 */
import { fail } from '../core/errors.js';
import type { Account, Brand } from '../tenancy/model.js';
import { resolvePriceBooks } from './markup.js';
import { formatMoney, parseMoney } from './money.js';
import { isoHour, monthRange, toMs } from './period.js';
import type { AnyPriceBook, PriceBook } from './price-book.js';
import { rateUsage, type InvoiceLine, type UsageRecord } from './rate.js';
import { taxMinor, taxRateFor, type TaxRates } from './tax.js';

/** Who issues or receives a document. */
export interface Party {
  accountId: string;
  /** Legal or display name printed on the document. */
  name: string;
  /** ISO 3166-1 alpha-2 country; the recipient's decides the tax rate. */
  country: string;
  address?: string[];
  taxId?: string;
  /** The partner's brand (retail invoices): name, logo and colours on the printable page. */
  brand?: Brand;
}

/** What the account model does not hold and an invoice needs. */
export interface BillingProfile {
  country: string;
  legalName?: string;
  address?: string[];
  taxId?: string;
}

export type DocumentType = 'invoice' | 'credit-note';
export type Billing = 'retail' | 'wholesale';
export type DocumentStatus = 'draft' | 'issued';

export interface InvoiceDocument {
  documentType: DocumentType;
  billing: Billing;
  number: string;
  status: DocumentStatus;
  createdAt: string;
  issuedAt?: string;
  issuer: Party;
  recipient: Party;
  /** Billing month 'YYYY-MM' and the hours billed [from, to). */
  period: string;
  from: string;
  to: string;
  currency: string;
  lines: InvoiceLine[];
  subtotal: string;
  taxCountry: string;
  /** Percent, e.g. '19'. */
  taxRate: string;
  tax: string;
  total: string;
  /** Credit notes: the invoice and lines they reverse, and why. */
  credits?: { invoiceNumber: string; lineIds: string[]; reason: string };
}

export interface InvoiceRunInput {
  number: string;
  billing: Billing;
  issuer: Party;
  recipient: Party;
  period: string;
  /** The run's clock: the period must have ended by then. */
  now: Date | string | number;
  /** The recipient's books: concrete books and/or markup rules. */
  books: readonly AnyPriceBook[];
  /** The wholesale books markup rules price off (retail only). */
  wholesaleBooks?: readonly PriceBook[];
  usage: readonly UsageRecord[];
  /** The hours this issuer bills the recipient for, when not the whole month. */
  coverage?: { from: string; to: string };
  taxRates: TaxRates;
}

const NUMBER = /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,63}$/;

function invalid(argument: string, message: string, value?: string): never {
  throw fail('InvalidArgument', message, { details: { ArgumentName: argument, ...(value === undefined ? {} : { ArgumentValue: value }) } });
}

/** A document number: 1 to 64 letters, digits and . _ / - (storage assigns them; gap-free per issuer). */
export function checkDocumentNumber(n: unknown): string {
  if (typeof n !== 'string' || !NUMBER.test(n)) invalid('number', `'${String(n)}' is not a valid document number: 1 to 64 letters, digits and . _ / -.`);
  return n;
}

function checkParty(p: Party, argument: string): void {
  if (typeof p !== 'object' || p === null || typeof p.accountId !== 'string' || typeof p.name !== 'string' || p.name === '') {
    invalid(argument, `${argument} needs an accountId and a name.`);
  }
}

/** The party an account is on documents: its display name (or the profile's legal name), country, address, brand. */
export function partyOf(account: Account, profile: BillingProfile): Party {
  return {
    accountId: account.id,
    name: profile.legalName ?? account.displayName,
    country: profile.country,
    ...(profile.address ? { address: [...profile.address] } : {}),
    ...(profile.taxId ? { taxId: profile.taxId } : {}),
    ...(account.brand ? { brand: structuredClone(account.brand) } : {}),
  };
}

/**
 * Drafts the invoice of one month for one recipient. Refuses a month that has not
 * ended by `now`; rates the usage (rate.ts) on the recipient's books and adds tax for
 * the recipient's country. Returns a draft: nothing is stored, so a refused run
 * leaves nothing half-written.
 */
export function draftInvoice(input: InvoiceRunInput): InvoiceDocument {
  const number = checkDocumentNumber(input.number);
  if (input.billing !== 'retail' && input.billing !== 'wholesale') invalid('billing', `billing must be 'retail' or 'wholesale'.`);
  checkParty(input.issuer, 'issuer');
  checkParty(input.recipient, 'recipient');
  const month = monthRange(input.period);
  const now = toMs(input.now);
  if (month.to > now) {
    invalid('period', `The period ${month.month} is still open until ${isoHour(month.to)}: invoices are run only for ended months.`, month.month);
  }
  const taxRate = taxRateFor(input.recipient.country, input.taxRates);
  const books = resolvePriceBooks(input.books, input.wholesaleBooks ?? []);
  const rated = rateUsage({ period: input.period, books, usage: input.usage, ...(input.coverage ? { coverage: input.coverage } : {}) });
  const subtotal = parseMoney(rated.subtotal, rated.currency);
  const tax = taxMinor(subtotal, taxRate);
  return {
    documentType: 'invoice',
    billing: input.billing,
    number,
    status: 'draft',
    createdAt: new Date(now).toISOString(),
    issuer: structuredClone(input.issuer),
    recipient: structuredClone(input.recipient),
    period: rated.period,
    from: rated.from,
    to: rated.to,
    currency: rated.currency,
    lines: rated.lines,
    subtotal: rated.subtotal,
    taxCountry: input.recipient.country,
    taxRate,
    tax: formatMoney(tax, rated.currency),
    total: formatMoney(subtotal + tax, rated.currency),
  };
}

export interface CustomerInvoiceInput extends Omit<InvoiceRunInput, 'billing' | 'issuer' | 'recipient'> {
  partner: Account;
  partnerProfile: BillingProfile;
  customer: Account;
  customerProfile: BillingProfile;
}

/**
 * A retail invoice from a partner (with its brand) to a customer. Every usage record
 * must be the customer's. Without `coverage` the customer must be the partner's now;
 * a partner that billed the customer for part of the month only (the customer moved)
 * states those hours as `coverage`.
 */
export function customerInvoice(input: CustomerInvoiceInput): InvoiceDocument {
  const { partner, customer } = input;
  if (partner.kind !== 'partner') invalid('partner', `Account ${partner.id} is a ${partner.kind}, not a partner.`, partner.id);
  if (customer.kind !== 'customer') invalid('customer', `Account ${customer.id} is a ${customer.kind}, not a customer.`, customer.id);
  if (!input.coverage && customer.parentId !== partner.id) {
    invalid('coverage', `Customer ${customer.id} belongs to ${String(customer.parentId)}, not ${partner.id}: name the hours ${partner.id} bills as coverage.`);
  }
  const stray = input.usage.findIndex((r) => r.accountId !== customer.id);
  if (stray >= 0) invalid(`usage[${stray}].accountId`, `usage[${stray}] belongs to ${input.usage[stray]!.accountId}, not customer ${customer.id}.`);
  const { partner: _p, partnerProfile, customer: _c, customerProfile, ...rest } = input;
  return draftInvoice({ ...rest, billing: 'retail', issuer: partyOf(partner, partnerProfile), recipient: partyOf(customer, customerProfile) });
}

export interface PartnerInvoiceInput extends Omit<InvoiceRunInput, 'billing' | 'issuer' | 'recipient' | 'wholesaleBooks'> {
  operator: Account;
  operatorProfile: BillingProfile;
  partner: Account;
  partnerProfile: BillingProfile;
}

/** A wholesale invoice from the operator to a partner for its customers' usage (the caller passes that usage). */
export function partnerInvoice(input: PartnerInvoiceInput): InvoiceDocument {
  const { operator, partner } = input;
  if (operator.kind !== 'operator') invalid('operator', `Account ${operator.id} is a ${operator.kind}, not the operator.`, operator.id);
  if (partner.kind !== 'partner') invalid('partner', `Account ${partner.id} is a ${partner.kind}, not a partner.`, partner.id);
  if (input.books.some((b) => b.kind === 'markup')) invalid('books', 'A wholesale book cannot be a markup rule.');
  const { operator: _o, operatorProfile, partner: _p, partnerProfile, ...rest } = input;
  // The operator has no brand of its own on documents.
  const issuer = partyOf(operator, operatorProfile);
  delete issuer.brand;
  return draftInvoice({ ...rest, billing: 'wholesale', issuer, recipient: partyOf(partner, partnerProfile) });
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** Issues a draft: a deep-frozen copy with status 'issued' and issuedAt. Issuing an issued document is a Conflict. */
export function issueInvoice(doc: InvoiceDocument, now: Date | string | number): InvoiceDocument {
  if (doc.status !== 'draft') {
    throw fail('Conflict', `${doc.documentType === 'invoice' ? 'Invoice' : 'Credit note'} ${doc.number} is already issued and cannot change; correct it with a credit note.`, {
      details: { ArgumentName: 'number', ArgumentValue: doc.number },
    });
  }
  return deepFreeze({ ...structuredClone(doc), status: 'issued' as const, issuedAt: new Date(toMs(now)).toISOString() });
}
