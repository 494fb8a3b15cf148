/**
 * The billing part of the admin API's OpenAPI document: usage, price books, billing
 * profiles, tax rates, invoice runs, invoices and credit notes, margins and customer
 * moves, with their schemas. openapi.ts passes its operation builders in.
 */
import { METER_NAMES } from '../billing/meters.js';

type Json = Record<string, unknown>;

export interface OpenApiBuilders {
  op(o: { id: string; summary: string; description?: string; body?: Json; status?: 200 | 201 | 204; result?: Json; parameters?: Json[] }): Json;
  post(o: { id: string; summary: string; description?: string; body?: Json; status?: 200 | 201 | 204; result?: Json; parameters?: Json[] }): Json;
  body(schema: Json, example?: unknown): Json;
  ref(name: string): Json;
  param(name: string): Json;
  pageOf(item: string): Json;
  paged: Json[];
}

const str = { type: 'string' };
const decimal = (description: string, example?: string) => ({ type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,9})?$', description, ...(example ? { example } : {}) });
const money = { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: "An amount in the currency's minor unit, e.g. \"12.50\"" };
const hour = { type: 'string', format: 'date-time', description: 'A whole UTC hour', example: '2026-03-01T00:00:00Z' };
const month = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', example: '2026-03' };
const meter = { enum: [...METER_NAMES] };
const q = (name: string, description: string, schema: Json = str, required = false): Json => ({ name, in: 'query', description, schema, ...(required ? { required } : {}) });

export const billingSchemas: Record<string, Json> = {
  UsageRow: {
    type: 'object', required: ['accountId', 'bucket', 'region', 'meter', 'start', 'quantity', 'unit'],
    description: 'One summed figure. Never carries object keys.',
    properties: {
      accountId: str, bucket: str, region: str, meter, start: { ...hour, description: 'First hour of the time bucket (the window start for granularity total)' },
      quantity: { type: 'string', pattern: '^[0-9]+$', description: 'Whole base units of the meter (a decimal string: byte-hours exceed 2^53)' }, unit: { type: 'string', example: 'byte-hour' },
    },
  },
  UsagePage: {
    allOf: [{ $ref: '#/components/schemas/Page' }, {
      type: 'object', properties: { from: hour, to: hour, granularity: { enum: ['hour', 'day', 'month', 'total'] }, items: { type: 'array', items: { $ref: '#/components/schemas/UsageRow' } } },
    }],
  },
  Tier: { type: 'object', required: ['unitPrice'], additionalProperties: false, properties: { upTo: decimal('Upper bound in price units on the month\'s running total (not on the last tier)', '1000'), unitPrice: decimal('Price per price unit (non-negative, at most 9 decimals)', '0.02') } },
  PriceEntry: {
    type: 'object', required: ['meter', 'region', 'tiers'], additionalProperties: false,
    properties: { meter, region: { type: 'string', description: "A region id, or '*' for every region without an entry of its own" }, tiers: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/Tier' } }, freeAllowance: decimal('Price units free each month', '5') },
  },
  PriceBook: {
    type: 'object', required: ['currency', 'validFrom'], additionalProperties: false,
    description: 'A book with its own prices (entries), or a markup rule (kind "markup", retail only) on the partner\'s wholesale book. Validity is [validFrom, validTo) on whole hours; the books of one account do not overlap and share one currency.',
    properties: {
      id: { type: 'string', description: 'Optional; the id in the path' }, kind: { enum: ['book', 'markup'] }, currency: { type: 'string', example: 'EUR', description: 'ISO 4217' },
      validFrom: hour, validTo: hour, minimumMonthlyFee: decimal('Smallest usage charge of a whole month, prorated by hours', '10.00'),
      entries: { type: 'array', items: { $ref: '#/components/schemas/PriceEntry' } },
      markup: { oneOf: [{ type: 'object', required: ['percent'], properties: { percent: decimal('Retail = wholesale x (100 + percent) / 100', '25') } }, { type: 'object', required: ['perUnit'], properties: { perUnit: decimal('Retail = wholesale + perUnit', '0.005') } }] },
    },
    example: { currency: 'EUR', validFrom: '2026-01-01T00:00:00Z', entries: [{ meter: 'storage.byte_hours', region: '*', tiers: [{ upTo: '1000', unitPrice: '0.02' }, { unitPrice: '0.018' }] }] },
  },
  StoredPriceBook: {
    type: 'object', required: ['accountId', 'pricedBy', 'billing', 'book', 'updatedAt', 'updatedBy'],
    properties: { accountId: str, pricedBy: { type: 'string', description: 'The operator (wholesale) or the customer\'s partner (retail)' }, billing: { enum: ['retail', 'wholesale'] }, book: { $ref: '#/components/schemas/PriceBook' }, updatedAt: { type: 'string', format: 'date-time' }, updatedBy: str },
  },
  BillingProfile: {
    type: 'object', required: ['country'], additionalProperties: false,
    properties: { country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2; the recipient\'s decides the tax rate' }, legalName: str, address: { type: 'array', maxItems: 6, items: str }, taxId: str },
    example: { country: 'DE', legalName: 'Acme AG', address: ['Hauptstr. 1', '10115 Berlin'], taxId: 'DE123456789' },
  },
  AccountBillingProfile: { type: 'object', properties: { accountId: str, profile: { oneOf: [{ $ref: '#/components/schemas/BillingProfile' }, { type: 'null' }] } } },
  TaxRates: { type: 'object', properties: { rates: { type: 'object', additionalProperties: str, example: { DE: '19', GB: '20', FR: '20' } } } },
  InvoiceLine: {
    type: 'object', required: ['id', 'kind', 'description', 'from', 'to', 'quantity', 'unit', 'billedQuantity', 'priceUnit', 'freeQuantity', 'tiers', 'amount'],
    properties: {
      id: { type: 'string', example: 'L1' }, kind: { enum: ['usage', 'minimum-fee'] }, description: str, region: str, meter, from: hour, to: hour, priceBookId: str,
      quantity: str, unit: str, billedQuantity: str, priceUnit: str, freeQuantity: str,
      tiers: { type: 'array', items: { type: 'object', properties: { tier: { type: 'integer' }, unitPrice: str, quantity: str, amount: str } } },
      amount: money, reverses: { type: 'string', description: 'Credit notes: the invoice line reversed' },
    },
  },
  Party: { type: 'object', required: ['accountId', 'name', 'country'], properties: { accountId: str, name: str, country: str, address: { type: 'array', items: str }, taxId: str, brand: { $ref: '#/components/schemas/Brand' } } },
  InvoiceDocument: {
    type: 'object', description: 'An issued invoice or credit note; never changes once issued.',
    required: ['documentType', 'billing', 'number', 'status', 'issuer', 'recipient', 'period', 'from', 'to', 'currency', 'lines', 'subtotal', 'taxCountry', 'taxRate', 'tax', 'total'],
    properties: {
      documentType: { enum: ['invoice', 'credit-note'] }, billing: { enum: ['retail', 'wholesale'] }, number: { type: 'string', example: 'INV-123456789012-2026-000001' },
      status: { enum: ['issued'] }, createdAt: { type: 'string', format: 'date-time' }, issuedAt: { type: 'string', format: 'date-time' },
      issuer: { $ref: '#/components/schemas/Party' }, recipient: { $ref: '#/components/schemas/Party' }, period: month, from: hour, to: hour, currency: str,
      lines: { type: 'array', items: { $ref: '#/components/schemas/InvoiceLine' } }, subtotal: money, taxCountry: str, taxRate: { type: 'string', example: '19' }, tax: money, total: money,
      credits: { type: 'object', properties: { invoiceNumber: str, lineIds: { type: 'array', items: str }, reason: str } },
    },
  },
  InvoiceSummary: {
    type: 'object',
    properties: {
      number: str, documentType: { enum: ['invoice', 'credit-note'] }, billing: { enum: ['retail', 'wholesale'] }, period: month, from: hour, to: hour,
      issuerId: str, issuerName: str, recipientId: str, recipientName: str, currency: str, subtotal: money, tax: money, total: money,
      issuedAt: { type: 'string', format: 'date-time' }, invoiceNumber: { type: 'string', description: 'Credit notes: the invoice corrected' },
    },
  },
  InvoiceRun: {
    type: 'object', required: ['period', 'billing', 'issuerId', 'created', 'existing', 'invoices'],
    properties: {
      period: month, billing: { enum: ['retail', 'wholesale'] }, issuerId: str, created: { type: 'integer' }, existing: { type: 'integer' },
      invoices: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/InvoiceSummary' }, { type: 'object', properties: { created: { type: 'boolean' } } }] } },
    },
  },
  MarginReport: {
    type: 'object',
    properties: {
      period: month, partnerId: str, currency: str,
      rows: { type: 'array', items: { type: 'object', properties: { period: month, customerId: str, customerName: str, retail: money, wholesale: money, margin: money } } },
      totals: { type: 'object', properties: { retail: money, wholesale: money, margin: money } },
      volumeDiscount: { ...money, description: 'Attributed wholesale costs minus the wholesale invoice subtotal (when that invoice is issued)' },
    },
  },
  AccountMove: {
    type: 'object', required: ['customerId', 'at', 'fromPartnerId', 'toPartnerId', 'movedBy', 'recordedAt'],
    properties: { customerId: str, at: hour, fromPartnerId: str, toPartnerId: str, movedBy: str, recordedAt: { type: 'string', format: 'date-time' } },
  },
};

export function billingPaths(h: OpenApiBuilders): Json {
  const accountParam = [h.param('Account')];
  const bookParams = [h.param('Account'), { name: 'bookId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$' } }];
  return {
    '/usage': {
      get: h.op({
        id: 'getUsage', result: h.ref('UsagePage'),
        summary: 'Metered usage, summed by account, bucket, region, meter and time (the operator: all; a partner: itself and its customers; a customer: itself)',
        description: 'Rows carry no object keys. Storage meters include the current hour up to now.',
        parameters: [
          q('account', 'Only this account (id or name)'), q('bucket', 'Only this bucket'), q('region', 'Only this region'),
          q('meter', `Meters, comma-separated or repeated: ${METER_NAMES.join(', ')}`),
          q('from', 'First hour (whole UTC hour)', hour), q('to', 'End of the window, exclusive', hour), q('period', 'A month instead of from and to', month),
          q('granularity', 'Time buckets (default day)', { enum: ['hour', 'day', 'month', 'total'] }), ...h.paged,
        ],
      }),
    },
    '/accounts/{account}/price-books': {
      parameters: accountParam,
      get: h.op({ id: 'listPriceBooks', summary: "A partner's wholesale books or a customer's retail books and markup rules (by validity)", parameters: h.paged, result: h.pageOf('StoredPriceBook') }),
    },
    '/accounts/{account}/price-books/{bookId}': {
      parameters: bookParams,
      get: h.op({ id: 'getPriceBook', summary: 'A price book', result: h.ref('StoredPriceBook') }),
      put: h.op({
        id: 'putPriceBook', body: h.body(h.ref('PriceBook')), result: h.ref('StoredPriceBook'),
        summary: "Create or replace a price book: a partner's (wholesale) by the operator, a customer's (retail, or a markup rule) by its partner",
        description: 'Refused (InvalidArgument, naming the field) for negative prices, unknown meters, regions or currencies, and validity overlapping another book of the account. Hours already invoiced keep their prices (Conflict): a book reaching into them may only have validTo moved within the hours not invoiced yet; new prices go in a new book from a later hour, corrections in credit notes.',
      }),
      delete: h.op({ id: 'deletePriceBook', summary: 'Delete a price book that priced no invoiced hour', status: 204 }),
    },
    '/accounts/{account}/billing-profile': {
      parameters: accountParam,
      get: h.op({ id: 'getBillingProfile', summary: "An account's billing profile (country, legal name, address, tax id), null when none", result: h.ref('AccountBillingProfile') }),
      put: h.op({ id: 'putBillingProfile', summary: 'Set the billing profile (the account, its partner or the operator)', body: h.body(h.ref('BillingProfile')), result: h.ref('AccountBillingProfile') }),
    },
    '/tax-rates': { get: h.op({ id: 'listTaxRates', summary: 'Tax rate (percent) per country of the billed party', result: h.ref('TaxRates') }) },
    '/tax-rates/{country}': {
      parameters: [{ name: 'country', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Z]{2}$' } }],
      put: h.op({
        id: 'putTaxRate', summary: "Set a country's rate, or remove it with null (the operator)", result: h.ref('TaxRates'),
        body: h.body({ type: 'object', required: ['rate'], properties: { rate: { oneOf: [decimal('Percent', '19'), { type: 'null' }] } } }, { rate: '19' }),
      }),
    },
    '/invoice-runs': {
      post: h.post({
        id: 'runInvoices', status: 201, result: h.ref('InvoiceRun'),
        summary: 'Invoice an ended month: wholesale (the operator, to each partner) or retail (a partner, to each of its customers, under its brand)',
        description: 'All or nothing: every document of the run is issued in one transaction, or none. Idempotent: a month already invoiced answers its documents again (200, created 0). A month not ended yet is refused (InvalidArgument, ArgumentName period). A customer moved between partners is billed by each for its own hours.',
        body: h.body({ type: 'object', required: ['period', 'billing'], additionalProperties: false, properties: { period: month, billing: { enum: ['retail', 'wholesale'] }, accountId: { type: 'string', description: 'Only this recipient (id or name)' } } }, { period: '2026-03', billing: 'retail' }),
      }),
    },
    '/accounts/{account}/invoices': {
      parameters: accountParam,
      get: h.op({
        id: 'listInvoices', summary: "The account's invoices and credit notes that the caller issued or received, by number", result: h.pageOf('InvoiceSummary'),
        parameters: [q('period', 'Only this month', month), q('type', 'Only invoices or credit notes', { enum: ['invoice', 'credit-note'] }), ...h.paged],
      }),
    },
    '/invoices/{number}': {
      parameters: [{ name: 'number', in: 'path', required: true, schema: str }],
      get: {
        ...h.op({ id: 'getInvoice', summary: 'An invoice or credit note (its issuer and recipient only), as JSON, CSV (RFC 4180, one row per line) or a printable HTML page', result: h.ref('InvoiceDocument'), parameters: [q('format', 'json (default), csv or html', { enum: ['json', 'csv', 'html'] })] }),
        responses: {
          200: { description: 'OK', content: { 'application/json': { schema: h.ref('InvoiceDocument') }, 'text/csv': { schema: str }, 'text/html': { schema: str } } },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    },
    '/invoices/{number}/credit-notes': {
      parameters: [{ name: 'number', in: 'path', required: true, schema: str }],
      post: h.post({
        id: 'createCreditNote', status: 201, result: h.ref('InvoiceDocument'),
        summary: 'Correct an issued invoice (its issuer): a credit note reversing some lines (default: every line not credited yet)',
        body: h.body({ type: 'object', required: ['reason'], additionalProperties: false, properties: { lines: { type: 'array', items: str }, reason: str } }, { lines: ['L2'], reason: 'Egress double-counted' }),
      }),
    },
    '/accounts/{account}/margin': {
      parameters: accountParam,
      get: h.op({ id: 'getMarginReport', summary: "A partner's own margin per customer for a month: retail minus attributed wholesale", result: h.ref('MarginReport'), parameters: [q('period', 'The month', month, true)] }),
    },
    '/accounts/{account}/move': {
      parameters: accountParam,
      post: h.post({
        id: 'moveCustomer', summary: 'Move a customer to another partner from a given hour (the operator); the new partner must be licensed for its regions',
        description: 'Recorded in the partner history that invoice runs use: each partner bills its own hours. A move takes effect now or from a past hour not invoiced yet, at most once per billing month.',
        body: h.body({ type: 'object', required: ['partnerId'], additionalProperties: false, properties: { partnerId: { type: 'string', description: 'Partner id or name' }, at: hour } }, { partnerId: 'uk-cloud', at: '2026-03-11T00:00:00Z' }),
        result: { type: 'object', properties: { account: h.ref('Account'), move: h.ref('AccountMove') } },
      }),
    },
    '/accounts/{account}/moves': {
      parameters: accountParam,
      get: h.op({ id: 'listMoves', summary: "A customer's partner history, oldest first", parameters: h.paged, result: h.pageOf('AccountMove') }),
    },
  };
}
