/**
 * Credit notes: the one way to correct an issued invoice. A credit note reverses
 * whole lines of one issued invoice (each line at most once across all its credit
 * notes) with the amounts negated; its tax is the credited subtotal x the invoice's
 * rate, rounded half-up once, except that the note reversing the last remaining
 * lines takes exactly the tax not yet reversed, so the notes of an invoice never
 * add up to more (or less) than the invoice.
 */
import { fail } from '../core/errors.js';
import { formatMoney, parseMoney } from './money.js';
import { toMs } from './period.js';
import type { InvoiceLine } from './rate.js';
import { taxMinor } from './tax.js';
import { checkDocumentNumber, type InvoiceDocument } from './invoice.js';

export interface CreditNoteInput {
  number: string;
  /** The issued invoice to correct. */
  invoice: InvoiceDocument;
  /** The lines to reverse; default every line not reversed yet. */
  lineIds?: string[];
  reason: string;
  now: Date | string | number;
  /** Credit notes already made for this invoice (draft or issued). */
  priorCredits?: readonly InvoiceDocument[];
}

const ZERO = /^-?0(?:\.0+)?$/;

function negate(s: string): string {
  if (ZERO.test(s)) return s.replace(/^-/, '');
  return s.startsWith('-') ? s.slice(1) : `-${s}`;
}

function invalid(argument: string, message: string, value?: string): never {
  throw fail('InvalidArgument', message, { details: { ArgumentName: argument, ...(value === undefined ? {} : { ArgumentValue: value }) } });
}

function reversal(line: InvoiceLine, id: string): InvoiceLine & { reverses: string } {
  return {
    ...structuredClone(line),
    id,
    reverses: line.id,
    description: `Reversal of ${line.id}: ${line.description}`,
    quantity: negate(line.quantity),
    billedQuantity: negate(line.billedQuantity),
    freeQuantity: negate(line.freeQuantity),
    tiers: line.tiers.map((t) => ({ ...t, quantity: negate(t.quantity), amount: negate(t.amount) })),
    amount: negate(line.amount),
  };
}

/** Drafts a credit note reversing `lineIds` (default: all remaining) of an issued invoice. */
export function creditNote(input: CreditNoteInput): InvoiceDocument {
  const inv = input.invoice;
  if (inv.documentType !== 'invoice') invalid('invoice', `${inv.number} is a credit note; only invoices are credited.`, inv.number);
  if (inv.status !== 'issued') invalid('invoice', `Invoice ${inv.number} is a draft: redo the draft instead of crediting it.`, inv.number);
  if (typeof input.reason !== 'string' || input.reason.trim() === '') invalid('reason', 'A credit note needs a reason.');
  checkDocumentNumber(input.number);
  if (input.lineIds !== undefined && (!Array.isArray(input.lineIds) || input.lineIds.length === 0)) invalid('lineIds', 'lineIds must name at least one line (omit it to credit every remaining line).');
  if (input.number === inv.number) invalid('number', 'A credit note needs its own number.', input.number);
  const prior = input.priorCredits ?? [];
  const credited = new Set<string>();
  let priorTax = 0n;
  for (const p of prior) {
    if (p.documentType !== 'credit-note' || p.credits?.invoiceNumber !== inv.number) {
      invalid('priorCredits', `${p.number} is not a credit note of invoice ${inv.number}.`, p.number);
    }
    for (const id of p.credits.lineIds) credited.add(id);
    priorTax += parseMoney(p.tax, inv.currency, { allowNegative: true });
  }
  const known = new Set(inv.lines.map((l) => l.id));
  const wanted = input.lineIds ?? inv.lines.map((l) => l.id).filter((id) => !credited.has(id));
  if (wanted.length === 0) invalid('lineIds', `Every line of invoice ${inv.number} is already credited.`);
  const ids = new Set<string>();
  for (const id of wanted) {
    if (!known.has(id)) invalid('lineIds', `Invoice ${inv.number} has no line ${id}.`, id);
    if (credited.has(id)) throw fail('Conflict', `Line ${id} of invoice ${inv.number} is already credited.`, { details: { ArgumentName: 'lineIds', ArgumentValue: id } });
    if (ids.has(id)) invalid('lineIds', `Line ${id} is listed twice.`, id);
    ids.add(id);
  }
  const lines = inv.lines.filter((l) => ids.has(l.id)).map((l, i) => reversal(l, `L${i + 1}`));
  const subtotal = lines.reduce((s, l) => s + parseMoney(l.amount, inv.currency, { allowNegative: true }), 0n);
  const completes = credited.size + ids.size === inv.lines.length;
  // priorTax is negative (reversals): the remainder is -(invoice tax + priorTax).
  const tax = completes ? -(parseMoney(inv.tax, inv.currency, { allowNegative: true }) + priorTax) : taxMinor(subtotal, inv.taxRate);
  return {
    documentType: 'credit-note',
    billing: inv.billing,
    number: input.number,
    status: 'draft',
    createdAt: new Date(toMs(input.now)).toISOString(),
    issuer: structuredClone(inv.issuer),
    recipient: structuredClone(inv.recipient),
    period: inv.period,
    from: inv.from,
    to: inv.to,
    currency: inv.currency,
    lines,
    subtotal: formatMoney(subtotal, inv.currency),
    taxCountry: inv.taxCountry,
    taxRate: inv.taxRate,
    tax: formatMoney(tax, inv.currency),
    total: formatMoney(subtotal + tax, inv.currency),
    credits: { invoiceNumber: inv.number, lineIds: [...ids], reason: input.reason },
  };
}
