/**
 * The billing service: usage queries, price books, billing profiles, tax rates, invoice
 * runs, credit notes and margin reports for the admin API, over the billing store, the
 * account store (accounts and partner history) and the usage source. Who may do what is
 * tenancy/billing-access.ts; the pricing itself is the pure core (rate, invoice, ...).
 *
 * An invoice run drafts every document first (reading usage and books; nothing is
 * written), then issues them all in one store transaction: a run refused or failing at
 * any recipient leaves no document and takes no number. Running a month again answers
 * the documents issued the first time.
 */
import { AppError, fail, isAppError } from '../core/errors.js';
import type { Granularity, UsageRow, UsageSource } from '../metering/model.js';
import type { BillingAccess } from '../tenancy/billing-access.js';
import { OPERATOR_ACCOUNT_ID, type Account, type AccountMove, type Principal, type TenancyService } from '../tenancy/model.js';
import type { SqliteAccountStore, StoredAccount } from '../tenancy/sqlite-account-store.js';
import { windowOf, type CoverageWindow } from './coverage.js';
import { creditNote } from './credit-note.js';
import { customerInvoice, partnerInvoice, type Billing, type BillingProfile, type InvoiceDocument } from './invoice.js';
import { marginReport, type MarginCustomer, type MarginReport } from './margin.js';
import { meterDef } from './meters.js';
import { isoHour, monthRange, parseHour } from './period.js';
import { validatePriceBook, validatePriceBookSet, validity, type AnyPriceBook, type PriceBook } from './price-book.js';
import type { UsageRecord } from './rate.js';
import type { SqliteBillingStore, StoredPriceBook } from './sqlite-billing-store.js';
import { taxRateFor, type TaxRates } from './tax.js';

export interface BillingServiceDeps {
  store: SqliteBillingStore;
  accounts: SqliteAccountStore;
  access: BillingAccess;
  /** Moves customers between partners (the billing service adds the invoiced-hours guard). */
  tenancy: TenancyService;
  /** Metered usage across regions; absent until metering is wired (usage calls then answer Unavailable). */
  usage?: UsageSource;
  /** The topology's region ids (price-book entries name one of them or '*'). */
  regions: readonly string[];
  clock?: () => Date;
}

export interface UsageQueryInput {
  account?: string;
  bucket?: string;
  region?: string;
  meters?: string[];
  from: string;
  to: string;
  granularity?: string;
}

export interface InvoiceRunInput {
  period: string;
  billing: Billing;
  /** Only this recipient (a customer for retail, a partner for wholesale). */
  account?: string;
}

export interface InvoiceSummary {
  number: string;
  documentType: InvoiceDocument['documentType'];
  billing: Billing;
  period: string;
  from: string;
  to: string;
  issuerId: string;
  issuerName: string;
  recipientId: string;
  recipientName: string;
  currency: string;
  subtotal: string;
  tax: string;
  total: string;
  issuedAt: string;
  /** Credit notes: the invoice they correct. */
  invoiceNumber?: string;
}

export interface InvoiceRunResult {
  period: string;
  billing: Billing;
  issuerId: string;
  /** Documents issued by this call. */
  created: number;
  /** Documents an earlier run had issued (answered again, unchanged). */
  existing: number;
  invoices: (InvoiceSummary & { created: boolean })[];
}

const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month', 'total'];
const COUNTRY = /^[A-Z]{2}$/;

function invalid(argument: string, message: string, value?: string): never {
  throw fail('InvalidArgument', message, { details: { ArgumentName: argument, ...(value === undefined ? {} : { ArgumentValue: value }) } });
}

/** The same error with the account it concerns named first (an invoice run covers many). */
function about(name: string, e: unknown): unknown {
  if (!isAppError(e)) return e;
  return new AppError(e.code, `${name}: ${e.message}`, { ...(e.details ? { details: e.details } : {}), cause: e });
}

export function summary(d: InvoiceDocument): InvoiceSummary {
  return {
    number: d.number, documentType: d.documentType, billing: d.billing, period: d.period, from: d.from, to: d.to,
    issuerId: d.issuer.accountId, issuerName: d.issuer.name, recipientId: d.recipient.accountId, recipientName: d.recipient.name,
    currency: d.currency, subtotal: d.subtotal, tax: d.tax, total: d.total, issuedAt: d.issuedAt ?? d.createdAt,
    ...(d.credits ? { invoiceNumber: d.credits.invoiceNumber } : {}),
  };
}

const toRecord = (r: UsageRow): UsageRecord => ({ accountId: r.accountId, bucket: r.bucket, region: r.region, meter: r.meter, hour: r.start, quantity: r.quantity });

export class BillingService {
  private readonly store: SqliteBillingStore;
  private readonly accounts: SqliteAccountStore;
  private readonly access: BillingAccess;
  private readonly now: () => Date;

  constructor(private readonly deps: BillingServiceDeps) {
    this.store = deps.store;
    this.accounts = deps.accounts;
    this.access = deps.access;
    this.now = deps.clock ?? (() => new Date());
  }

  // ---- usage ----

  async usage(actor: Principal, q: UsageQueryInput): Promise<{ from: string; to: string; granularity: Granularity; rows: UsageRow[] }> {
    const scope = this.access.usageScope(actor, q.account);
    const from = parseHour(q.from, 'from');
    const to = parseHour(q.to, 'to');
    if (to <= from) invalid('to', `to (${q.to}) must be after from (${q.from}).`, q.to);
    const granularity = (q.granularity ?? 'day') as Granularity;
    if (!GRANULARITIES.includes(granularity)) invalid('granularity', `granularity must be one of ${GRANULARITIES.join(', ')}.`, q.granularity);
    const meters = q.meters?.map((m) => meterDef(m, 'meter').name);
    if (q.region !== undefined && !this.deps.regions.includes(q.region)) {
      throw fail('InvalidRegion', `There is no region '${q.region}' (regions: ${this.deps.regions.join(', ')}).`, { details: { ArgumentName: 'region', ArgumentValue: q.region } });
    }
    const rows = await this.source().query({
      ...(scope ? { accountIds: scope } : {}),
      ...(q.bucket !== undefined ? { bucket: q.bucket } : {}),
      ...(q.region !== undefined ? { region: q.region } : {}),
      ...(meters ? { meters } : {}),
      from: isoHour(from), to: isoHour(to), granularity,
    });
    return { from: isoHour(from), to: isoHour(to), granularity, rows };
  }

  // ---- price books ----

  listBooks(actor: Principal, account: string): { account: StoredAccount; books: StoredPriceBook[] } {
    const a = this.access.readBooks(actor, account);
    return { account: a, books: this.store.books(a.id, pricerOf(a)) };
  }

  getBook(actor: Principal, account: string, id: string): StoredPriceBook {
    const a = this.access.readBooks(actor, account);
    const found = this.store.books(a.id, pricerOf(a)).find((b) => b.book.id === id);
    if (!found) throw noSuchBook(a, id);
    return found;
  }

  /**
   * Creates or replaces a book. The account's whole set must stay valid (no overlaps, one
   * currency), and invoiced hours keep their prices: a book reaching into them may only
   * have its validTo moved, within the hours not invoiced yet.
   */
  putBook(actor: Principal, account: string, book: AnyPriceBook): StoredPriceBook {
    const a = this.access.writeBooks(actor, account);
    if (a.kind === 'partner' && book.kind === 'markup') invalid('kind', 'A wholesale book has its own prices; markup rules are for retail (a customer\'s) books.');
    validatePriceBook(book, { knownRegions: this.deps.regions });
    if (book.kind === 'markup' && a.parentId !== null) {
      const wholesale = this.store.books(a.parentId, OPERATOR_ACCOUNT_ID)[0]?.book;
      if (wholesale && wholesale.currency !== book.currency) {
        invalid('currency', `The markup is in ${book.currency} but ${a.parentId}'s wholesale books are in ${wholesale.currency}; currencies are not converted.`, book.currency);
      }
    }
    const at = this.now().toISOString();
    const pricedBy = pricerOf(a);
    return this.store.transaction(() => {
      const current = this.store.books(a.id, pricedBy);
      const old = current.find((b) => b.book.id === book.id)?.book;
      validatePriceBookSet([...current.map((b) => b.book).filter((b) => b.id !== book.id), book]);
      const until = this.settledUntil(a);
      if (old) this.checkEditable(old, book, until);
      else if (validity(book).from < until) {
        throw fail('Conflict', `Price book '${book.id}' starts at ${book.validFrom}, but ${a.name} is invoiced until ${isoHour(until)}: a new book starts at that hour or later (corrections of invoiced hours are credit notes).`, {
          details: { ArgumentName: 'validFrom', ArgumentValue: book.validFrom, PriceBook: book.id },
        });
      }
      this.store.putBook(a.id, pricedBy, book, at, actor.userArn);
      return { accountId: a.id, pricedBy, book, updatedAt: at, updatedBy: actor.userArn };
    });
  }

  deleteBook(actor: Principal, account: string, id: string): void {
    const a = this.access.writeBooks(actor, account);
    const pricedBy = pricerOf(a);
    this.store.transaction(() => {
      const old = this.store.books(a.id, pricedBy).find((b) => b.book.id === id)?.book;
      if (!old) throw noSuchBook(a, id);
      const until = this.settledUntil(a);
      if (validity(old).from < until) {
        throw fail('Conflict', `Price book '${id}' priced hours that are invoiced (until ${isoHour(until)}); it cannot be deleted. End it with validTo instead.`, { details: { PriceBook: id } });
      }
      this.store.deleteBook(a.id, pricedBy, id);
    });
  }

  // ---- profiles and tax rates ----

  getProfile(actor: Principal, account: string): { accountId: string; profile: BillingProfile | null } {
    const a = this.access.profile(actor, account);
    return { accountId: a.id, profile: this.store.profile(a.id) ?? null };
  }

  putProfile(actor: Principal, account: string, profile: BillingProfile): { accountId: string; profile: BillingProfile } {
    const a = this.access.profile(actor, account);
    const p = checkProfile(profile);
    this.store.putProfile(a.id, p, this.now().toISOString());
    return { accountId: a.id, profile: p };
  }

  taxRates(): TaxRates {
    return this.store.taxRates();
  }

  /** Sets a country's rate (percent, e.g. '19'), or removes it with null. */
  putTaxRate(actor: Principal, country: string, rate: string | null): TaxRates {
    this.access.setTaxRates(actor);
    if (typeof country !== 'string' || !COUNTRY.test(country)) invalid('country', `'${String(country)}' is not an ISO 3166 country code such as 'DE'.`, String(country));
    if (rate !== null) taxRateFor(country, { [country]: rate });
    this.store.putTaxRate(country, rate, this.now().toISOString());
    return this.store.taxRates();
  }

  // ---- invoices ----

  async runInvoices(actor: Principal, input: InvoiceRunInput): Promise<InvoiceRunResult> {
    if (input.billing !== 'retail' && input.billing !== 'wholesale') invalid('billing', `billing must be 'retail' or 'wholesale'.`, String(input.billing));
    const issuer = this.access.runIssuer(actor, input.billing);
    const month = monthRange(input.period);
    const now = this.now();
    if (month.to > now.getTime()) {
      invalid('period', `The period ${month.month} is still open until ${isoHour(month.to)}: invoices are run only for ended months.`, month.month);
    }
    const revision = this.store.booksRevision();
    const taxRates = this.store.taxRates();
    const issuerProfile = this.profileFor(issuer);
    const recipients: { account: StoredAccount; window?: CoverageWindow }[] = input.billing === 'retail' ? this.retailRecipients(issuer, input) : this.wholesaleRecipients(input);

    const existing: InvoiceDocument[] = [];
    const pending: { draft: InvoiceDocument; issuerId: string; recipientId: string }[] = [];
    for (const r of recipients) {
      const done = this.store.invoiceOf(issuer.id, r.account.id, month.month, input.billing);
      if (done) {
        existing.push(done);
        continue;
      }
      try {
        const draft = input.billing === 'retail'
          ? await this.retailDraft(issuer, issuerProfile, r.account, r.window!, month.month, now, taxRates)
          : await this.wholesaleDraft(issuer, issuerProfile, r.account, month.month, now, taxRates);
        if (draft) pending.push({ draft, issuerId: issuer.id, recipientId: r.account.id });
      } catch (e) {
        throw about(`Invoice for ${r.account.name} (${r.account.id})`, e);
      }
    }
    const issued = this.store.issue(pending, now, () => {
      if (this.store.booksRevision() !== revision) throw fail('Conflict', 'Price books changed while the invoices were drafted; run again.');
    });
    const invoices = [...existing.map((d) => ({ ...summary(d), created: false })), ...issued.map((i) => ({ ...summary(i.document), created: i.created }))]
      .sort((a, b) => (a.number < b.number ? -1 : 1));
    return {
      period: month.month, billing: input.billing, issuerId: issuer.id,
      created: invoices.filter((i) => i.created).length, existing: invoices.filter((i) => !i.created).length, invoices,
    };
  }

  /** Invoices and credit notes of an account that the actor is party to, by number. */
  listDocuments(actor: Principal, account: string, opts: { period?: string; documentType?: 'invoice' | 'credit-note'; after?: string; limit: number }): InvoiceSummary[] {
    const a = this.access.documentsOf(actor, account);
    if (opts.period !== undefined) monthRange(opts.period);
    return this.store.documents({
      accountId: a.id, visibleTo: actor.accountId,
      ...(opts.period !== undefined ? { period: opts.period } : {}), ...(opts.documentType ? { documentType: opts.documentType } : {}),
    }, opts.after ?? '', opts.limit).map(summary);
  }

  getDocument(actor: Principal, number: string): InvoiceDocument {
    const d = typeof number === 'string' ? this.store.document(number) : undefined;
    if (!d || !this.access.seesDocument(actor, { issuerId: d.issuer.accountId, recipientId: d.recipient.accountId })) {
      throw fail('NoSuchInvoice', `There is no invoice or credit note '${String(number)}'.`, { details: { Invoice: String(number) } });
    }
    return d;
  }

  /** A credit note reversing lines of an issued invoice (its issuer only); numbered like invoices (CN-...). */
  issueCreditNote(actor: Principal, number: string, input: { lineIds?: string[]; reason: string }): InvoiceDocument {
    const invoice = this.getDocument(actor, number);
    this.access.creditNote(actor, { issuerId: invoice.issuer.accountId });
    const prior = this.store.creditNotesOf(invoice.number);
    const now = this.now();
    const draft = creditNote({ number: 'DRAFT', invoice, reason: input.reason, now, priorCredits: prior, ...(input.lineIds ? { lineIds: input.lineIds } : {}) });
    const [issued] = this.store.issue([{ draft, issuerId: invoice.issuer.accountId, recipientId: invoice.recipient.accountId }], now, () => {
      if (this.store.creditNotesOf(invoice.number).length !== prior.length) throw fail('Conflict', `Another credit note of ${invoice.number} was issued meanwhile; check its lines and try again.`);
    });
    return issued!.document;
  }

  /** The partner's margin per customer for a month (retail minus attributed wholesale). */
  async margin(actor: Principal, partner: string, period: string): Promise<MarginReport> {
    const p = this.access.margin(actor, partner);
    const month = monthRange(period);
    const wholesaleBooks = this.concreteBooks(p.id);
    const customers = this.customersIn(p, month.month);
    const usage = await this.monthUsage(customers.map((c) => c.account.id), month.month);
    const rows: MarginCustomer[] = [];
    for (const { account, window } of customers) {
      const retailBooks = this.store.books(account.id, p.id).map((b) => b.book);
      const records = usage.filter((u) => u.accountId === account.id);
      if (retailBooks.length === 0 && !records.some((u) => inWindow(u, window))) continue;
      rows.push({ accountId: account.id, name: account.displayName, retailBooks, usage: records, coverage: { from: window.from, to: window.to } });
    }
    const wholesale = this.store.invoiceOf(OPERATOR_ACCOUNT_ID, p.id, month.month, 'wholesale');
    return marginReport({ period: month.month, partnerId: p.id, wholesaleBooks, customers: rows, ...(wholesale ? { wholesaleInvoiceSubtotal: wholesale.subtotal } : {}) });
  }

  // ---- partner history ----

  /**
   * Moves a customer (the operator only). The move may not reach back into invoiced hours:
   * the customer's own invoices, and either partner's wholesale invoices (which bill the
   * usage of all its customers).
   */
  async moveCustomer(actor: Principal, customer: string, input: { partnerId: string; at?: string }): Promise<{ account: Account; move: AccountMove }> {
    const c = this.accounts.getAccount(customer) ?? this.accounts.getAccountByName(customer);
    const to = typeof input.partnerId === 'string' ? (this.accounts.getAccount(input.partnerId) ?? this.accounts.getAccountByName(input.partnerId)) : undefined;
    const partners = [c?.parentId, to?.id].filter((x): x is string => typeof x === 'string');
    const notBefore = Math.max(c ? this.store.invoicedUntil(c.id) : -Infinity, ...partners.map((id) => this.store.invoicedUntil(id, OPERATOR_ACCOUNT_ID)));
    return this.deps.tenancy.moveCustomer(actor, customer, { ...input, ...(Number.isFinite(notBefore) ? { notBefore } : {}) });
  }

  listMoves(actor: Principal, customer: string): Promise<AccountMove[]> {
    return this.deps.tenancy.listMoves(actor, customer);
  }

  // ---- helpers ----

  private source(): UsageSource {
    if (!this.deps.usage) throw fail('Unavailable', 'Usage metering is not available on this server.');
    return this.deps.usage;
  }

  /**
   * Hours before this are invoiced at the account's current prices: a customer's retail
   * invoices from its partner; a partner's wholesale invoices and the retail ones it issued
   * (markup rules price off its wholesale books).
   */
  private settledUntil(a: StoredAccount): number {
    return a.kind === 'customer' && a.parentId !== null ? this.store.invoicedUntil(a.id, a.parentId) : this.store.invoicedUntil(a.id);
  }

  private checkEditable(old: AnyPriceBook, next: AnyPriceBook, until: number): void {
    const o = validity(old);
    if (o.from >= until) return;
    const { validTo: _a, ...oldRest } = old;
    const { validTo: _b, ...nextRest } = next;
    const n = validity(next);
    const endOk = o.to <= until ? n.to === o.to : n.to >= until;
    if (canonical(oldRest) !== canonical(nextRest) || !endOk) {
      throw fail('Conflict', `Price book '${old.id}' priced hours that are invoiced (until ${isoHour(until)}): only its validTo may change, to ${isoHour(until)} or later. Put new prices in a new book from a later hour, and correct issued invoices with credit notes.`, {
        details: { PriceBook: old.id },
      });
    }
  }

  private profileFor(a: StoredAccount): BillingProfile {
    const p = this.store.profile(a.id);
    if (!p) {
      throw fail('InvalidArgument', `${a.name} (${a.id}) has no billing profile: set its country (and legal name, address, tax id) with PUT /accounts/${a.name}/billing-profile first.`, {
        details: { ArgumentName: 'billingProfile', ArgumentValue: a.id },
      });
    }
    return p;
  }

  /** A partner's wholesale books. */
  private concreteBooks(partnerId: string): PriceBook[] {
    return this.store.books(partnerId, OPERATOR_ACCOUNT_ID).map((b) => b.book).filter((b): b is PriceBook => b.kind !== 'markup');
  }

  /** Customers the partner billed for some hours of the month, each with its window. */
  private customersIn(partner: StoredAccount, period: string): { account: StoredAccount; window: CoverageWindow }[] {
    const ids = new Set([...this.accounts.children(partner.id).filter((c) => c.kind === 'customer').map((c) => c.id), ...this.accounts.movesInvolving(partner.id).map((m) => m.customerId)]);
    const out: { account: StoredAccount; window: CoverageWindow }[] = [];
    for (const id of [...ids].sort()) {
      const account = this.accounts.getAccount(id);
      if (!account || account.parentId === null) continue;
      const window = windowOf(period, partner.id, account.parentId, this.accounts.movesOf(id));
      if (window) out.push({ account, window });
    }
    return out;
  }

  private retailRecipients(issuer: StoredAccount, input: InvoiceRunInput): { account: StoredAccount; window?: CoverageWindow }[] {
    const all = this.customersIn(issuer, input.period);
    if (input.account === undefined) return all;
    const one = all.filter((r) => r.account.id === input.account || r.account.name === input.account);
    if (one.length === 0) throw fail('NoSuchAccount', `${issuer.name} has no customer '${input.account}' in ${input.period}.`, { details: { Account: input.account } });
    return one;
  }

  private wholesaleRecipients(input: InvoiceRunInput): { account: StoredAccount }[] {
    const partners = this.accounts.listAccounts({ kind: 'partner' }, '', 1_000_000);
    if (input.account === undefined) return partners.map((account) => ({ account }));
    const one = partners.filter((p) => p.id === input.account || p.name === input.account);
    if (one.length === 0) throw fail('NoSuchAccount', `There is no partner '${input.account}'.`, { details: { Account: input.account } });
    return one.map((account) => ({ account }));
  }

  private async monthUsage(accountIds: string[], period: string): Promise<UsageRecord[]> {
    if (accountIds.length === 0) return [];
    const month = monthRange(period);
    const rows = await this.source().query({ accountIds, from: isoHour(month.from), to: isoHour(month.to), granularity: 'hour' });
    return rows.map(toRecord);
  }

  private async retailDraft(
    partner: StoredAccount, partnerProfile: BillingProfile, customer: StoredAccount, window: CoverageWindow, period: string, now: Date, taxRates: TaxRates,
  ): Promise<InvoiceDocument | undefined> {
    const books = this.store.books(customer.id, partner.id).map((b) => b.book);
    const usage = (await this.monthUsage([customer.id], period));
    if (books.length === 0 && !usage.some((u) => inWindow(u, window))) return undefined;
    return customerInvoice({
      number: 'DRAFT', period, now, books, wholesaleBooks: this.concreteBooks(partner.id), usage, coverage: { from: window.from, to: window.to }, taxRates,
      partner: asAccount(partner), partnerProfile, customer: asAccount(customer), customerProfile: this.profileFor(customer),
    });
  }

  private async wholesaleDraft(
    operator: StoredAccount, operatorProfile: BillingProfile, partner: StoredAccount, period: string, now: Date, taxRates: TaxRates,
  ): Promise<InvoiceDocument | undefined> {
    const customers = this.customersIn(partner, period);
    const all = await this.monthUsage([partner.id, ...customers.map((c) => c.account.id)], period);
    // Each customer's usage counts for the hours it was this partner's; the partner's own buckets for the whole month.
    const usage = all.filter((u) => u.accountId === partner.id || customers.some((c) => c.account.id === u.accountId && inWindow(u, c.window)));
    const books = this.concreteBooks(partner.id);
    if (books.length === 0 && usage.length === 0) return undefined;
    return partnerInvoice({
      number: 'DRAFT', period, now, books, usage, taxRates,
      operator: asAccount(operator), operatorProfile, partner: asAccount(partner), partnerProfile: this.profileFor(partner),
    });
  }
}

function inWindow(u: UsageRecord, w: { from: string; to: string }): boolean {
  const h = Date.parse(u.hour);
  return h >= Date.parse(w.from) && h < Date.parse(w.to);
}

/** Who prices an account: the operator a partner (wholesale), its partner a customer (retail). */
const pricerOf = (a: StoredAccount): string => (a.kind === 'partner' || a.parentId === null ? OPERATOR_ACCOUNT_ID : a.parentId);

/** The stored account as the model's Account (mandatory residency does not matter to documents). */
const asAccount = (a: StoredAccount): Account => a;

function noSuchBook(a: StoredAccount, id: string): AppError {
  return fail('NoSuchPriceBook', `${a.name} has no price book '${id}'.`, { details: { PriceBook: id } });
}

const TEXT_MAX = 200;

/** A billing profile: country (ISO 3166 alpha-2) required; legal name, up to 6 address lines, tax id. */
export function checkProfile(p: BillingProfile): BillingProfile {
  if (typeof p !== 'object' || p === null) invalid('profile', 'A billing profile is an object { country, legalName?, address?, taxId? }.');
  if (typeof p.country !== 'string' || !COUNTRY.test(p.country)) invalid('country', `country must be an ISO 3166 code such as 'DE' (got '${String(p.country)}').`);
  const text = (v: unknown, field: string, max = TEXT_MAX): string => {
    if (typeof v !== 'string' || v.trim() === '' || v.length > max || /[\u0000-\u001f]/.test(v)) invalid(field, `${field} must be 1 to ${max} printable characters.`);
    return v;
  };
  const out: BillingProfile = { country: p.country };
  if (p.legalName !== undefined) out.legalName = text(p.legalName, 'legalName');
  if (p.address !== undefined) {
    if (!Array.isArray(p.address) || p.address.length > 6) invalid('address', 'address must be a list of at most 6 lines.');
    out.address = p.address.map((l, i) => text(l, `address[${i}]`));
  }
  if (p.taxId !== undefined) out.taxId = text(p.taxId, 'taxId', 64);
  return out;
}

/** JSON with object keys sorted, to compare books whatever order their fields came in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}
