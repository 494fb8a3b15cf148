/**
 * `sovra billing <noun> <verb>`: price books, billing profiles, tax rates, invoice runs,
 * invoices (show and export as JSON, CSV or HTML), credit notes and the margin report,
 * through the admin API only (src/client), with readable tables or --json.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { InvoiceDocument, InvoiceFormat, InvoiceSummary, MarginReport, StoredPriceBook } from '../client/admin-types.js';
import { listOpt, PAGE_HELP, PAGE_OPTIONS, printList, stringOpt, type AdminIo, type Noun, type Verb, type VerbContext } from './admin-command.js';
import { fields, table, UsageError, type Env } from './admin-connection.js';
import { parseList } from './admin-format.js';
import { runNounCommand } from './admin.js';
import { groupDigits } from './usage.js';

const IDEMPOTENCY = { 'idempotency-key': { type: 'string' } } as const;
const IDEMPOTENCY_HELP = '  --idempotency-key KEY     Retrying with the same key does it once';

function idem(ctx: VerbContext): { idempotencyKey?: string } {
  const k = stringOpt(ctx, 'idempotency-key');
  return k === undefined ? {} : { idempotencyKey: k };
}

function required(ctx: VerbContext, name: string, what: string): string {
  const v = stringOpt(ctx, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required: ${what}`);
  return v;
}

const hourText = (iso: string) => iso.replace('T', ' ').replace(/:00(\.000)?Z$/, 'Z');
const validity = (b: StoredPriceBook['book']) => `${hourText(b.validFrom)} .. ${b.validTo ? hourText(b.validTo) : 'open'}`;

/** How a book prices: its entries, or its markup. */
function pricing(b: StoredPriceBook['book']): string {
  if (b.kind === 'markup') return 'percent' in b.markup ? `wholesale + ${b.markup.percent}%` : `wholesale + ${b.markup.perUnit} per unit`;
  return `${b.entries.length} entr${b.entries.length === 1 ? 'y' : 'ies'}`;
}

function bookRows(items: StoredPriceBook[]): string {
  return table(['ID', 'BILLING', 'CURRENCY', 'VALID', 'PRICING', 'MINIMUM FEE'], items.map((s) => [s.book.id, s.billing, s.book.currency, validity(s.book), pricing(s.book), s.book.minimumMonthlyFee ?? '-']));
}

function showBook(s: StoredPriceBook): string {
  const b = s.book;
  const head = fields([
    ['ID', b.id], ['ACCOUNT', s.accountId], ['BILLING', s.billing], ['CURRENCY', b.currency], ['VALID', validity(b)],
    ['MINIMUM FEE', b.minimumMonthlyFee ?? '-'], ['PRICING', pricing(b)], ['UPDATED', `${s.updatedAt} by ${s.updatedBy}`],
  ]);
  if (b.kind === 'markup') return head;
  const rows = b.entries.flatMap((e) => e.tiers.map((t, i) => [i === 0 ? e.meter : '', i === 0 ? e.region : '', t.upTo ?? (i === 0 ? '-' : 'above'), t.unitPrice, i === 0 ? (e.freeAllowance ?? '-') : '']));
  return `${head}\n\n${table(['METER', 'REGION', 'UP TO', 'UNIT PRICE', 'FREE'], rows)}`;
}

const priceBookNoun: Noun = {
  summary: "Price books: the operator prices each partner (wholesale); a partner prices each customer (retail, or a markup rule on wholesale).",
  verbs: {
    set: {
      synopsis: 'price-book set ACCOUNT --file FILE', positionals: ['ACCOUNT'],
      help: `Creates or replaces a price book from a JSON file ('-' for standard input): { "id", "currency", "validFrom", "validTo"?,
"minimumMonthlyFee"?, "entries": [{ "meter", "region", "tiers": [{ "upTo"?, "unitPrice" }], "freeAllowance"? }] }, or a markup
rule { "id", "kind": "markup", "currency", "validFrom", "markup": { "percent": "25" } }. Decimals are strings.

  --file FILE               The book as JSON (required)
  --id ID                   The book's id when the file has none`,
      options: { file: { type: 'string' }, id: { type: 'string' } },
      async run(ctx) {
        const file = required(ctx, 'file', 'the price book as JSON');
        const text = file === '-' ? await ctx.io.readStdin() : await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new UsageError(`cannot read ${file}: ${e.code ?? e.message}`);
        });
        let book: Record<string, unknown>;
        try {
          book = JSON.parse(text) as Record<string, unknown>;
        } catch (e) {
          throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
        }
        const id = stringOpt(ctx, 'id') ?? (typeof book['id'] === 'string' ? book['id'] : undefined);
        if (id === undefined) throw new UsageError('the book needs an id: an "id" field in the file, or --id');
        const stored = await ctx.client.putPriceBook(ctx.args[0] ?? '', id, book);
        ctx.print(stored, `Price book ${id} set for ${stored.accountId}.\n\n${showBook(stored)}`);
      },
    },
    list: {
      synopsis: 'price-book list ACCOUNT', positionals: ['ACCOUNT'], help: `Lists an account's price books by validity.\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => printList(ctx, (p) => ctx.client.listPriceBooks(ctx.args[0] ?? '', p), bookRows, 'No price books.'),
    },
    show: {
      synopsis: 'price-book show ACCOUNT ID', positionals: ['ACCOUNT', 'ID'], help: 'Shows a price book with its tiers.',
      async run(ctx) {
        const s = await ctx.client.getPriceBook(ctx.args[0] ?? '', ctx.args[1] ?? '');
        ctx.print(s, showBook(s));
      },
    },
    delete: {
      synopsis: 'price-book delete ACCOUNT ID', positionals: ['ACCOUNT', 'ID'], help: 'Deletes a price book that priced no invoiced hour.',
      async run(ctx) {
        await ctx.client.deletePriceBook(ctx.args[0] ?? '', ctx.args[1] ?? '');
        ctx.print({ deleted: ctx.args[1] }, `Price book ${ctx.args[1]} deleted.`);
      },
    },
  },
};

const profileNoun: Noun = {
  summary: "Billing profiles: the legal name, address, country (which decides the tax rate) and tax id printed on invoices.",
  verbs: {
    get: {
      synopsis: 'profile get ACCOUNT', positionals: ['ACCOUNT'], help: "Shows an account's billing profile.",
      async run(ctx) {
        const p = await ctx.client.getBillingProfile(ctx.args[0] ?? '');
        const pr = p.profile;
        ctx.print(p, pr === null ? `${p.accountId} has no billing profile.` : fields([
          ['ACCOUNT', p.accountId], ['LEGAL NAME', pr.legalName ?? '-'], ['ADDRESS', (pr.address ?? []).join(', ') || '-'], ['COUNTRY', pr.country], ['TAX ID', pr.taxId ?? '-'],
        ]));
      },
    },
    set: {
      synopsis: 'profile set ACCOUNT --country CC', positionals: ['ACCOUNT'],
      help: `Sets an account's billing profile (the account itself, its partner or the operator).

  --country CC              ISO 3166 country, e.g. DE (required)
  --legal-name NAME
  --address LINE            One address line; repeat for more
  --tax-id ID`,
      options: { country: { type: 'string' }, 'legal-name': { type: 'string' }, address: { type: 'string', multiple: true }, 'tax-id': { type: 'string' } },
      async run(ctx) {
        const legalName = stringOpt(ctx, 'legal-name');
        const taxId = stringOpt(ctx, 'tax-id');
        const address = listOpt(ctx, 'address');
        const p = await ctx.client.putBillingProfile(ctx.args[0] ?? '', {
          country: required(ctx, 'country', 'the ISO 3166 country, e.g. DE'), ...(legalName !== undefined ? { legalName } : {}), ...(address ? { address } : {}), ...(taxId !== undefined ? { taxId } : {}),
        });
        ctx.print(p, `Billing profile of ${p.accountId} set.`);
      },
    },
  },
};

const rateTable = (rates: Record<string, string>) => (Object.keys(rates).length === 0 ? 'No tax rates.' : table(['COUNTRY', 'RATE'], Object.entries(rates).map(([c, r]) => [c, `${r}%`])));

const taxRateNoun: Noun = {
  summary: "Tax rates per country of the billed party (the operator sets them).",
  verbs: {
    list: {
      synopsis: 'tax-rate list', positionals: [], help: 'Lists the tax rates.',
      async run(ctx) {
        const r = await ctx.client.listTaxRates();
        ctx.print(r, rateTable(r.rates));
      },
    },
    set: {
      synopsis: 'tax-rate set COUNTRY RATE', positionals: ['COUNTRY', 'RATE'], help: "Sets a country's rate in percent (e.g. DE 19); 'none' removes it.",
      async run(ctx) {
        const rate = ctx.args[1] === 'none' ? null : (ctx.args[1] ?? '');
        const r = await ctx.client.putTaxRate(ctx.args[0] ?? '', rate);
        ctx.print(r, rateTable(r.rates));
      },
    },
  },
};

function invoiceRows(items: InvoiceSummary[]): string {
  return table(['NUMBER', 'TYPE', 'BILLING', 'PERIOD', 'FROM', 'TO', 'SUBTOTAL', 'TAX', 'TOTAL', 'CUR'],
    items.map((i) => [i.number, i.documentType, i.billing, i.period, i.issuerName, i.recipientName, i.subtotal, i.tax, i.total, i.currency]));
}

export function showInvoice(d: InvoiceDocument): string {
  const party = (p: InvoiceDocument['issuer']) => [p.name, ...(p.address ?? []), p.country, ...(p.taxId ? [`Tax id ${p.taxId}`] : [])].join(', ');
  const head = fields([
    [d.documentType === 'invoice' ? 'INVOICE' : 'CREDIT NOTE', d.number], ['ISSUED', d.issuedAt ?? d.createdAt], ['FROM', party(d.issuer)], ['TO', party(d.recipient)],
    ['PERIOD', `${d.period} (${d.from} to ${d.to})`], ...(d.credits ? [['CORRECTS', `${d.credits.invoiceNumber} ${d.credits.lineIds.join(', ')}: ${d.credits.reason}`] as [string, string]] : []),
  ]);
  const lines = table(['LINE', 'REGION', 'METER', 'QUANTITY', 'BILLED', 'PRICE', 'AMOUNT'], d.lines.map((l) => [
    l.id, l.region ?? '-', l.meter ?? l.kind, `${groupDigits(l.quantity)} ${l.unit}`, `${l.billedQuantity} ${l.priceUnit}`, l.tiers.map((t) => t.unitPrice).join(' / ') || '-', l.amount,
  ]));
  const totals = fields([['SUBTOTAL', `${d.subtotal} ${d.currency}`], [`TAX ${d.taxCountry} ${d.taxRate}%`, `${d.tax} ${d.currency}`], ['TOTAL', `${d.total} ${d.currency}`]]);
  return `${head}\n\n${lines}\n\n${totals}`;
}

const FORMATS = ['json', 'csv', 'html'];

const invoiceNoun: Noun = {
  summary: 'Invoices: runs for an ended month (wholesale by the operator, retail by a partner), listing, showing and exporting.',
  verbs: {
    run: {
      synopsis: 'invoice run --period YYYY-MM --billing retail|wholesale', positionals: [],
      help: `Invoices an ended month: wholesale (the operator, to each partner) or retail (a partner, to each of its customers).
All or nothing; running a month again shows the invoices issued the first time.

  --period YYYY-MM          The month (required; it must have ended)
  --billing retail|wholesale (required)
  --account ACCOUNT         Only this recipient
${IDEMPOTENCY_HELP}`,
      options: { period: { type: 'string' }, billing: { type: 'string' }, account: { type: 'string' }, ...IDEMPOTENCY },
      async run(ctx) {
        const period = required(ctx, 'period', 'the month to invoice, e.g. 2026-03');
        const billing = required(ctx, 'billing', 'retail or wholesale');
        if (billing !== 'retail' && billing !== 'wholesale') throw new UsageError(`--billing must be retail or wholesale, not '${billing}'`);
        const account = stringOpt(ctx, 'account');
        const run = await ctx.client.runInvoices({ period, billing, ...(account !== undefined ? { accountId: account } : {}) }, idem(ctx));
        const what = `${run.created} invoice${run.created === 1 ? '' : 's'} issued, ${run.existing} issued before`;
        ctx.print(run, `${billing[0]!.toUpperCase()}${billing.slice(1)} invoices for ${run.period}: ${what}.${run.invoices.length > 0 ? `\n\n${invoiceRows(run.invoices)}` : ''}`);
      },
    },
    list: {
      synopsis: 'invoice list ACCOUNT', positionals: ['ACCOUNT'],
      help: `Lists the invoices and credit notes of an account that you issued or received.\n\n  --period YYYY-MM          Only this month\n  --type invoice|credit-note\n${PAGE_HELP}`,
      options: { period: { type: 'string' }, type: { type: 'string' }, ...PAGE_OPTIONS },
      run: (ctx) => {
        const period = stringOpt(ctx, 'period');
        const type = stringOpt(ctx, 'type');
        if (type !== undefined && type !== 'invoice' && type !== 'credit-note') throw new UsageError(`--type must be invoice or credit-note, not '${type}'`);
        return printList(ctx, (p) => ctx.client.listInvoices(ctx.args[0] ?? '', { ...p, ...(period !== undefined ? { period } : {}), ...(type !== undefined ? { type } : {}) }), invoiceRows, 'No invoices.');
      },
    },
    show: {
      synopsis: 'invoice show NUMBER', positionals: ['NUMBER'], help: 'Shows an invoice or credit note line by line.',
      async run(ctx) {
        const d = await ctx.client.getInvoice(ctx.args[0] ?? '');
        ctx.print(d, showInvoice(d));
      },
    },
    export: {
      synopsis: 'invoice export NUMBER --format json|csv|html', positionals: ['NUMBER'],
      help: `Exports an invoice or credit note as the server renders it: JSON, CSV (RFC 4180, one row per line) or a printable HTML page.

  --format json|csv|html    (required)
  --out FILE                Write to FILE instead of standard output`,
      options: { format: { type: 'string' }, out: { type: 'string' } },
      async run(ctx) {
        const format = required(ctx, 'format', 'json, csv or html');
        if (!FORMATS.includes(format)) throw new UsageError(`--format must be json, csv or html, not '${format}'`);
        const text = await ctx.client.exportInvoice(ctx.args[0] ?? '', format as InvoiceFormat);
        const out = stringOpt(ctx, 'out');
        if (out === undefined) {
          ctx.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
          return;
        }
        await writeFile(out, text);
        ctx.print({ number: ctx.args[0], format, out, bytes: Buffer.byteLength(text) }, `Wrote ${ctx.args[0]} as ${format} to ${out} (${Buffer.byteLength(text)} bytes).`);
      },
    },
  },
};

const creditNoteNoun: Noun = {
  summary: 'Credit notes: the one way to correct an issued invoice (its issuer only).',
  verbs: {
    create: {
      synopsis: 'credit-note create INVOICE --reason TEXT', positionals: ['INVOICE'],
      help: `Issues a credit note reversing lines of an invoice (default: every line not credited yet).

  --reason TEXT             Why (required; printed on the note)
  --lines L1,L2             Only these lines
${IDEMPOTENCY_HELP}`,
      options: { reason: { type: 'string' }, lines: { type: 'string', multiple: true }, ...IDEMPOTENCY },
      async run(ctx) {
        const lines = listOpt(ctx, 'lines');
        const d = await ctx.client.createCreditNote(ctx.args[0] ?? '', { reason: required(ctx, 'reason', 'why the invoice is corrected'), ...(lines ? { lines: parseList(lines, '--lines') } : {}) }, idem(ctx));
        ctx.print(d, `Credit note ${d.number} issued.\n\n${showInvoice(d)}`);
      },
    },
  },
};

function marginText(r: MarginReport): string {
  const rows = table(['CUSTOMER', 'NAME', 'RETAIL', 'WHOLESALE', 'MARGIN'], [
    ...r.rows.map((x) => [x.customerId, x.customerName, x.retail, x.wholesale, x.margin]),
    ['total', '', r.totals.retail, r.totals.wholesale, r.totals.margin],
  ]);
  const discount = r.volumeDiscount === undefined ? '' : `\n\nVolume discount on the wholesale invoice: ${r.volumeDiscount} ${r.currency}`;
  return `Margin of ${r.partnerId} for ${r.period} (${r.currency}, before tax)\n\n${rows}${discount}`;
}

const marginVerb: Verb = {
  synopsis: 'margin PARTNER --period YYYY-MM', positionals: ['PARTNER'],
  help: `A partner's margin per customer for a month: retail billed minus the wholesale cost of that customer's usage.

  --period YYYY-MM          The month (required)`,
  options: { period: { type: 'string' } },
  async run(ctx) {
    const r = await ctx.client.getMarginReport(ctx.args[0] ?? '', required(ctx, 'period', 'the month, e.g. 2026-03'));
    ctx.print(r, marginText(r));
  },
};

export const BILLING_COMMANDS: Record<string, Noun | Verb> = {
  'price-book': priceBookNoun,
  profile: profileNoun,
  'tax-rate': taxRateNoun,
  invoice: invoiceNoun,
  'credit-note': creditNoteNoun,
  margin: marginVerb,
};

export const BILLING_USAGE = `Usage: sovra billing <noun> <verb> [arguments] [options]

Prices, invoices and margins through the admin API. The operator prices each partner (wholesale) and invoices
partners; a partner prices its customers (retail, or a markup on wholesale) and invoices them under its brand.
Readable tables by default; --json prints the API's JSON.

Nouns:
  price-book   A partner's wholesale or a customer's retail price book: set (from a JSON file), list, show, delete
  profile      Billing profile (legal name, address, country, tax id): get, set
  tax-rate     Tax rate per country: list, set (operator)
  invoice      Invoice runs for an ended month, and invoices: run, list, show, export
  credit-note  Correct an issued invoice: create
  margin       A partner's margin per customer for a month

Example (a month, from prices to invoice):
  sovra billing price-book set dt --file dt-wholesale.json           # the operator
  sovra billing price-book set acme --file acme-markup.json          # the partner
  sovra billing invoice run --period 2026-03 --billing retail        # the partner, after the month
  sovra billing invoice export INV-...-2026-000001 --format html --out invoice.html

Run 'sovra billing <noun> --help' for its verbs. Connection as for 'sovra admin'.`;

/** Runs `sovra billing ...` (args after `billing`); returns the exit code. */
export function runBillingCommand(args: string[], env: Env, io: Omit<AdminIo, 'readStdin'> & Partial<Pick<AdminIo, 'readStdin'>>): Promise<number> {
  return runNounCommand({ command: 'billing', commands: BILLING_COMMANDS, usage: BILLING_USAGE }, args, env, io);
}
