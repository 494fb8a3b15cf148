/**
 * Billing over the admin API: price books (a partner's wholesale book, a customer's retail
 * book or markup rule), billing profiles, the tax-rate table, invoice runs, invoices and
 * credit notes (JSON, CSV or printable HTML), the partner margin report, and moving a
 * customer between partners. The billing service decides who may do what; this file maps
 * JSON to its inputs and back.
 */
import { fail } from '../../core/errors.js';
import type { BillingService, InvoiceSummary } from '../../billing/billing-service.js';
import { invoiceToCsv, invoiceToHtml } from '../../billing/export.js';
import type { AnyPriceBook } from '../../billing/price-book.js';
import type { StoredPriceBook } from '../../billing/sqlite-billing-store.js';
import { nested, object, oneOf, pageRequest, requiredStr, str, strList, type Obj } from '../input.js';
import { OPERATOR_ACCOUNT_ID } from '../../tenancy/model.js';
import { DEFAULT_PAGE_LIMIT, pageOf } from '../page.js';
import { created, noContent, ok, type AdminCall, type AdminRoute } from '../route.js';

const BOOK_FIELDS = ['id', 'kind', 'currency', 'validFrom', 'validTo', 'minimumMonthlyFee', 'entries', 'markup'];
const ENTRY_FIELDS = ['meter', 'region', 'tiers', 'freeAllowance'];
const TIER_FIELDS = ['upTo', 'unitPrice'];

function list(o: Obj, field: string): unknown[] | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw fail('InvalidArgument', `"${field}" must be a list.`, { details: { ArgumentName: field } });
  return v;
}

/** A price book from a PUT body: known fields only (typos are refused), its id the path's. */
export function priceBookInput(body: unknown, pathId: string): AnyPriceBook {
  const o = object(body, BOOK_FIELDS, 'The price book');
  if (o['id'] !== undefined && o['id'] !== pathId) {
    throw fail('InvalidArgument', `The book's id '${String(o['id'])}' differs from the id in the path '${pathId}'.`, { details: { ArgumentName: 'id' } });
  }
  const entries = list(o, 'entries')?.map((e, i) => {
    const entry = object(e, ENTRY_FIELDS, `entries[${i}]`);
    const tiers = list(entry, 'tiers')?.map((t, j) => object(t, TIER_FIELDS, `entries[${i}].tiers[${j}]`));
    return { ...entry, ...(tiers ? { tiers } : {}) };
  });
  if (o['markup'] !== undefined) nested(o, 'markup', ['percent', 'perUnit']);
  return { ...o, id: pathId, ...(entries ? { entries } : {}) } as unknown as AnyPriceBook;
}

/** A stored book as the API shows it: wholesale when the operator priced it, else retail. */
const bookView = (b: StoredPriceBook) => ({
  accountId: b.accountId, pricedBy: b.pricedBy, billing: b.pricedBy === OPERATOR_ACCOUNT_ID ? 'wholesale' : 'retail', updatedAt: b.updatedAt, updatedBy: b.updatedBy, book: b.book,
});

const FORMATS = ['json', 'csv', 'html'] as const;

export function billingRoutes(b: BillingService): AdminRoute[] {
  const account = (c: AdminCall) => c.params['account'] ?? '';
  const bookId = (c: AdminCall) => c.params['bookId'] ?? '';
  return [
    {
      method: 'GET', path: '/accounts/{account}/price-books',
      run: async (c) => {
        const { books } = b.listBooks(c.principal, account(c));
        return ok(pageOf(books.map(bookView), pageRequest(c.query), (x) => x.book.id));
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/price-books/{bookId}',
      run: async (c) => ok(bookView(b.getBook(c.principal, account(c), bookId(c)))),
    },
    {
      method: 'PUT', path: '/accounts/{account}/price-books/{bookId}',
      run: async (c) => {
        const book = priceBookInput(await c.body(), bookId(c));
        return ok(bookView(b.putBook(c.principal, account(c), book)));
      },
    },
    {
      method: 'DELETE', path: '/accounts/{account}/price-books/{bookId}',
      run: async (c) => {
        b.deleteBook(c.principal, account(c), bookId(c));
        return noContent();
      },
    },
    { method: 'GET', path: '/accounts/{account}/billing-profile', run: async (c) => ok(b.getProfile(c.principal, account(c))) },
    {
      method: 'PUT', path: '/accounts/{account}/billing-profile',
      run: async (c) => {
        const o = object(await c.body(), ['country', 'legalName', 'address', 'taxId'], 'The billing profile');
        const address = strList(o, 'address');
        const legalName = str(o, 'legalName');
        const taxId = str(o, 'taxId');
        return ok(b.putProfile(c.principal, account(c), {
          country: requiredStr(o, 'country'), ...(legalName !== undefined ? { legalName } : {}), ...(address ? { address } : {}), ...(taxId !== undefined ? { taxId } : {}),
        }));
      },
    },
    { method: 'GET', path: '/tax-rates', run: async () => ok({ rates: b.taxRates() }) },
    {
      method: 'PUT', path: '/tax-rates/{country}',
      run: async (c) => {
        const o = object(await c.body(), ['rate'], 'The tax rate');
        if (o['rate'] !== null && typeof o['rate'] !== 'string') {
          throw fail('InvalidArgument', '"rate" must be a percentage as a decimal string such as "19", or null to remove the country.', { details: { ArgumentName: 'rate' } });
        }
        return ok({ rates: b.putTaxRate(c.principal, c.params['country'] ?? '', o['rate'] as string | null) });
      },
    },
    {
      method: 'POST', path: '/invoice-runs',
      run: async (c) => {
        const o = object(await c.body(), ['period', 'billing', 'accountId'], 'The invoice run');
        const billing = oneOf(o, 'billing', ['retail', 'wholesale'] as const);
        if (billing === undefined) throw fail('InvalidArgument', '"billing" is required: "retail" (a partner, to its customers) or "wholesale" (the operator, to partners).', { details: { ArgumentName: 'billing' } });
        const accountId = str(o, 'accountId');
        const run = await b.runInvoices(c.principal, { period: requiredStr(o, 'period'), billing, ...(accountId !== undefined ? { account: accountId } : {}) });
        return run.created > 0 ? created(run) : ok(run);
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/invoices',
      run: async (c) => {
        const page = pageRequest(c.query);
        const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
        const after = page.cursor === undefined ? undefined : Buffer.from(page.cursor, 'base64url').toString('utf8');
        const type = c.query.get('type');
        if (type !== null && type !== 'invoice' && type !== 'credit-note') throw fail('InvalidArgument', 'type must be invoice or credit-note.', { details: { ArgumentName: 'type' } });
        const period = c.query.get('period');
        const rows: InvoiceSummary[] = b.listDocuments(c.principal, account(c), {
          limit: limit + 1, ...(after !== undefined ? { after } : {}), ...(period !== null ? { period } : {}), ...(type !== null ? { documentType: type } : {}),
        });
        const items = rows.slice(0, limit);
        return ok(rows.length > limit ? { items, nextCursor: Buffer.from(items[items.length - 1]!.number, 'utf8').toString('base64url') } : { items });
      },
    },
    {
      method: 'GET', path: '/invoices/{number}',
      run: async (c) => {
        const format = c.query.get('format') ?? 'json';
        if (!(FORMATS as readonly string[]).includes(format)) throw fail('InvalidArgument', `format must be one of ${FORMATS.join(', ')}.`, { details: { ArgumentName: 'format', ArgumentValue: format } });
        const doc = b.getDocument(c.principal, c.params['number'] ?? '');
        if (format === 'csv') return { status: 200, document: { contentType: 'text/csv; charset=utf-8', text: invoiceToCsv(doc), filename: `${doc.number}.csv` } };
        if (format === 'html') return { status: 200, document: { contentType: 'text/html; charset=utf-8', text: invoiceToHtml(doc), filename: `${doc.number}.html` } };
        return ok(doc);
      },
    },
    {
      method: 'POST', path: '/invoices/{number}/credit-notes',
      run: async (c) => {
        const o = object(await c.body(), ['lines', 'reason'], 'The credit note');
        const lines = strList(o, 'lines');
        return created(b.issueCreditNote(c.principal, c.params['number'] ?? '', { reason: requiredStr(o, 'reason'), ...(lines ? { lineIds: lines } : {}) }));
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/margin',
      run: async (c) => {
        const period = c.query.get('period');
        if (period === null) throw fail('InvalidArgument', 'period is required: the month, e.g. ?period=2026-03.', { details: { ArgumentName: 'period' } });
        return ok(await b.margin(c.principal, account(c), period));
      },
    },
    {
      method: 'POST', path: '/accounts/{account}/move',
      run: async (c) => {
        const o = object(await c.body(), ['partnerId', 'at'], 'The move');
        const at = str(o, 'at');
        return ok(await b.moveCustomer(c.principal, account(c), { partnerId: requiredStr(o, 'partnerId'), ...(at !== undefined ? { at } : {}) }));
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/moves',
      run: async (c) => ok(pageOf(await b.listMoves(c.principal, account(c)), pageRequest(c.query), (m) => m.at)),
    },
  ];
}
