/**
 * Billing on SQLite (<data-dir>/control/billing.db, beside the account store): price books
 * and markup rules per account, billing profiles, the tax-rate table, and the issued
 * documents (invoices and credit notes). Rows and transactions only: the rules of who may
 * do what, and the rating itself, live in the billing service and the pure core.
 *
 * Issued documents are append-only: the store has no update or delete path for them and
 * triggers refuse any UPDATE or DELETE of the table, so not even a stray statement edits
 * an issued invoice. Numbers are gap-free per issuer, document type and year: each is the
 * previous one + 1, allocated in the same BEGIN IMMEDIATE transaction as the insert, so
 * two runs (in two processes) never take the same number or leave a hole, and a run that
 * fails writes no document and takes no number.
 */
import type Database from 'better-sqlite3';
import { fail } from '../core/errors.js';
import { openSharedDatabase } from '../core/sqlite-wal.js';
import { issueInvoice, type BillingProfile, type InvoiceDocument } from './invoice.js';
import type { AnyPriceBook } from './price-book.js';
import type { TaxRates } from './tax.js';

const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE price_books (
  account_id TEXT NOT NULL,
  priced_by TEXT NOT NULL,
  id TEXT NOT NULL,
  valid_from TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (account_id, priced_by, id)
) WITHOUT ROWID;
CREATE TABLE profiles (
  account_id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE tax_rates (
  country TEXT PRIMARY KEY,
  rate TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE revisions (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE documents (
  number TEXT PRIMARY KEY,
  document_type TEXT NOT NULL CHECK (document_type IN ('invoice', 'credit-note')),
  billing TEXT NOT NULL CHECK (billing IN ('retail', 'wholesale')),
  issuer_id TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  period TEXT NOT NULL,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  invoice_number TEXT,
  hours_to TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (issuer_id, document_type, year, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX one_invoice_per_run ON documents (issuer_id, recipient_id, period, billing) WHERE document_type = 'invoice';
CREATE INDEX documents_by_recipient ON documents (recipient_id, number);
CREATE INDEX documents_by_issuer ON documents (issuer_id, number);
CREATE INDEX credit_notes_by_invoice ON documents (invoice_number) WHERE invoice_number IS NOT NULL;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
  BEGIN SELECT RAISE(ABORT, 'issued documents are immutable: correct an invoice with a credit note'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
  BEGIN SELECT RAISE(ABORT, 'issued documents are immutable: correct an invoice with a credit note'); END;
`,
];

export interface StoredPriceBook {
  accountId: string;
  /** Who set the prices: the operator (a partner's wholesale book) or the customer's partner (retail). */
  pricedBy: string;
  book: AnyPriceBook;
  updatedAt: string;
  updatedBy: string;
}

/** A document to issue: a draft (its number is allocated here) and who issues it to whom. */
export interface PendingDocument {
  draft: InvoiceDocument;
  issuerId: string;
  recipientId: string;
}

export interface IssuedDocument {
  document: InvoiceDocument;
  /** False when an earlier run had issued it already (the run is idempotent). */
  created: boolean;
}

export interface DocumentFilter {
  /** Documents this account issued or received... */
  accountId: string;
  /** ...and that this account is party to (the caller's view). */
  visibleTo: string;
  period?: string;
  documentType?: 'invoice' | 'credit-note';
}

interface DocumentRow { body: string }

const PREFIX = { invoice: 'INV', 'credit-note': 'CN' } as const;

/** e.g. INV-123456789012-2026-000001: prefix, issuer, year, sequence. */
export function documentNumber(type: 'invoice' | 'credit-note', issuerId: string, year: number, seq: number): string {
  return `${PREFIX[type]}-${issuerId}-${year}-${String(seq).padStart(6, '0')}`;
}

export class SqliteBillingStore {
  private readonly db: Database.Database;
  private readonly s;

  constructor(path: string, opts: { busyTimeoutMs?: number } = {}) {
    const db = openSharedDatabase(path, opts.busyTimeoutMs);
    this.db = db;
    migrate(db);
    this.s = {
      books: db.prepare<[string, string], { body: string; account_id: string; priced_by: string; updated_at: string; updated_by: string }>(
        'SELECT * FROM price_books WHERE account_id = ? AND priced_by = ? ORDER BY valid_from, id'),
      putBook: db.prepare(`INSERT INTO price_books (account_id, priced_by, id, valid_from, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id, priced_by, id) DO UPDATE SET valid_from = excluded.valid_from, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      deleteBook: db.prepare('DELETE FROM price_books WHERE account_id = ? AND priced_by = ? AND id = ?'),
      revision: db.prepare<[], { n: number }>("SELECT n FROM revisions WHERE name = 'price-books'"),
      bump: db.prepare("INSERT INTO revisions (name, n) VALUES ('price-books', 1) ON CONFLICT (name) DO UPDATE SET n = n + 1"),
      profile: db.prepare<[string], { body: string }>('SELECT body FROM profiles WHERE account_id = ?'),
      putProfile: db.prepare(`INSERT INTO profiles (account_id, body, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (account_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`),
      taxRates: db.prepare<[], { country: string; rate: string }>('SELECT country, rate FROM tax_rates ORDER BY country'),
      putTaxRate: db.prepare(`INSERT INTO tax_rates (country, rate, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (country) DO UPDATE SET rate = excluded.rate, updated_at = excluded.updated_at`),
      deleteTaxRate: db.prepare('DELETE FROM tax_rates WHERE country = ?'),
      document: db.prepare<[string], DocumentRow>('SELECT body FROM documents WHERE number = ?'),
      invoiceOf: db.prepare<[string, string, string, string], DocumentRow>(
        "SELECT body FROM documents WHERE issuer_id = ? AND recipient_id = ? AND period = ? AND billing = ? AND document_type = 'invoice'"),
      creditNotes: db.prepare<[string], DocumentRow>('SELECT body FROM documents WHERE invoice_number = ? ORDER BY number'),
      lastSeq: db.prepare<[string, string, number], { seq: number | null }>('SELECT max(seq) AS seq FROM documents WHERE issuer_id = ? AND document_type = ? AND year = ?'),
      insert: db.prepare(`INSERT INTO documents (number, document_type, billing, issuer_id, recipient_id, period, year, seq, invoice_number, hours_to, issued_at, body)
        VALUES (@number, @documentType, @billing, @issuerId, @recipientId, @period, @year, @seq, @invoiceNumber, @hoursTo, @issuedAt, @body)`),
      invoicedUntil: db.prepare<[string, string, string | null, string | null], { to: string | null }>(
        "SELECT max(hours_to) AS \"to\" FROM documents WHERE document_type = 'invoice' AND (recipient_id = ? OR issuer_id = ?) AND (? IS NULL OR issuer_id = ?)"),
    };
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (a savepoint when nested): all or nothing. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.db.transaction(fn)();
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // price books

  /** The books `pricedBy` set for the account, by validFrom. */
  books(accountId: string, pricedBy: string): StoredPriceBook[] {
    return this.s.books.all(accountId, pricedBy).map((r) => ({
      accountId: r.account_id, pricedBy: r.priced_by, book: JSON.parse(r.body) as AnyPriceBook, updatedAt: r.updated_at, updatedBy: r.updated_by,
    }));
  }

  putBook(accountId: string, pricedBy: string, book: AnyPriceBook, at: string, by: string): void {
    this.transaction(() => {
      this.s.putBook.run(accountId, pricedBy, book.id, book.validFrom, JSON.stringify(book), at, by);
      this.s.bump.run();
    });
  }

  deleteBook(accountId: string, pricedBy: string, id: string): boolean {
    return this.transaction(() => {
      const gone = this.s.deleteBook.run(accountId, pricedBy, id).changes > 0;
      if (gone) this.s.bump.run();
      return gone;
    });
  }

  /** Changes with every price-book write: an invoice run checks that its books did not change under it. */
  booksRevision(): number {
    return this.s.revision.get()?.n ?? 0;
  }

  // profiles and tax rates

  profile(accountId: string): BillingProfile | undefined {
    const r = this.s.profile.get(accountId);
    return r ? (JSON.parse(r.body) as BillingProfile) : undefined;
  }

  putProfile(accountId: string, profile: BillingProfile, at: string): void {
    this.s.putProfile.run(accountId, JSON.stringify(profile), at);
  }

  taxRates(): TaxRates {
    return Object.fromEntries(this.s.taxRates.all().map((r) => [r.country, r.rate]));
  }

  /** Sets (or with null removes) the rate of one country. */
  putTaxRate(country: string, rate: string | null, at: string): void {
    if (rate === null) this.s.deleteTaxRate.run(country);
    else this.s.putTaxRate.run(country, rate, at);
  }

  // documents (append-only)

  document(number: string): InvoiceDocument | undefined {
    const r = this.s.document.get(number);
    return r ? (JSON.parse(r.body) as InvoiceDocument) : undefined;
  }

  /** The invoice of a run, if it was issued already. */
  invoiceOf(issuerId: string, recipientId: string, period: string, billing: string): InvoiceDocument | undefined {
    const r = this.s.invoiceOf.get(issuerId, recipientId, period, billing);
    return r ? (JSON.parse(r.body) as InvoiceDocument) : undefined;
  }

  creditNotesOf(invoiceNumber: string): InvoiceDocument[] {
    return this.s.creditNotes.all(invoiceNumber).map((r) => JSON.parse(r.body) as InvoiceDocument);
  }

  /** Documents by number, after `afterNumber`. */
  documents(filter: DocumentFilter, afterNumber: string, limit: number): InvoiceDocument[] {
    const where = ['(issuer_id = ? OR recipient_id = ?)', '(issuer_id = ? OR recipient_id = ?)', 'number > ?'];
    const args: (string | number)[] = [filter.accountId, filter.accountId, filter.visibleTo, filter.visibleTo, afterNumber];
    if (filter.period !== undefined) { where.push('period = ?'); args.push(filter.period); }
    if (filter.documentType !== undefined) { where.push('document_type = ?'); args.push(filter.documentType); }
    args.push(limit);
    return this.db.prepare<(string | number)[], DocumentRow>(`SELECT body FROM documents WHERE ${where.join(' AND ')} ORDER BY number LIMIT ?`)
      .all(...args).map((r) => JSON.parse(r.body) as InvoiceDocument);
  }

  /**
   * The end (epoch ms) of the last invoiced hour of an account: the latest `to` of the
   * invoices it received or issued (only those of `issuerId` when given); -Infinity when
   * none. Prices and partner history before it are settled.
   */
  invoicedUntil(accountId: string, issuerId?: string): number {
    const to = this.s.invoicedUntil.get(accountId, accountId, issuerId ?? null, issuerId ?? null)?.to;
    return to ? Date.parse(to) : -Infinity;
  }

  /**
   * Issues every pending document in one transaction: each invoice that an earlier run
   * issued already (same issuer, recipient, period and billing) is returned as it is; the
   * others get the next numbers and are stored. `check` runs first inside the transaction
   * (e.g. the books did not change since the drafts were made); any failure leaves nothing.
   */
  issue(pending: readonly PendingDocument[], now: Date, check?: () => void): IssuedDocument[] {
    const year = now.getUTCFullYear();
    return this.transaction(() => {
      check?.();
      return pending.map(({ draft, issuerId, recipientId }) => {
        if (draft.documentType === 'invoice') {
          const existing = this.invoiceOf(issuerId, recipientId, draft.period, draft.billing);
          if (existing) return { document: existing, created: false };
        }
        const seq = (this.s.lastSeq.get(issuerId, draft.documentType, year)?.seq ?? 0) + 1;
        const number = documentNumber(draft.documentType, issuerId, year, seq);
        const document = issueInvoice({ ...draft, number }, now);
        this.s.insert.run({
          number, documentType: document.documentType, billing: document.billing, issuerId, recipientId, period: document.period, year, seq,
          invoiceNumber: document.credits?.invoiceNumber ?? null, hoursTo: document.to, issuedAt: document.issuedAt ?? now.toISOString(),
          body: JSON.stringify(document),
        });
        return { document, created: true };
      });
    });
  }
}

/** Brings the schema up to date; BEGIN IMMEDIATE so workers starting together migrate once. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) throw fail('Internal', `billing store: schema version ${current} is newer than this server (${MIGRATIONS.length})`);
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (current !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
